import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { evaluate } from "../offline/engine/engine";
import { EngineRuleError } from "../offline/engine/violations";
import { planOf } from "../offline/report/plan";
import { block, existingTargetConfig, fixture } from "./support/stacks";

// As this process began, before any evaluation.
const STACK_TRACE_LIMIT = Error.stackTraceLimit;
const CALLSITES = (pulumi.Resource as unknown as { callsites: unknown }).callsites;
const LOG = [pulumi.log.warn, pulumi.log.error];
const listeners = () => ["unhandledRejection", "uncaughtException"].map(event => process.listenerCount(event));

/** A provider the offline engine accepts: pinned to one account and a region. */
const provider = (allowedAccountIds: string[]) => new aws.Provider("planted", { region: "eu-west-1", allowedAccountIds });

describe("offline engine: errors end the evaluation at once, with their message", function () {
    // An error that does not end the evaluation would show as mocha's 60 s timeout, without a cause.
    this.timeout(15_000);

    it("an error while a resource registers (a provider the mocks refuse)", async () => {
        const e = await evaluate("dev", fixture("dev"), {
            program: () => {
                const role = new aws.iam.Role("planted", { assumeRolePolicy: "{}" }, { provider: provider([]) });
                return { roleArn: role.arn };
            },
        });
        assert.match(e.error?.message ?? "", /failed to register new resource planted \[pulumi:providers:aws\]: provider planted must pin allowedAccountIds and region/);
        const result = await planOf(e);
        assert.equal(result.exitCode, 1);
        assert.match(result.text, /must pin allowedAccountIds/);
    });

    it("an error inside an apply whose value a resource needs", async () => {
        const e = await evaluate("dev", fixture("dev"), {
            program: () => {
                const p = provider(["121212121212"]);
                const role = new aws.iam.Role("planted", { assumeRolePolicy: "{}" }, { provider: p });
                const policy = role.arn.apply((arn): string => { throw new Error(`planted in an apply on ${arn}`); });
                new aws.iam.RolePolicy("planted", { role: role.name, policy }, { provider: p });
                return {};
            },
        });
        assert.match(e.error?.message ?? "", /planted in an apply on arn:aws:iam::121212121212:role\//);
    });

    it("an error inside an apply whose value nothing uses", async () => {
        const e = await evaluate("dev", fixture("dev"), {
            program: () => {
                const role = new aws.iam.Role("planted", { assumeRolePolicy: "{}" }, { provider: provider(["121212121212"]) });
                role.arn.apply(() => { throw new Error("planted in an unused apply"); });
                return {};
            },
        });
        assert.equal(e.error?.message, "planted in an unused apply");
    });

    it("an exception thrown outside any promise (a timer's callback), which would end the real program", async () => {
        // Mocha fails the running test on any uncaught exception: its listeners step aside, as in `npm run plan`'s process.
        const mocha = process.listeners("uncaughtException");
        process.removeAllListeners("uncaughtException");
        try {
            const e = await evaluate("dev", fixture("dev"), {
                program: () => {
                    setImmediate(() => { throw new Error("planted in a timer"); });
                    return {};
                },
            });
            assert.equal(e.error?.message, "planted in a timer");
        } finally {
            mocha.forEach(l => process.on("uncaughtException", l));
        }
    });

    it("a rejection with a value that is no Error, by its text", async () => {
        const e = await evaluate("dev", fixture("dev"), {
            program: () => {
                const role = new aws.iam.Role("planted", { assumeRolePolicy: "{}" }, { provider: provider(["121212121212"]) });
                role.arn.apply(() => Promise.reject("planted text"));
                return {};
            },
        });
        assert.ok(e.error instanceof Error);
        assert.equal(e.error.message, "planted text");
    });

    it("an error the program logs: Pulumi fails the update on it", async () => {
        const e = await evaluate("dev", fixture("dev"), {
            program: () => {
                pulumi.log.error("planted error");
                return {};
            },
        });
        assert.equal(e.error?.message, "planted error");
        assert.deepEqual(e.warnings, []);
    });

    it("rejections that go on after the first one (abandoned registrations failing later) are the evaluation's too, not the next test's", async () => {
        // Six, 4 ms apart: the evaluation listens until 15 ms pass without one.
        let late = 0;
        const rejectLater = () => setTimeout(() => {
            void Promise.reject(new Error(`planted: late ${++late}`));
            if (late < 6) rejectLater();
        }, 4);
        const e = await evaluate("dev", fixture("dev"), {
            program: () => {
                void Promise.resolve().then(() => {
                    rejectLater();
                    throw new Error("planted: first");
                });
                return {};
            },
        });
        assert.equal(e.error?.message, "planted: first");
        // Had the evaluation stopped listening at once, the late rejection would land here (or in the next evaluation).
        const leaked: unknown[] = [];
        const leak = (reason: unknown) => leaked.push(reason);
        process.on("unhandledRejection", leak);
        try {
            await new Promise(resolve => setTimeout(resolve, 50));
        } finally {
            process.off("unhandledRejection", leak);
        }
        assert.equal(late, 6);
        assert.deepEqual(leaked, []);
    });

    it("invokes the mocks refuse, each with the reason the SDK leaves out of the program's error", async () => {
        const e = await evaluate("dev", fixture("dev"), {
            program: () => {
                const p = provider(["121212121212"]);
                void Promise.all([aws.sqs.getQueue({ name: "queue" }, { provider: p }), aws.sns.getTopic({ name: "topic" }, { provider: p })]);
                return {};
            },
        });
        assert.equal(e.error?.message, "the offline engine does not know the invoke aws:sqs/getQueue:getQueue: add it to offline/engine/mocks.ts; " +
            "the offline engine does not know the invoke aws:sns/getTopic:getTopic: add it to offline/engine/mocks.ts");
    });

    it("a refused invoke whose failure the program turns into an error of its own: the program's message, not the mocks' reason", async () => {
        const e = await evaluate("dev", fixture("dev"), {
            program: () => {
                aws.sqs.getQueue({ name: "queue" }, { provider: provider(["121212121212"]) }).catch(() => { throw new Error("planted: no queue"); });
                return {};
            },
        });
        assert.equal(e.error?.message, "planted: no queue");
    });

    it("leaves nothing behind: the next evaluation of a committed stack is clean, and Pulumi's stack traces are back on", async () => {
        const before = listeners();
        const e = await evaluate("prod", fixture("prod"));
        assert.ifError(e.error);
        assert.deepEqual(e.warnings, []);
        assert.ok(e.resources.length > 50);
        // An evaluation turns off the traces Pulumi records for every promise and resource (engine.ts), and only for itself.
        assert.strictEqual(Error.stackTraceLimit, STACK_TRACE_LIMIT);
        assert.strictEqual((pulumi.Resource as unknown as { callsites: unknown }).callsites, CALLSITES);
        // Its listeners are gone and Pulumi's log is Pulumi's again: a later warning or rejection is no evaluation's.
        assert.deepEqual(listeners(), before);
        assert.deepEqual([pulumi.log.warn, pulumi.log.error], LOG);
    });
});

describe("offline engine: checks", () => {
    const tooLong = () => {
        // IAM's CreateRole takes a RoleName of at most 64 characters.
        new aws.iam.Role("planted", { name: "r".repeat(65), assumeRolePolicy: "{}" }, { provider: provider(["121212121212"]) });
        return {};
    };

    it("refuses what AWS's API would, after the program ran", async () => {
        const e = await evaluate("dev", fixture("dev"), { program: tooLong });
        assert.ok(e.error instanceof EngineRuleError, String(e.error));
        assert.match(e.error.message, /RoleName/);
        assert.ok(e.resources.some(r => r.type === "aws:iam/role:Role" && r.name === "planted"));
    });

    it("checks nothing with checks: false (what `npm run bench` measures them against)", async () => {
        const e = await evaluate("dev", fixture("dev"), { program: tooLong, checks: false });
        assert.ifError(e.error);
        assert.ok(e.resources.some(r => r.type === "aws:iam/role:Role" && r.name === "planted"));
    });
});

describe("offline engine: what the program is handed", () => {
    it("config as the Pulumi CLI hands it: a plain value as its text, a structured one as JSON text", async () => {
        const e = await evaluate("dev", { "shop:region": "eu-west-1", "shop:count": "3", "shop:targets": [{ name: "qa" }] }, {
            project: "shop",
            program: () => {
                const config = new pulumi.Config("shop");
                return { region: config.get("region"), count: config.get("count"), targets: config.get("targets") };
            },
        });
        assert.ifError(e.error);
        assert.deepEqual(e.outputs, { region: "eu-west-1", count: "3", targets: '[{"name":"qa"}]' });
    });
});

describe("offline engine: what each registration is", () => {
    it("two resources of one type and name under components of two types (two URNs) keep their own inputs, outputs and accounts", async () => {
        const e = await evaluate("dev", fixture("dev"), {
            program: () => {
                for (const [type, account] of [["First", "121212121212"], ["Second", "343434343434"]]) {
                    const parent = new pulumi.ComponentResource(`cross-account-pipeline:test:${type}`, "parent", {});
                    const p = new aws.Provider(`in-${account}`, { region: "eu-west-1", allowedAccountIds: [account] });
                    new aws.iam.Role("same", { name: `role-${type}`, assumeRolePolicy: "{}" }, { parent, provider: p });
                }
                return {};
            },
        });
        const roles = e.resources.filter(r => r.type === "aws:iam/role:Role");
        assert.deepEqual(roles.map(r => [r.urn.split("::").slice(2).join("::"), r.inputs.name, r.state.arn, r.account]), [
            ["cross-account-pipeline:test:First$aws:iam/role:Role::same", "role-First", "arn:aws:iam::121212121212:role/role-First", "121212121212"],
            ["cross-account-pipeline:test:Second$aws:iam/role:Role::same", "role-Second", "arn:aws:iam::343434343434:role/role-Second", "343434343434"],
        ]);
    });
});

describe("offline engine: warnings", () => {
    it("collects what the Pulumi runtime warns about", async () => {
        const e = await evaluate("dev", fixture("dev"), {
            program: () => {
                pulumi.log.warn("planted warning");
                return { missing: undefined };
            },
        });
        assert.ifError(e.error);
        assert.deepEqual(e.warnings, ["planted warning", "Undefined value (missing) will not show as a stack output."]);
    });

    it("an existing target exports no undefined applicationUrl or networkLogBucketName (the runtime would warn on every run)", async () => {
        const config = existingTargetConfig();
        block(config, "source").create = false;
        const e = await evaluate("dev", config);
        assert.ifError(e.error);
        assert.deepEqual(e.warnings, []);
        assert.ok(!("applicationUrl" in e.outputs));
        assert.ok(!("networkLogBucketName" in e.outputs));
    });
});
