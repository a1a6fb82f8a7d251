// The check after a target, as CodeBuild runs it (the registered check project's buildspec, with the
// registered action's variables), against a real TLS server (Node https, in a child process) whose
// certificate a throwaway CA made with openssl signed. The load balancer stands at 127.0.0.1: curl's
// --connect-to is pointed there, as AWS's DNS would point it at the load balancer.
import { strict as assert } from "assert";
import { Evaluation } from "../offline/engine/engine";
import { REVIEW_LINK_WARNS } from "../components/CrossAccountPipeline";
import { actionVariables, projectOf, runCheckAction } from "./support/buildspec";
import { evaluateFixture, fixtureConfig, problemsBesideAnother } from "./support/fixtures";
import { existingTargetIn, one, targetsOf } from "./support/stacks";
import { throwawayCa, ThrowawayCa, tlsServer } from "./support/tls";

const FIXTURE = "release-path-https";
const DOMAIN = "qa.release.test";

const actions = (e: Evaluation) => (one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[]).flatMap(s => s.actions);
const variablesOf = actionVariables;
/** The registered load balancer of a target, by its logical name. */
const loadBalancer = (e: Evaluation, target: string) => one(e, "aws:lb/loadBalancer:LoadBalancer", `${target}-target-alb`).state.dnsName as string;

/** The problems of the fixture changed by `change` (none: []). */
function problems(change: (targets: any[]) => void): string[] {
    const raw = fixtureConfig(FIXTURE);
    change(targetsOf(raw));
    return problemsBesideAnother(FIXTURE, raw);
}

describe("the check after a target, over HTTPS (a real TLS server, a throwaway CA)", function () {
    this.timeout(120_000);
    let e: Evaluation;
    let ca: ThrowawayCa;
    let right: { key: string; cert: string };
    before(async () => {
        e = await evaluateFixture(FIXTURE);
        assert.equal(e.error?.message, undefined);
        ca = throwawayCa();
        right = ca.issue([DOMAIN]);
    });
    after(() => ca?.remove());

    /**
     * Runs the registered check against a TLS server with this certificate, answering `answers` in turn;
     * the action's variables (changed by `vary`) with the load balancer at the server, the pause between
     * tries 0, and the throwaway CA trusted unless `trust` is false.
     */
    async function check(identity: { key: string; cert: string }, answers: number[],
        vary: (v: Record<string, string>, lb: string) => Record<string, string> = v => v, trust = true) {
        const server = await tlsServer(identity, answers);
        try {
            const run = runCheckAction(e, actions(e).find(a => a.name === "Check_qa"), server.port, trust ? ca.caFile : undefined, vary);
            return { run, hosts: await server.hosts() };
        } finally {
            server.stop();
        }
    }

    it("calls the name the certificate covers, connecting to the target's own load balancer (no DNS record needed)", () => {
        const variables = variablesOf(actions(e).find(a => a.name === "Check_qa"));
        const lb = loadBalancer(e, "qa");
        assert.match(lb, /\.elb\.amazonaws\.com$/);
        assert.deepEqual(variables, { CHECK_URL: `https://${DOMAIN}/ready`, CHECK_CONNECT_TO: `${DOMAIN}:443:${lb}:443` });
    });

    it("passes on the right name: TLS verifies against the name, and the request carries it", async () => {
        const { run, hosts } = await check(right, [200]);
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(hosts, [DOMAIN]);
    });

    it("fails on a certificate for another name: no request reaches the target, every try fails", async () => {
        const { run, hosts } = await check(ca.issue(["other.release.test"]), [200]);
        assert.notEqual(run.status, 0);
        assert.deepEqual(hosts, []);
        assert.match(run.stderr, /https:\/\/qa\.release\.test\/ready did not answer 2xx or 3xx/);
    });

    it("verifies TLS: a certificate of a CA the build does not trust fails", async () => {
        const { run, hosts } = await check(right, [200], v => v, false);
        assert.notEqual(run.status, 0);
        assert.deepEqual(hosts, []);
    });

    it("fails on the load balancer's own name even with the right certificate: why such a check is refused", async () => {
        const { run, hosts } = await check(right, [200], (v, lb) => ({ CHECK_URL: `https://${lb}/ready`, CHECK_CONNECT_TO: `${lb}:443:${v.CHECK_CONNECT_TO.split(":").slice(2).join(":")}` }));
        assert.notEqual(run.status, 0);
        assert.deepEqual(hosts, []);
    });

    for (const [answers, passes, tries] of [[[200], true, 1], [[204], true, 1], [[301], true, 1], [[302], true, 1], [[503, 200], true, 2],
        [[404], false, 20], [[401], false, 20], [[500], false, 20], [[503], false, 20]] as [number[], boolean, number][]) {
        it(`${passes ? "passes" : "fails"} on ${answers.join(" then ")} after ${tries} ${tries === 1 ? "try" : "tries"}` +
            `${answers.some(a => a >= 300 && a < 400) ? " (a 3xx is the target's answer, not followed)" : ""}`, async () => {
            const { run, hosts } = await check(right, answers);
            assert.equal(run.status === 0, passes, run.stderr);
            assert.equal(hosts.length, tries);
        });
    }

    it("gives each try at most CHECK_TRY_SECONDS: a target that accepts and never answers costs one try", async () => {
        const started = Date.now();
        const { run, hosts } = await check(right, [0, 200], v => ({ ...v, CHECK_TRY_SECONDS: "1" }));
        assert.equal(run.status, 0, run.stderr);
        assert.equal(hosts.length, 2);
        assert.ok(Date.now() - started < 10_000, "the hanging try was cut at a second");
    });

    it("gives up before CodeBuild's timeout stops it: every try at its limit and every pause fit in the project's timeout", () => {
        const project = projectOf(e, "pipeline-check");
        const { CHECK_ATTEMPTS, CHECK_PAUSE_SECONDS, CHECK_TRY_SECONDS } = project.spec.env.variables;
        const seconds = Number(CHECK_ATTEMPTS) * Number(CHECK_TRY_SECONDS) + (Number(CHECK_ATTEMPTS) - 1) * Number(CHECK_PAUSE_SECONDS);
        // Tries spaced out: a new deployment's tasks may still be starting (an empty pause fails `sleep`).
        assert.ok(Number(CHECK_TRY_SECONDS) > 0 && Number(CHECK_ATTEMPTS) > 1 && /^[1-9]\d*$/.test(CHECK_PAUSE_SECONDS), CHECK_PAUSE_SECONDS);
        assert.ok(seconds < one(e, "aws:codebuild/project:Project", "pipeline-check").inputs.buildTimeout * 60, `${seconds} s`);
    });
});

