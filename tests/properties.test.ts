import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import * as yaml from "js-yaml";
import { projectKeys } from "../offline/access/access";
import { RawConfig } from "../offline/engine/engine";
import { checkStack, emptyLists } from "./properties/invariants";
import { parseConfig } from "../stacks/validation/parse";
import { keyOf, Path, valueAt } from "../stacks/config/issues";
import { configProblems, problemKey } from "./support/fixtures";
import { runProperty } from "./properties/property";
import { configAsRead, features, stackFiles, stackFileText } from "./properties/stackFiles";

const SHRUNK = path.join(__dirname, "fixtures", "shrunk");

/** Fixed, so `npm test` checks the same stacks on every run; `npm run fuzz` explores others. */
const SEED = 20240601;
const RUNS = 20;

/** Every documented option and combination the generator must reach (see `features`). */
const COVERED = [
    "partition aws", "partition aws-cn", "partition aws-us-gov", "one target", "several targets",
    "created target", "existing target", "CodeCommit source", "created repository", "existing repository",
    "GitHub source", "GitHubEnterpriseServer source", "GitLab source", "GitLabSelfManaged source", "Bitbucket source",
    "created connection", "own codeconnections connection", "own codestar-connections connection", "shared connection",
    "existing host", "created host", "created host in a VPC", "full clone", "source archive",
    "trigger on tags", "trigger on branches", "trigger on branches and file paths", "no triggers",
    "private subnets", "public subnets", "created VPC", "existing VPC", "HTTP", "HTTPS",
    "deletion protection on", "deletion protection off", "root file system read-only", "root file system writable",
    "root user", "non-root user",
    "approval on", "approval off", "check by path", "check by url", "check through a domain name", "target named like another's derived name", "target named like a pipeline action", "created target named internal", "created target named past its load balancer's auto-name room", "domain resolves", "domain not in DNS", "wave", "target in another region", "legacy names",
    "pipeline provisioning role present", "pipeline provisioning role absent",
    "target provisioning role present", "target provisioning role absent", "target in the pipeline account",
    "targets sharing an account", "targets in several accounts", "grants by roles", "grants by organization",
    "own buildspec", "generated buildspec", "retain on delete on", "retain on delete off",
    "adopting kept resources", "creating kept resources",
    "default project", "other project", "keys without a namespace", "name with .", "name with _", "name with -", "long names",
    "no notifications", "email subscriptions", "a topic without subscriptions", "told of succeeded executions", "Slack channel",
    "Slack configuration in the stack's region", "Slack configuration in another region", "default approval timeout", "approval timeout set",
    "artifact retention at its minimum", "artifact retention derived", "artifact retention derived above the default", "rollback alarms", "no rollback alarms", "extra alarm on loadBalancer", "extra alarm on targetGroups",
    "extra alarm on service", "existing alarms", "alarms at CodeDeploy's limit", "tuned alarm",
];

describe("properties over generated stack files", function () {
    // A failure is shrunk to the smallest stack file that still fails: that takes more evaluations.
    this.timeout(600_000);

    it("the generator writes only stack files the validator accepts, and reaches every documented option", () => {
        const seen = new Set<string>();
        for (const file of fc.sample(stackFiles, { seed: SEED, numRuns: 300 })) {
            let config;
            try {
                config = parseConfig(file.project, file.stack, projectKeys(file.project, configAsRead(file)));
            } catch (e) {
                assert.fail(`${(e as Error).message}\n${stackFileText(file)}`);
            }
            features(file, config).forEach(f => seen.add(f));
        }
        assert.deepEqual(COVERED.filter(f => !seen.has(f)), []);
    });

    it("a wrong value in any one key of a generated stack is reported nowhere but at that key (or the block or list it is in); a block where a value goes, always", () => {
        for (const file of fc.sample(stackFiles, { seed: SEED, numRuns: RUNS })) {
            const keys = projectKeys(file.project, configAsRead(file));
            // A block where a value goes is wrong everywhere; "?" almost everywhere (an id, an ARN, a name, a number, a block, a
            // list); 1,000 characters are more than any name AWS takes.
            const wrongs = (path: Path) => typeof valueAt(keys, path) === "object"
                ? [[path, "?"]] as const : [[path, { "?": 1 }], [path, "?"], [path, "x".repeat(1000)]] as const;
            for (const [path, wrong] of paths(keys).flatMap(wrongs)) {
                const broken = structuredClone(keys);
                path.slice(0, -1).reduce((v: any, k) => v[k], broken)[path[path.length - 1]] = wrong;
                const key = keyOf(path);
                const reported = configProblems(file.project, file.stack, broken).map(line => problemKey(line) ?? line);
                const within = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
                assert.ok(reported.length > 0 || typeof wrong !== "object", `${key}: a block where a value goes is accepted\n${stackFileText(file)}`);
                // The source's provider says which keys its block has: a wrong one is the block's problem.
                const scope = key === "source.provider" ? "source" : key;
                assert.deepEqual(reported.filter(k => !within(k, scope) && !within(key, k)), [], `${key}: ${JSON.stringify(wrong)}\n${stackFileText(file)}`);
            }
        }
    });

    it(`${RUNS} generated stacks evaluate without error or warning, plan, and keep every invariant`, async () => {
        const report = await runProperty({ seed: SEED, numRuns: RUNS });
        assert.ok(report === undefined, report);
    });

    // Stacks a run shrank to, kept so the case stays checked whatever the seed (tests/fixtures/shrunk/).
    for (const file of fs.readdirSync(SHRUNK).filter(f => /^Pulumi\..+\.yaml$/.test(f))) {
        it(`the shrunk stack ${file} keeps every invariant`, async () => {
            const stack = file.slice("Pulumi.".length, -".yaml".length);
            const { config } = yaml.load(fs.readFileSync(path.join(SHRUNK, file), "utf8")) as { config: RawConfig };
            await checkStack({ project: "cross-account-pipeline", stack, config });
        });
    }
});

/** The path of every value in a config: each key and list item, at any depth. */
function paths(value: unknown, path: Path = []): Path[] {
    const below = Array.isArray(value) ? value.map((v, i) => paths(v, [...path, i]))
        : value && typeof value === "object" ? Object.entries(value).map(([k, v]) => paths(v, [...path, k])) : [];
    return [...path.length ? [path] : [], ...below.flat()];
}

describe("the invariants' own reading of a policy", () => {
    it("finds every empty list, at any depth, by its path; a list with a value, or an empty object or string, is none", () => {
        const policy = { Version: "2012-10-17", Statement: [
            { Sid: "A", Effect: "Allow", Principal: { AWS: [] }, Action: ["s3:GetObject"], Resource: "*" },
            { Sid: "B", Effect: "Allow", Action: [], Resource: ["arn:aws:s3:::b/*"], Condition: { StringEquals: { "aws:PrincipalOrgID": [] } } },
            { Sid: "C", Effect: "Deny", Principal: "*", NotAction: "s3:*", Resource: "", Condition: {} },
        ] };
        assert.deepEqual(emptyLists(policy), ["Statement[0].Principal.AWS", "Statement[1].Action", "Statement[1].Condition.StringEquals.aws:PrincipalOrgID"]);
        assert.deepEqual(emptyLists([]), [""]);
    });
});
