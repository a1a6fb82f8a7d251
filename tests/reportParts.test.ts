import { strict as assert } from "assert";
import { Resource } from "../offline/engine/engine";
import { evaluationOf, handmade } from "./support/handmade";
import { crossAccountWiring, Wire } from "../offline/report/wiring";
import { contextWords, wireSource } from "../offline/report/plan";
import { accountLabel, verdictLines } from "../offline/report/verdict";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../components/policies/logDelivery";
import { StackConfig } from "../stacks/config/stackConfig";
import { adoptionLines, short } from "../offline/report/adoption";
import { EngineRuleError } from "../offline/engine/violations";
import { asList } from "../offline/access/policies";

// Parts of the plan report on evaluations of the tests' own, built by hand: every case the
// report must tell apart is here, whatever the example stacks happen to register.

const DEV = "111111111111";
const PROD = "222222222222";

/** A registered resource with only what the report reads; unplaced without an account. */
const resource = (name: string, account: string | undefined, state: Record<string, unknown>, inputs: Record<string, unknown> = {}, custom = true) =>
    handmade(name, { account, region: account && "eu-west-1", state, inputs, custom });

describe("the plan's cross-account wiring", () => {
    const task = resource("task", DEV, { arn: `arn:aws:iam::${DEV}:role/app-task` });
    const execution = resource("execution", DEV, { arn: `arn:aws:iam::${DEV}:role/app-task-execution` });
    const bucket = resource("bucket", DEV, { arn: "arn:aws:s3:::app-artifacts" });
    const component = resource("component", DEV, { arn: `arn:aws:iam::${DEV}:role/app-component` }, {}, false);
    const again = resource("again", DEV, { arn: `arn:aws:iam::${DEV}:role/app-task-execution` });
    const policy = JSON.stringify({ Statement: [{ Principal: { AWS: `arn:aws:iam::${DEV}:role/app-task-execution` },
        Resource: ["arn:aws:s3:::app-artifacts/*", `arn:aws:iam::${DEV}:role/app-component`] }] });
    const target = resource("target", PROD, {}, {
        policy, principals: [`arn:aws:iam::${DEV}:root`, 7, null], nested: { roleArn: `arn:aws:iam::${DEV}:role/app-task` },
        own: `arn:aws:iam::${PROD}:role/own`,
    });
    const unplaced = resource("unplaced", undefined, {}, { roleArn: `arn:aws:iam::${DEV}:role/app-task` });

    it("finds each ARN of the other account in any input, at its path (a policy's text, a list, a nested block), matched to what outputs it", () => {
        // Computed in the test, not when the file loads: a mutation run switches mutants between tests.
        const wires = crossAccountWiring(evaluationOf([task, execution, bucket, component, again, target, unplaced]));
        const shown = wires.map(w => [w.target.name, w.path, w.source?.name, w.fromAccount, w.value]);
        assert.deepEqual(shown, [
            ["target", "policy", "execution", DEV, `arn:aws:iam::${DEV}:role/app-task-execution`],
            ["target", "policy", "bucket", DEV, "arn:aws:s3:::app-artifacts"],
            ["target", "policy", undefined, DEV, `arn:aws:iam::${DEV}:role/app-component`],
            ["target", "principals[0]", undefined, DEV, `arn:aws:iam::${DEV}:root`],
            ["target", "nested.roleArn", "task", DEV, `arn:aws:iam::${DEV}:role/app-task`],
        ]);
    });
});