describe("the approval's review link", () => {
    const approval = (e: Evaluation) => actions(e).find(a => a.provider === "Manual");

    it("is the load balancer's own name while DNS does not point the domain at it, and the request says the browser will warn", async () => {
        const e = await evaluateFixture(FIXTURE);
        assert.equal(approval(e).configuration.ExternalEntityLink, `https://${loadBalancer(e, "qa")}/`);
        assert.ok(approval(e).configuration.CustomData.endsWith(` ${REVIEW_LINK_WARNS}`));
    });

    it("is the domain once the stack declares that DNS points it at the load balancer, with no warning", async () => {
        const e = await evaluateFixture(FIXTURE, c => { targetsOf(c)[0].create.domainResolves = true; });
        assert.equal(approval(e).configuration.ExternalEntityLink, `https://${DOMAIN}/`);
        assert.ok(!approval(e).configuration.CustomData.includes(REVIEW_LINK_WARNS));
    });

    it("over HTTP, is the load balancer's name with no warning (nothing to verify)", async () => {
        const e = await evaluateFixture(FIXTURE, c => {
            const [qa] = targetsOf(c);
            delete qa.create.certificateArn;
            delete qa.create.domainName;
        });
        assert.equal(e.error?.message, undefined);
        assert.equal(approval(e).configuration.ExternalEntityLink, `http://${loadBalancer(e, "qa")}/`);
        assert.ok(!approval(e).configuration.CustomData.includes(REVIEW_LINK_WARNS));
        assert.equal(variablesOf(actions(e).find(a => a.name === "Check_qa")).CHECK_URL, `http://${loadBalancer(e, "qa")}/ready`);
    });
});

describe("a check by URL", () => {
    const byUrl = (c: any, existing: boolean) => {
        const [qa] = targetsOf(c);
        qa.check = { url: "https://qa.release.test/ready" };
        if (existing) {
            // An existing target's deployments may take longer than a created one's: its artifacts are kept longer.
            c["cross-account-pipeline:artifactRetentionDays"] = 30;
            delete qa.create;
            qa.existing = existingTargetIn(qa.account.accountId);
        }
    };

    it("calls that URL, on a created target too, with no name to connect to", async () => {
        const e = await evaluateFixture(FIXTURE, c => byUrl(c, false));
        assert.equal(e.error?.message, undefined);
        assert.deepEqual(variablesOf(actions(e).find(a => a.name === "Check_qa")), { CHECK_URL: "https://qa.release.test/ready" });
    });

    it("is an existing target's review link, with no warning (its name is the user's own)", async () => {
        const e = await evaluateFixture(FIXTURE, c => byUrl(c, true));
        assert.equal(e.error?.message, undefined);
        const approval = actions(e).find(a => a.provider === "Manual");
        assert.equal(approval.configuration.ExternalEntityLink, "https://qa.release.test/ready");
        assert.ok(!approval.configuration.CustomData.includes(REVIEW_LINK_WARNS));
    });
});

