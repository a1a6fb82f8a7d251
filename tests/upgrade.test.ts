import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { projectKeys } from "../offline/access/access";
import { evaluate, Evaluation, RawConfig, ROOT } from "../offline/engine/engine";
import { convertSingleTarget } from "../stacks/singleTarget";
import { physicalNames } from "./properties/invariants";
import { evaluated } from "./support/stacks";

// The upgrade from the single-target shape (targetAccount, deployTarget, manualApproval) to the
// release path. tests/snapshots/singleTarget.json holds what the single-target program (commit
// 2537ea5: with CodeConnections sources and Security Hub's controls) registered for its two
// committed stacks and for dev with an existing target: each resource's URN, its provider's URN
// and its physical names, with the stack file it ran.

interface Snapshot {
    stack: string;
    config: RawConfig;
    resources: { urn: string; provider: string; names: Record<string, string> }[];
}

const SNAPSHOTS: Record<string, Snapshot> = JSON.parse(fs.readFileSync(path.join(ROOT, "tests/snapshots/singleTarget.json"), "utf8"));
const P = "cross-account-pipeline";

/** What a registration says about a resource's identity: its provider and physical names. */
function identities(e: Evaluation) {
    const names = new Map<string, Record<string, string>>();
    for (const { resource, limit, name } of physicalNames(e.resources)) {
        names.set(resource.urn, { ...names.get(resource.urn), [limit.field]: String(name) });
    }
    const providerOf = (ref: string) => ref.slice(0, Math.max(0, ref.lastIndexOf("::")));
    return new Map(e.resources.map(r => [r.urn, { provider: providerOf(r.custom ? r.provider : r.providers.aws ?? ""), names: names.get(r.urn) ?? {} }]));
}

/** Every resource of the snapshot is registered again with the same URN, provider and physical names. */
function assertKept(snapshot: Snapshot, now: ReturnType<typeof identities>) {
    for (const before of snapshot.resources) {
        assert.deepEqual(now.get(before.urn), { provider: before.provider, names: before.names }, before.urn);
    }
}

for (const [name, snapshot] of Object.entries(SNAPSHOTS)) {
    describe(`upgrading a single-target stack (${name})`, () => {
        // Converted in each test: a mutation run switches the code between tests, never while a file loads.
        const keys = () => projectKeys(P, snapshot.config);

        it("refuses the old shape before registering anything, naming each old key and showing the targets block to write", async () => {
            const e = await evaluate(snapshot.stack, snapshot.config);
            assert.ok(e.error, "the old shape was accepted");
            assert.deepEqual(e.resources.map(r => r.type), ["pulumi:pulumi:Stack"]);
            const oldKeys = ["targetAccount", "deployTarget", "manualApproval"];
            for (const key of oldKeys) {
                assert.match(e.error.message, new RegExp(`Pulumi\\.${snapshot.stack}\\.yaml: ${P}:${key}: expected the targets list, which replaced ` +
                    "targetAccount, deployTarget and manualApproval; found the single-target key; for example the targets block below"));
            }
            const problems = e.error.message.slice(0, e.error.message.indexOf("Replace them")).split("\n").filter(l => /^\s+- /.test(l));
            assert.equal(problems.length, oldKeys.length, `only the old keys' problems: ${problems.join("\n")}`);
            const block = e.error.message.slice(e.error.message.indexOf("\n  " + `${P}:targets:`));
            const [target] = (yaml.load(block) as Record<string, any[]>)[`${P}:targets`];
            const old = keys().manualApproval;
            assert.equal(target.approval, old === undefined ? true : old, "approval where manualApproval (default true) applied");
            assert.equal(target.legacyNames, true);
            assert.deepEqual(target.account, keys().targetAccount);
            assert.deepEqual(Object.keys(keys().deployTarget as object).map(k => target[k]), Object.values(keys().deployTarget as object));
        });

        it("the converted stack keeps every URN, provider and physical name it had, and adds nothing", async () => {
            const others = Object.fromEntries(Object.entries(snapshot.config).filter(([k]) => !k.startsWith(`${P}:`)));
            const conversion = convertSingleTarget(P, snapshot.stack, keys())!;
            const converted = { ...others, ...Object.fromEntries(Object.entries(conversion.converted).map(([k, v]) => [`${P}:${k}`, v])) };
            // Aliases, were the program to use any, must claim URNs of this previous deployment (offline/engine/engineRules.ts).
            const e = await evaluate(snapshot.stack, converted, { prior: { stack: snapshot.stack, project: P, urns: snapshot.resources.map(r => r.urn) } });
            assert.ifError(e.error);
            const now = identities(e);
            assertKept(snapshot, now);
            assert.deepEqual([...now.keys()].filter(urn => !snapshot.resources.some(r => r.urn === urn)), [], "new resources");
        });
    });
}