describe("the plan's words for where a wire comes from", () => {
    const ROOT = `arn:aws:iam::${DEV}:root`;
    const role = (name: string) => `arn:aws:iam::${DEV}:role/${name}`;
    const narrowed = (...roles: string[]) => ({ ArnEquals: { "aws:PrincipalArn": roles.length === 1 ? roles[0] : roles } });
    const statement = (extra: object) => ({ Effect: "Allow", Principal: { AWS: ROOT }, Action: "s3:GetObject", Resource: "*", ...extra });
    /** A wire of DEV's root into a policy of PROD, at `path` of its inputs. */
    const root = (inputs: Record<string, unknown>, path = "policy"): Wire => ({ fromAccount: DEV, value: ROOT, path, target: resource("target", PROD, {}, inputs) });
    const policy = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

    it("names a resource's ARN by the resource, an ARN of config as config's", () => {
        const source = { ...resource("deploy", DEV, { arn: role("deploy") }), type: "aws:iam/role:Role" };
        assert.equal(wireSource({ fromAccount: DEV, source, value: role("deploy"), path: "policy", target: resource("t", PROD, {}) }), "Role deploy.arn");
        assert.equal(wireSource({ fromAccount: DEV, value: role("legacy"), path: "policy", target: resource("t", PROD, {}) }), `${role("legacy")} (from config)`);
    });

    it("says whether an account root a policy trusts is narrowed to roles by aws:PrincipalArn in every statement that names it", () => {
        const cases: [Wire, string][] = [
            [root({ policy: policy(statement({ Condition: narrowed(role("a")) })) }), "account root, narrowed to one role by aws:PrincipalArn"],
            [root({ policy: policy(statement({ Condition: narrowed(role("a"), role("b")) }), statement({ Condition: narrowed(role("a")) })) }),
                "account root, narrowed to 2 roles by aws:PrincipalArn"],
            [root({ policy: policy(statement({ Condition: narrowed(role("a")) }),
                statement({ Condition: { StringEquals: { "aws:SourceAccount": DEV } } })) }),
                "account root, not narrowed to roles in every statement (conditions on aws:PrincipalArn, aws:SourceAccount)"],
            [root({ policy: policy(statement({})) }), "account root, no condition narrows it"],
            // A statement that names the root elsewhere, or that has no Principal (an identity policy), does not trust it.
            [root({ policy: policy(statement({ Principal: { AWS: role("a") }, Resource: ROOT }), { Effect: "Allow", Action: "iam:GetRole", Resource: ROOT }) }),
                "account root, named by no statement's Principal"],
            [root({ policy: policy(statement({ Principal: { AWS: [role("a"), ROOT] }, Condition: narrowed(role("b")) })) }),
                "account root, narrowed to one role by aws:PrincipalArn"],
            [root({ principals: [ROOT] }, "principals[0]"), "account root (not in a policy)"],
        ];
        assert.deepEqual(cases.map(([w]) => wireSource(w)), cases.map(([, words]) => words));
    });

    it("reads the policy at the wire's path, through lists and blocks", () => {
        const inputs = { statements: [...Array(10).fill("not a policy"), { document: policy(statement({})) }] };
        assert.equal(wireSource(root(inputs, "statements[10].document")), "account root, no condition narrows it");
        assert.equal(wireSource(root(inputs, "statements[9]")), "account root (not in a policy)");
    });
});