describe("checks that could never pass are refused", () => {
    it("a check by path on an HTTPS target without a name its certificate covers", () => {
        const lines = problems(([qa]) => { delete qa.create.domainName; });
        assert.equal(lines.length, 1, lines.join("\n"));
        assert.match(lines[0], /targets\[0\]\.create\.domainName: expected with certificateArn and check\.path, a name the certificate covers: the check would call https on the load balancer's own name/);
    });

    it("an https check URL on a load balancer's own name (any region, China's suffix too)", () => {
        for (const url of ["https://qa-alb-123.eu-central-1.elb.amazonaws.com/ready", "https://a-1.cn-north-1.elb.amazonaws.com.cn:8443/",
            "https://user@QA-ALB.EU-CENTRAL-1.ELB.AMAZONAWS.COM"]) {
            const lines = problems(([qa]) => { qa.check = { url }; });
            assert.equal(lines.length, 1, lines.join("\n"));
            assert.match(lines[0], /targets\[0\]\.check\.url: expected an https URL on a name of your own domain: .* is a load balancer's own name/);
        }
        // Plain HTTP there verifies nothing and may pass; a name of the user's own domain may be https.
        assert.deepEqual(problems(([qa]) => { qa.check = { url: "http://qa-alb-123.eu-central-1.elb.amazonaws.com/ready" }; }), []);
        assert.deepEqual(problems(([qa]) => { qa.check = { url: "https://qa.release.test/ready" }; }), []);
    });

    it("a domain without a certificate, and DNS declared for no domain", () => {
        assert.match(problems(([qa]) => { delete qa.create.certificateArn; }).join("\n"),
            /targets\[0\]\.create\.domainName: expected no domainName without certificateArn/);
        assert.match(problems(([, live]) => { live.create.domainResolves = true; }).join("\n"),
            /targets\[1\]\.create\.domainResolves: expected domainResolves only with domainName/);
    });

    it("the fixture itself is valid, so each refusal above is the change's", () => {
        assert.deepEqual(problems(() => undefined), []);
    });
});

describe("a check's variables fit CodePipeline's limit on a configuration value", () => {
    it("refuses a check whose URL, domain and load balancer name could outgrow 1,000 characters, at the check", () => {
        const long = `/${"h".repeat(900)}`;
        const lines = problems(([qa]) => { qa.check = { path: long }; });
        assert.equal(lines.length, 1, lines.join("\n"));
        assert.match(lines[0], /targets\[0\]\.check: expected a check whose variables fit CodePipeline's 1000 characters for an action's configuration value \(its URL, the domain and the load balancer's name would take up to \d+\)/);
        assert.match(problems(([qa]) => { qa.check = { url: `https://qa.release.test${long}${"h".repeat(100)}` }; })[0], /targets\[0\]\.check: expected a check whose variables fit/);
        assert.deepEqual(problems(([qa]) => { qa.check = { path: `/${"h".repeat(500)}` }; }), []);
    });

    it("takes a check of exactly 1,000 characters and refuses one of 1,001, by path and by URL; by path, the certificate's default port is 443's", () => {
        const byPath = (port?: number) => (qa: any, n: number) => { qa.check = { path: `/${"h".repeat(n)}` }; qa.create.productionPort = port; };
        const byUrl = (qa: any, n: number) => { qa.check = { url: `https://qa.release.test/${"h".repeat(n)}` }; };
        /** The shortest refused check, found by bisection (one character longer than the longest taken), and its refusal. */
        const shortestRefused = (check: (qa: any, n: number) => void) => {
            const refusal = (n: number) => problems(([qa]) => check(qa, n))[0];
            let [taken, refused] = [1, 990];
            assert.ok(!refusal(taken) && refusal(refused));
            while (refused - taken > 1) {
                const middle = Math.floor((taken + refused) / 2);
                [taken, refused] = refusal(middle) ? [taken, middle] : [middle, refused];
            }
            return { length: refused, refusal: refusal(refused) };
        };
        const [byDefault, by443, url] = [shortestRefused(byPath()), shortestRefused(byPath(443)), shortestRefused(byUrl)];
        for (const { refusal } of [byDefault, url]) {
            assert.match(refusal, /would take up to 1001\)/);
        }
        assert.equal(byDefault.length, by443.length);
    });
});