describe("upgrading a single-target stack: the committed stacks and the old defaults", () => {
    it("the committed prod stack, staging put in front of its PROD target, keeps every URN, provider and physical name of the single-target prod", async () => {
        const e = await evaluated("prod");
        assert.ifError(e.error);
        assertKept(SNAPSHOTS.prod, identities(e));
    });

    it("a stack file that left manualApproval out (its default was an approval) converts to a target with approval: true", async () => {
        const { [`${P}:manualApproval`]: _, ...config } = SNAPSHOTS.dev.config;
        const e = await evaluate("dev", config);
        const block = e.error!.message.slice(e.error!.message.indexOf("\n  " + `${P}:targets:`));
        const [target] = (yaml.load(block) as Record<string, any[]>)[`${P}:targets`];
        assert.equal(target.approval, true);
        const [converted] = convertSingleTarget(P, "dev", projectKeys(P, config))!.converted.targets as { approval: boolean }[];
        assert.equal(converted.approval, true);
    });
});

describe("converting a single-target stack file", () => {
    const old = { region: "eu-west-1", pipelineAccount: { accountId: "111111111111" }, targetAccount: { accountId: "222222222222" },
        deployTarget: { create: { serviceName: "shop" } } };

    it("a file of the current shape is not converted", () => {
        assert.equal(convertSingleTarget(P, "prod", { region: "eu-west-1", targets: [], adopt: { imageRepository: "shop" } }), undefined);
    });

    it("names the one target after the stack: lower case, runs of other characters one -, from its first letter, at most 24, no - at the end", () => {
        const name = (stack: string) => (convertSingleTarget(P, stack, old)!.converted.targets as { name: string }[])[0].name;
        assert.deepEqual(["prod", "Team_Shop.PROD", "2024-eu-prod", "a-very-long-stack-name-for-prod-x", "eu--west 1", "123", "a".repeat(24)].map(name),
            ["prod", "team-shop-prod", "eu-prod", "a-very-long-stack-name-f", "eu-west-1", "target", "a".repeat(24)]);
        assert.equal(name("shop-prod-europe-west-1-x"), "shop-prod-europe-west-1", "cut at 24, then its trailing - dropped");
    });

    it("the old keys found, the target's log group adoption moved to the target, the pipeline's adoptions kept, and the block to paste", () => {
        const conversion = convertSingleTarget(P, "prod", { ...old, manualApproval: false,
            adopt: { taskLogGroup: "/ecs/shop", imageRepository: "shop" } })!;
        assert.deepEqual(conversion.keys, ["targetAccount", "deployTarget", "manualApproval", "adopt.taskLogGroup"]);
        const target = { name: "prod", legacyNames: true, account: { accountId: "222222222222" }, approval: false, create: { serviceName: "shop" },
            adopt: { taskLogGroup: "/ecs/shop" } };
        assert.deepEqual(conversion.converted, { region: "eu-west-1", pipelineAccount: { accountId: "111111111111" }, targets: [target],
            adopt: { imageRepository: "shop" } });
        assert.equal(conversion.block, "Replace them with this targets block (the same pipeline; its target keeps every name and URN it had):\n" +
            `  ${P}:targets:\n    - name: prod\n      legacyNames: true\n      account:\n        accountId: '222222222222'\n      approval: false\n` +
            "      create:\n        serviceName: shop\n      adopt:\n        taskLogGroup: /ecs/shop");
        // Only the log group's adoption: the file is still of the old shape.
        const onlyAdopt = convertSingleTarget(P, "prod", { region: "eu-west-1", targets: [], adopt: { taskLogGroup: "/ecs/shop" } })!;
        assert.deepEqual(onlyAdopt.keys, ["adopt.taskLogGroup"]);
        assert.deepEqual(onlyAdopt.converted.adopt, {});
        // Without adopt, the converted file has none; a long value stays on one line, a block used twice is written twice (no YAML anchors).
        const cidrs = ["10.0.0.0/16"];
        const long = convertSingleTarget(P, "prod", { ...old, deployTarget: { create: { serviceName: "s", ingressCidrs: cidrs, testCidrs: cidrs,
            note: "a long sentence ".repeat(10).trim() } } })!;
        assert.equal("adopt" in long.converted, false);
        assert.equal("adopt" in (long.converted.targets as object[])[0], false);
        assert.ok(long.block.endsWith(`\n        note: ${"a long sentence ".repeat(10).trim()}`), long.block);
        assert.doesNotMatch(long.block, /[&*]ref/);
    });
});