describe("the access table's request context in words", () => {
    const words = (context: Record<string, string>, absent: string[] = []) =>
        contextWords({ principal: "p", action: "s3:PutObject", resource: "r", context, absent, expect: "Allowed", why: "" });
    const FLOW_LOGS = "arn:<partition>:logs:<targets.0.region>:<targets.0.account.accountId>:delivery-source:vpc-flow-logs";

    it("says what each key the program's rows set means, and what its absence means", () => {
        const cases: [string, string][] = [
            [words({ "aws:SecureTransport": "true" }), "over TLS"],
            [words({ "aws:SecureTransport": "false" }), "without TLS"],
            [words({ "kms:ViaService": "s3.<region>.<dns suffix>" }), "through S3"],
            [words({ "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" }), "through Secrets Manager"],
            [words({ "kms:ViaService": "logs.eu-west-1.amazonaws.com" }), "through logs"],
            [words({}, ["kms:ViaService"]), "called directly"],
            [words({}, ["s3:x-amz-server-side-encryption"]), "no encryption header"],
            [words({ "s3:x-amz-server-side-encryption": "AES256" }), "encrypted with AES256"],
            [words({ "s3:x-amz-server-side-encryption": "aws:kms" }, ["s3:x-amz-server-side-encryption-aws-kms-key-id"]), "aws:kms without a key id"],
            [words({ "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "<artifact key>" }),
                "encrypted with the artifact key"],
            [words({ "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "<another DEV key>" }),
                "encrypted with another DEV key"],
            [words({ "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-west-1:111111111111:key/k" }),
                "encrypted with arn:aws:kms:eu-west-1:111111111111:key/k"],
            [words({ "aws:SourceAccount": "<targets.11.account.accountId>" }), "for the target's account"],
            [words({ "aws:SourceAccount": "<third account>" }), "for the third account"],
            [words({}, ["aws:SourceAccount"]), "no source account"],
            [words({ "aws:SourceArn": FLOW_LOGS }), "delivering vpc-flow-logs of the target's account"],
            [words({}, ["aws:SourceArn"]), "no source ARN"],
            [words({ "iam:PassedToService": "ecs-tasks.amazonaws.com" }), "passed to ecs-tasks.amazonaws.com"],
        ];
        assert.deepEqual(cases.map(([said]) => said), cases.map(([, meant]) => meant));
    });

    it("names any other key as it is, set or absent, after the keys it knows, and says nothing for no context", () => {
        assert.equal(words({ "aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": "true" }, ["s3:x-amz-acl"]),
            "over TLS, aws:RequestedRegion=eu-west-1, no s3:x-amz-acl");
        assert.equal(words({}), "");
    });
});

describe("the plan's verdict", () => {
    const OTHER = "333333333333";
    const config = { pipelineAccount: { accountId: DEV }, targets: [
        { name: "first", account: { accountId: OTHER }, region: "us-east-1" },
        { name: "second", account: { accountId: PROD }, region: "eu-west-1" },
        { name: "third", account: { accountId: PROD }, region: "us-east-1" },
    ] } as StackConfig;
    const at = (r: Resource, region: string, extra: Partial<Resource> = {}) => ({ ...r, region, ...extra });

    it("labels each account as the stack knows it: the pipeline's, a target's with its targets, AWS's log delivery account, or none of the stack's", () => {
        assert.deepEqual([DEV, PROD, OTHER, ELB_LOG_DELIVERY_ACCOUNTS["eu-west-1"], "444444444444"].map(a => accountLabel(config, a)), [
            `pipeline account ${DEV}`, `target account ${PROD} (second, third)`, `target account ${OTHER} (first)`,
            `Elastic Load Balancing's log delivery account ${ELB_LOG_DELIVERY_ACCOUNTS["eu-west-1"]} (AWS's, for eu-west-1)`,
            "account 444444444444 (not one of the stack's)",
        ]);
    });

    it("counts what the stack places where, the pipeline account first, then the targets' places in the path's order; what is kept, protected, adopted", () => {
        const resources = [
            at(resource("target-b", PROD, {}), "eu-west-1", { retainOnDelete: true }),
            at(resource("store", DEV, {}), "eu-west-1", { protect: true, retainOnDelete: true }),
            at(resource("target-a", OTHER, {}), "us-east-1", { importId: "log-group-a" }),
            at(resource("target-a2", OTHER, {}), "us-east-1"),
            at(resource("provider", DEV, {}), "eu-west-1", { type: "pulumi:providers:aws" }),
            at(resource("component", DEV, {}, {}, false), "eu-west-1"),
            resource("unplaced", undefined, {}),
        ];
        assert.deepEqual(verdictLines(evaluationOf(resources), config, "12 rows as expected", 2), [
            "Verdict for stack s:",
            "  Resources: 4 resources in 3 accounts and regions:",
            `       1 in pipeline account ${DEV}, eu-west-1`,
            `       2 in target account ${OTHER} (first), us-east-1`,
            `       1 in target account ${PROD} (second, third), eu-west-1`,
            "  Access (the access table, decided by the IAM policy simulator): 12 rows as expected",
            "  Security Hub exceptions (declared by this configuration; SECURITY.md says why each is allowed): none",
            "  Steps a person takes once: 2 (listed below)",
            "  Kept on destroy: 2 resources (each marked below); protected, a destroy stops at: store",
            "  Imported instead of created (adopt): target-a (id log-group-a) (see Adoption below)",
        ]);
        const one = verdictLines(evaluationOf([resources[3]]), config, undefined, 0);
        assert.deepEqual(one.slice(1), [
            "  Resources: 1 resource in 1 account and region:",
            `       1 in target account ${OTHER} (first), us-east-1`,
            "  Security Hub exceptions (declared by this configuration; SECURITY.md says why each is allowed): none",
            "  Steps a person takes once: none",
            "  Kept on destroy: 0 resources (each marked below)",
            "  Imported instead of created (adopt): nothing",
        ]);
    });

    it("places the pipeline account's every region first, even where a target later in the path is in the pipeline account", () => {
        const sandboxLast = { ...config, targets: [config.targets[0], { name: "sandbox", account: { accountId: DEV }, region: "us-west-2" }] } as StackConfig;
        const resources = [at(resource("sandbox-service", DEV, {}), "us-west-2"), at(resource("first-service", OTHER, {}), "us-east-1"),
            at(resource("store", DEV, {}), "eu-west-1")];
        const places = verdictLines(evaluationOf(resources), sandboxLast, undefined, 0).filter(l => /^ +1 in /.test(l))
            .map(l => l.replace(/^ +1 in (pipeline|target) account (\d+).*, /, "$2 "));
        assert.deepEqual(places, [`${DEV} us-west-2`, `${DEV} eu-west-1`, `${OTHER} us-east-1`]);
    });
});

describe("the plan's adoption section", () => {
    it("shows what each adopted resource is compared on, and warns where an input comes from a resource this `up` creates", () => {
        const created = { ...resource("key", DEV, {}), type: "aws:kms/key:Key" };
        const kept = { ...resource("other-kept", DEV, {}, { name: "other" }), importId: "other" };
        const component = { ...resource("component", DEV, {}, {}, false), type: "cross-account-pipeline:target:EcsBlueGreenTarget" };
        const adopted = {
            ...resource("build-logs", DEV, {}, { name: "/aws/codebuild/app", retentionInDays: 90, tags: { team: "a" } }),
            type: "aws:cloudwatch/logGroup:LogGroup", importId: "/aws/codebuild/app",
            propertyDependencies: { kmsKeyId: [created.urn], name: [kept.urn], tags: [component.urn, "urn:pulumi:s::p::t::gone"] },
        };
        assert.deepEqual(adoptionLines(evaluationOf([created, component])), [], "nothing adopted: no section");
        assert.deepEqual(adoptionLines(evaluationOf([created, kept, component, adopted])).slice(1), [
            `  Y other-kept in ${DEV}, eu-west-1: import id other; compares name=other`,
            `  LogGroup build-logs in ${DEV}, eu-west-1: import id /aws/codebuild/app; compares name=/aws/codebuild/app, retentionInDays=90, tags={"team":"a"}`,
            "    WARNING: kmsKeyId comes from Key key, which this `up` creates anew: its new value cannot be the kept resource's, so the import " +
                "would fail; adopt it too or keep its value",
        ]);
        assert.deepEqual([component.type, "pulumi:providers:aws", "aws:iam/role:Role"].map(short), ["EcsBlueGreenTarget", "pulumi:providers:aws", "Role"]);
    });
});

describe("what the offline engine says when it refuses", () => {
    const violation = { name: "pipeline", type: "aws:codepipeline/pipeline:Pipeline", property: "stages[1].name", rule: "length at most 100",
        found: "\"x\" (101 characters)", source: "codepipeline-2015-07-09 StageDeclaration" };

    it("one line per violation, with the resource, the property if any, what was expected and found, and the rule's source", () => {
        const one = new EngineRuleError([violation]);
        assert.equal(one.name, "EngineRuleError");
        assert.equal(one.message, "the Pulumi engine or AWS would refuse 1 registration:\n  - pipeline (aws:codepipeline/pipeline:Pipeline) " +
            "stages[1].name: expected length at most 100; found \"x\" (101 characters) [codepipeline-2015-07-09 StageDeclaration]");
        const two = new EngineRuleError([violation, { ...violation, name: "twice", property: "", rule: "a unique URN", found: "a second registration", source: "step_generator.go" }]);
        assert.equal(two.message.split("\n")[0], "the Pulumi engine or AWS would refuse 2 registrations:");
        assert.equal(two.message.split("\n")[2], "  - twice (aws:codepipeline/pipeline:Pipeline): expected a unique URN; found a second registration [step_generator.go]");
    });
});

describe("a policy field as a list", () => {
    it("absent, one value, several: as IAM allows each", () => {
        assert.deepEqual([asList(undefined), asList("s3:GetObject"), asList(["a", "b"])], [[], ["s3:GetObject"], ["a", "b"]]);
    });
});
