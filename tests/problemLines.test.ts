import { strict as assert } from "assert";
import { projectKeys } from "../offline/access/access";
import { ConfigError, flow } from "../stacks/config/issues";
import { parseConfig } from "../stacks/validation/parse";
import { modelsStack } from "./support/fixtures";

// How a stack file's problems read, whole (stacks/config/issues.ts): the count, then one line per
// problem naming the key, what was expected, what was found and an example, for each kind of
// mistake: a value in a list, a kind that does not exist, unknown keys, a block that is no block or
// is missing, a key set in another namespace, a near miss, and a block that one beside it replaces.

const P = "cross-account-pipeline";
type Keys = Record<string, any>;
const t0 = (c: Keys) => c.targets[0].create;

/** The error parseConfig raises for the API-model tests' stack as changed, its file prefix shortened to `…`. */
function message(change: (c: Keys) => void, otherKeys: string[] = []): string {
    try {
        parseConfig(P, "apimodels", projectKeys(P, modelsStack(change)), otherKeys);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.message.split(`Pulumi.apimodels.yaml: ${P}:`).join("…");
    }
    throw new Error("the stack was accepted");
}

describe("config problems, as the user reads them", () => {
    it("a wrong value in a list is reported at the list, as it is written on one line", () => {
        assert.equal(message(c => { c.notifications.emails = ["releases@example.org", "not-an-email"]; }), [
            "invalid stack configuration (1 problem):",
            '  - …notifications.emails: expected a list of at most 100 email addresses; found a list ["releases@example.org","not-an-email"]; for example ["platform-team@example.com"]',
        ].join("\n"));
    });

    it("an element a rule refuses is reported at its list too, with the list's expectation", () => {
        assert.equal(message(c => { t0(c).ingressCidrs = ["10.0.0.0/16", "10.0.0.1/16"]; }).split("\n")[1],
            '  - …targets[0].create.ingressCidrs: expected a list of IPv4 CIDR blocks (octets 0-255, prefix /0 to /32, host bits zero); found a list ["10.0.0.0/16","10.0.0.1/16"]; for example ["203.0.113.0/24"]');
    });

    it("a block of one of several shapes (a source) that is no block says which shapes it takes", () => {
        assert.equal(message(c => { c.source = 5; }).split("\n")[1],
            "  - …source: expected a block: a CodeCommit repository (repositoryName) or, with provider GitHub, GitHubEnterpriseServer, GitLab, " +
            "GitLabSelfManaged, Bitbucket, a repository through CodeConnections; found number 5; for example { repositoryName: my-service, create: true, branch: main }");
    });

    it("a kind that does not exist: the kinds, and the first as the example when nothing is near", () => {
        assert.equal(message(c => { c.source.provider = 5; }), [
            "invalid stack configuration (1 problem):",
            "  - …source.provider: expected one of CodeCommit, GitHub, GitHubEnterpriseServer, GitLab, GitLabSelfManaged, Bitbucket; found number 5; for example CodeCommit",
        ].join("\n"));
    });

    it("unknown keys, each with the known ones and the nearest, or the first, as the example, under its block", () => {
        const lines = message(c => { c.regoin = "eu-west-1"; t0(c).serviceNam = "x"; t0(c).zzzzzz = 1; }).split("\n");
        assert.equal(lines[0], "invalid stack configuration (3 problems):");
        assert.deepEqual(lines.slice(1).map(l => /^ {2}- …([^:]+): .*; found (.*); for example (.*)$/.exec(l)?.slice(1)), [
            ["targets[0].create.serviceNam", "an unknown key", "targets[0].create.serviceName, the nearest known key"],
            ["targets[0].create.zzzzzz", "an unknown key", "targets[0].create.serviceName"],
            ["regoin", "an unknown key", "region, the nearest known key"],
        ]);
        assert.match(lines[3], /: expected a known key \(region, pipelineAccount, targets, [a-zA-Z, ]+\); /);
    });

    it("a block that is no block: the block with its keys and an example, then the keys it must have", () => {
        assert.equal(message(c => { c.pipelineAccount = 5; }), [
            "invalid stack configuration (2 problems):",
            '  - …pipelineAccount: expected a block with the keys accountId, provisioningRoleArn; found number 5; for example pipelineAccount: { accountId: "111111111111", provisioningRoleArn: arn:aws:iam::111111111111:role/pulumi-provisioner }',
            '  - …pipelineAccount.accountId: expected a 12-digit AWS account id, quoted as a string; found nothing (the key is missing); for example "111111111111"',
        ].join("\n"));
        assert.equal(message(c => { delete c.pipelineAccount; }), [
            "invalid stack configuration (1 problem):",
            '  - …pipelineAccount.accountId: expected a 12-digit AWS account id, quoted as a string; found nothing (the key is missing); for example "111111111111"',
        ].join("\n"));
    });

    it("a missing key set in another namespace instead says so", () => {
        const missing = (other: string[]) => message(c => { delete c.region; }, other).split("\n")[1];
        assert.equal(missing(["aws:region"]), "  - …region: expected an AWS region name; found nothing (the key is missing: aws:region is set instead, " +
            "a key of the aws namespace, not this project's); for example ap-northeast-2");
        assert.equal(message(c => { c.region = "mars-1"; }, ["aws:region"]).split("\n")[1],
            '  - …region: expected an AWS region name; found the string "mars-1"; for example ap-northeast-2', "a key that is set is not missing");
        assert.equal(missing(["aws:profile"]), "  - …region: expected an AWS region name; found nothing (the key is missing); for example ap-northeast-2");
    });

    it("a near miss of a value names the nearest", () => {
        assert.equal(message(c => { t0(c).network = { subnets: "privat" }; c.region = "eu-centrall-1"; }), [
            "invalid stack configuration (2 problems):",
            '  - …region: expected an AWS region name; found the string "eu-centrall-1" (the nearest is eu-central-1); for example ap-northeast-2',
            '  - …targets[0].create.network.subnets: expected private (tasks behind one NAT gateway) or public (tasks with public IPs, no NAT); found the string "privat" (the nearest is private); for example private',
        ].join("\n"));
    });

    it("a rule's problem with a block leaves what is wrong inside it reported", () => {
        assert.equal(message(c => { c.targets[0].check = { path: "/x", url: "notaurl" }; }), [
            "invalid stack configuration (2 problems):",
            "  - …targets[0].check.url: expected an http:// or https:// URL; found the string \"notaurl\"; for example https://staging.example.com/health",
            "  - …targets[0].check: expected a block with exactly one of path (of a created target's URL) and url; found object {\"path\":\"/x\",\"url\":\"notaurl\"}; for example { path: /health }",
        ].join("\n"));
    });

    it("a block that must go hides what is wrong inside it, not beside it", () => {
        const lines = message(c => { c.targets[1].create = { serviceName: "shop-us", cpu: 3 }; c.targets[1].existing.taskFamily = 5; }).split("\n");
        assert.equal(lines[0], "invalid stack configuration (2 problems):");
        assert.equal(lines[1], "  - …targets[1].create.cpu: expected Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192, 16384; found number 3; for example 256");
        assert.match(lines[2], /^ {2}- …targets\[1\]\.existing: expected a target with exactly one of create .*"taskFamily":5.*; for example \(remove existing, or create\)$/);
    });
});

describe("config problems: the error and the values it quotes", () => {
    it("counts its problems, lists one a line, and ends with what to write instead when there is more to say", () => {
        assert.equal(new ConfigError(["a"]).message, "invalid stack configuration (1 problem):\n  - a");
        assert.equal(new ConfigError(["a", "b"], "Write b as c.").message, "invalid stack configuration (2 problems):\n  - a\n  - b\nWrite b as c.");
    });

    it("writes a value as a stack file would, quoting only a string YAML would read otherwise", () => {
        const plain = ["main", "my service", "a*b", "a|b", "x:y", "arn:aws:iam::111111111111:role/r", "app/**"];
        assert.deepEqual(plain.map(flow), plain);
        const quoted = ["a: b", "a, b", "x] y", "*star", "&anchor", "!tag", "|bar", ">x", "@home", "`x", "%x", "#tag", "[x", "{x}", " x", "'x", "true", "12", ""];
        assert.deepEqual(quoted.map(flow), quoted.map(v => JSON.stringify(v)));
        assert.equal(flow({ includes: ["main"], n: 2 }), '{ includes: ["main"], n: 2 }');
    });
});

