import { strict as assert } from "assert";
import { AccessRow, AccessTable, AccessWorld, projectKeys, stackConfig } from "../offline/access/access";
import { Decision, PolicyDocument } from "../offline/access/simulator";
import { RawConfig } from "../offline/engine/engine";
import { Resource } from "../offline/engine/resource";
import { StackConfig } from "../stacks/config/stackConfig";
import { stackNames } from "../stacks/names";
import { parseConfig } from "../stacks/validation/parse";
import { evaluationOf, handmade, handmadeUrn } from "./support/handmade";
import { block, fixture, FIXTURES, key, targetsOf } from "./support/stacks";

// How the access world finds a table's principals and resources in a stack, which documents decide
// a request, and how a decision reads, on hand-made stacks: cases the program's own stacks do not
// show (a role of the same name in another account, a policy opened, a share through AWS RAM, a
// one-account sandbox beside another account). And what it does with a defect of the table's own:
// a row is "not applicable" only for a reason config gives; a table that names what it does not
// define, or an entity it cannot tell apart, stops the report instead of hiding the row as n/a.
// The tests' config is dev's fixture: the pipeline account 343434343434 in ap-northeast-2, a
// CodeCommit source, one target (staging) in 454545454545.

const PIPELINE = "343434343434";
const TARGET = "454545454545";
const THIRD = "999999999999";
const PROJECT = "cross-account-pipeline";

const parsed = (raw: RawConfig): StackConfig => parseConfig(PROJECT, "dev", projectKeys(PROJECT, raw));
const dev = () => stackConfig("dev", FIXTURES);
/** dev with a second target, `sandbox`, in the pipeline account (a one-account sandbox beside staging's account). */
function withSandbox(): StackConfig {
    const raw = structuredClone(fixture("dev"));
    raw[key("allowSameAccount")] = true;
    targetsOf(raw).push({ name: "sandbox", account: block(raw, "pipelineAccount"), create: { serviceName: "my-service-sandbox" } });
    return parsed(raw);
}
const byOrganization = () => parsed({ ...fixture("dev"), [key("grants")]: "organization", [key("organizationId")]: "o-a1b2c3d4e5" });

const json = (d: PolicyDocument) => JSON.stringify(d);
const doc = (...Statement: PolicyDocument["Statement"]): PolicyDocument => ({ Version: "2012-10-17", Statement });
const arnOf = (service: string, account: string, path: string) => `arn:aws:${service}:ap-northeast-2:${account}:${path}`;

/** A role of the stack: `name`, in `account`, trusted by `trust`. */
function role(logical: string, name: string, account: string, trust: PolicyDocument = doc()): Resource {
    return handmade(logical, { type: "aws:iam/role:Role", account, inputs: { assumeRolePolicy: json(trust) },
        state: { name, arn: `arn:aws:iam::${account}:role/${name}` } });
}
const rolePolicy = (logical: string, roleName: string, account: string, policy: PolicyDocument) =>
    handmade(logical, { type: "aws:iam/rolePolicy:RolePolicy", account, inputs: { role: roleName, policy: json(policy) } });
const bucket = (logical: string, name: string) =>
    handmade(logical, { type: "aws:s3/bucket:Bucket", account: PIPELINE, state: { bucket: name, arn: `arn:aws:s3:::${name}` } });
const bucketPolicy = (logical: string, name: string, policy: PolicyDocument) =>
    handmade(logical, { type: "aws:s3/bucketPolicy:BucketPolicy", account: PIPELINE, inputs: { bucket: name, policy: json(policy) } });

const allow = (Sid: string, Action: string, Resource?: string, Principal?: unknown): PolicyDocument["Statement"][number] =>
    ({ Sid, Effect: "Allow", Action, ...Resource ? { Resource } : {}, ...Principal ? { Principal } : {} }) as PolicyDocument["Statement"][number];
/** A stranger's identity policy: what its own account lets it do. */
const ALLOW_EVERYTHING = doc({ Sid: "AllowEverything", Effect: "Allow", Action: "*", Resource: "*" });
const READS_DATA = allow("ReadsData", "s3:GetObject", "arn:aws:s3:::data/*");

const row = (principal: string, action: string | string[], resource: string, extra: Partial<AccessRow> = {}): AccessRow =>
    ({ principal, action, resource, expect: "ImplicitlyDenied", why: "a test", ...extra });

const STRANGERS: AccessTable["principals"] = {
    "a DEV role with Allow *": { stranger: "<pipeline account>", name: "developer" },
    "a third-account role with Allow *": { stranger: "<third account>", name: "intruder" },
};

function world(config: StackConfig, resources: Resource[], table: Partial<AccessTable>): AccessWorld {
    return new AccessWorld({ principals: { ...STRANGERS, ...table.principals }, resources: table.resources ?? {}, rows: [] },
        evaluationOf(resources), config);
}

/** The pipeline role's name in `config`: the role the table's `{ role: "pipeline" }` means. */
const pipelineRole = (config: StackConfig) => stackNames(config).roles.pipeline;

describe("the access world finds the table's principals", () => {
    it("a created role is the one of its name in its own account, with that account's policies of the role", async () => {
        const config = dev();
        const name = pipelineRole(config);
        const grants = doc(READS_DATA);
        const w = world(config, [
            role("elsewhere", name, THIRD), rolePolicy("elsewhere-policy", name, THIRD, grants),
            role("pipeline", name, PIPELINE), rolePolicy("pipeline-policy", name, PIPELINE, grants),
        ], { principals: { "pipeline role": { role: "pipeline" } }, resources: { data: { arn: "arn:aws:s3:::data/x", account: PIPELINE } } });
        assert.equal(w.principal("pipeline role").arn, `arn:aws:iam::${PIPELINE}:role/${name}`);
        assert.deepEqual(w.uses(row("pipeline role", "s3:GetObject", "data")), [handmadeUrn("pipeline-policy")]);
    });

    it("a created role given Allow * is allowed what its own policies do not grant", async () => {
        const config = dev();
        const w = world(config, [role("pipeline", pipelineRole(config), PIPELINE)], {
            principals: { own: { role: "pipeline" }, "allow all": { role: "pipeline", identity: "allow-all" } },
            resources: { data: { arn: "arn:aws:s3:::data/x", account: PIPELINE } },
        });
        assert.deepEqual(await w.decide(row("own", "s3:GetObject", "data")), ["ImplicitlyDenied"]);
        assert.deepEqual(await w.decide(row("allow all", "s3:GetObject", "data")), ["Allowed"]);
    });

    it("a role config names instead: given Allow *, it is that ARN; otherwise its rows do not apply, with why", async () => {
        const existing = "arn:<partition>:iam::<pipeline account>:role/named-pipeline";
        const w = world(dev(), [], {
            principals: { named: { role: "pipeline", identity: "allow-all", existing }, "named, own": { role: "pipeline", existing } },
            resources: { data: { arn: "arn:aws:s3:::data/x", account: PIPELINE } },
        });
        assert.equal(w.principal("named").arn, `arn:aws:iam::${PIPELINE}:role/named-pipeline`);
        assert.deepEqual(await w.decide(row("named", "s3:GetObject", "data")), ["Allowed"]);
        assert.equal(w.absence(row("named, own", "s3:GetObject", "data")),
            `named, own: arn:aws:iam::${PIPELINE}:role/named-pipeline is named by config: its identity policies are not this stack's`);
    });

    it("a role the stack neither creates nor names does not apply, with why", () => {
        const w = world(dev(), [], { principals: { p: { role: "pipeline" } }, resources: { data: { arn: "arn:aws:s3:::data/x", account: PIPELINE } } });
        assert.equal(w.absence(row("p", "s3:GetObject", "data")), "p: the stack does not create the pipeline role");
    });

    it("a principal only some stacks have does not apply elsewhere, for its own reason", () => {
        const config = dev();
        const w = world(config, [role("pipeline", pipelineRole(config), PIPELINE)], {
            principals: { p: { role: "pipeline", onlyIf: { test: () => false, reason: "only with Slack" } } },
            resources: { data: { arn: "arn:aws:s3:::data/x", account: PIPELINE } },
        });
        assert.equal(w.absence(row("p", "s3:GetObject", "data")), "p: only with Slack");
    });

    it("an entity of the other kind of source does not apply, saying which source the stack has", () => {
        const resources = { data: { arn: "arn:aws:s3:::data/x", account: PIPELINE } };
        const ofSource = (config: StackConfig) => world(config, [role("pipeline", pipelineRole(config), PIPELINE)], {
            principals: { "with a connection": { role: "pipeline", source: "connection" }, "with CodeCommit": { role: "pipeline", source: "CodeCommit" } },
            resources,
        });
        const codeCommit = ofSource(dev());
        assert.equal(codeCommit.absence(row("with a connection", "s3:GetObject", "data")),
            "with a connection: the stack's source is CodeCommit, not a connection");
        assert.equal(codeCommit.absence(row("with CodeCommit", "s3:GetObject", "data")), undefined);
        const gitHub = ofSource(stackConfig("prod", FIXTURES));
        assert.equal(gitHub.absence(row("with CodeCommit", "s3:GetObject", "data")), "with CodeCommit: the stack's source is GitHub, not CodeCommit");
    });

    it("Elastic Load Balancing's log delivery is its account's role in older regions, the service principal in newer ones", () => {
        const w = world(dev(), [], {
            principals: {
                "Seoul's": { elbLogDelivery: true },
                "Ireland's": { elbLogDelivery: true, region: "eu-west-1" },
                "Melbourne's": { elbLogDelivery: true, region: "ap-southeast-4" },
            },
        });
        // The accounts of AWS's table (Elastic Load Balancing user guide, "Enable access logs").
        assert.deepEqual(w.principal("Seoul's"), { arn: "arn:aws:iam::600734575887:role/elb-log-delivery", account: "600734575887", identity: [{ fixed: ALLOW_EVERYTHING }] });
        assert.equal(w.principal("Ireland's").arn, "arn:aws:iam::156460612806:role/elb-log-delivery");
        assert.deepEqual(w.principal("Melbourne's"), { arn: "logdelivery.elasticloadbalancing.amazonaws.com", account: "", identity: [] });
    });
});

describe("the access world finds the table's resources", () => {
    it("a resource the stack does not have does not apply, named as the table names it", () => {
        const w = world(dev(), [], { resources: {
            "a deploy role": { role: "deploy", target: 0 },
            "a topic": { type: "aws:sns/topic:Topic", name: "alerts" },
        } });
        const stranger = "a DEV role with Allow *";
        assert.equal(w.absence(row(stranger, "sts:AssumeRole", "a deploy role")), "a deploy role: the stack does not create the deploy role");
        assert.equal(w.absence(row(stranger, "sns:Publish", "a topic")), 'a topic: the stack does not create aws:sns/topic:Topic "alerts"');
    });

    it("optional keys written out as undefined (a table built with spreads) read as keys left out", () => {
        const w = world(dev(), [bucket("data", "data")], { resources: {
            object: { type: "aws:s3/bucket:Bucket", path: undefined, derive: undefined, sharedWith: undefined, onlyIf: undefined, source: undefined },
        } });
        assert.deepEqual(w.resource("object"), { arn: "arn:aws:s3:::data", account: PIPELINE, policy: undefined });
    });

    it("a resource policy opened in the owning account lets anyone in; the decision names the opening, not the stack's statements", async () => {
        const config = dev();
        const onlyPipeline = doc(allow("ReadByThePipeline", "s3:GetObject", "arn:aws:s3:::data/*", { AWS: `arn:aws:iam::${PIPELINE}:root` }));
        const trust = doc(allow("AssumedByThePipeline", "sts:AssumeRole", undefined, { AWS: `arn:aws:iam::${PIPELINE}:root` }));
        const w = world(config, [bucket("data", "data"), bucketPolicy("data-policy", "data", onlyPipeline), role("build", stackNames(config).roles.build, PIPELINE, trust)], {
            resources: {
                object: { type: "aws:s3/bucket:Bucket", path: "/x" }, "object, opened": { type: "aws:s3/bucket:Bucket", path: "/x", policy: "open" },
                "build role": { role: "build" }, "build role, opened": { role: "build", policy: "open" },
            },
        });
        const intruder = "a third-account role with Allow *";
        assert.deepEqual(await w.decide(row(intruder, "s3:GetObject", "object")), ["ImplicitlyDenied"]);
        const [read] = await w.decideWithStatements(row(intruder, "s3:GetObject", "object, opened"));
        assert.deepEqual(read, { decision: "Allowed", statements: [{ policy: undefined, sid: "AllowEverything" }, { policy: handmadeUrn("data-policy"), sid: "OpenedToEveryone" }] });
        assert.deepEqual(await w.decide(row(intruder, "sts:AssumeRole", "build role")), ["ImplicitlyDenied"]);
        const [assume] = await w.decideWithStatements(row(intruder, "sts:AssumeRole", "build role, opened"));
        assert.deepEqual(assume.statements.at(-1), { policy: handmadeUrn("build"), sid: "OpenedToEveryone" });
        assert.equal(assume.decision, "Allowed");
    });

    it("a resource config names in another account is shared with the account AWS RAM shares it with, and only then", async () => {
        const connection = (account: string) => `arn:aws:codeconnections:ap-northeast-2:${account}:connection/0a1b2c3d`;
        const w = world(dev(), [], { resources: {
            "shared in": { type: "aws:codeconnections/connection:Connection", existing: connection(TARGET), sharedWith: "<pipeline account>" },
            "not shared": { type: "aws:codeconnections/connection:Connection", existing: connection(TARGET) },
            "its own": { type: "aws:codeconnections/connection:Connection", existing: connection(PIPELINE), sharedWith: "<pipeline account>" },
        } });
        const developer = "a DEV role with Allow *";
        const [use] = await w.decideWithStatements(row(developer, "codeconnections:UseConnection", "shared in"));
        assert.deepEqual(use, { decision: "Allowed", statements: [{ policy: undefined, sid: "AllowEverything" }, { policy: undefined, sid: "SharedWithAwsRam" }] });
        assert.deepEqual(await w.decide(row(developer, "codeconnections:UseConnection", "not shared")), ["ImplicitlyDenied"]);
        assert.equal(w.resource("not shared").policy, undefined);
        assert.equal(w.resource("its own").policy, undefined);
        assert.equal(w.resource("its own").named, true);
    });

    it("a resource the stack creates keeps its own policy, whatever AWS RAM would share", async () => {
        const config = dev();
        const w = world(config, [bucket("data", "data"), bucketPolicy("data-policy", "data", doc(allow("ReadByTheTarget", "s3:GetObject", "arn:aws:s3:::data/*", { AWS: `arn:aws:iam::${TARGET}:root` })))],
            { resources: { object: { type: "aws:s3/bucket:Bucket", path: "/x", sharedWith: "<third account>" } } });
        assert.deepEqual(w.uses(row("a third-account role with Allow *", "s3:GetObject", "object")), [handmadeUrn("data-policy")]);
        assert.deepEqual(await w.decide(row("a third-account role with Allow *", "s3:GetObject", "object")), ["ImplicitlyDenied"]);
    });

    it("each repository and topic has the policy registered for it, not another's", () => {
        const repository = (name: string) => handmade(name, { type: "aws:ecr/repository:Repository", account: PIPELINE,
            state: { name, arn: arnOf("ecr", PIPELINE, `repository/${name}`) } });
        const repositoryPolicy = (name: string) => handmade(`${name}-policy`, { type: "aws:ecr/repositoryPolicy:RepositoryPolicy", account: PIPELINE,
            inputs: { repository: name, policy: json(doc(allow("PulledByTheTarget", "ecr:BatchGetImage", undefined, { AWS: `arn:aws:iam::${TARGET}:root` }))) } });
        const topic = (name: string) => handmade(name, { type: "aws:sns/topic:Topic", account: PIPELINE, state: { arn: arnOf("sns", PIPELINE, name) } });
        const topicPolicy = (name: string) => handmade(`${name}-policy`, { type: "aws:sns/topicPolicy:TopicPolicy", account: PIPELINE,
            inputs: { arn: arnOf("sns", PIPELINE, name), policy: json(doc(allow("PublishedByThePipeline", "sns:Publish", arnOf("sns", PIPELINE, name), { AWS: `arn:aws:iam::${PIPELINE}:root` }))) } });
        const w = world(dev(), [repository("one"), repository("two"), repositoryPolicy("one"), repositoryPolicy("two"), topic("a"), topic("b"), topicPolicy("a"), topicPolicy("b")],
            { resources: { "repository two": { type: "aws:ecr/repository:Repository", name: "two" }, "topic b": { type: "aws:sns/topic:Topic", name: "b" } } });
        assert.deepEqual(w.uses(row("a DEV role with Allow *", "ecr:BatchGetImage", "repository two")), [handmadeUrn("two-policy")]);
        assert.deepEqual(w.uses(row("a DEV role with Allow *", "sns:Publish", "topic b")), [handmadeUrn("b-policy")]);
    });
});

describe("the access table's own defects", () => {
    const two = () => world(dev(), [role("one", "one", PIPELINE), role("two", "two", PIPELINE)], {
        resources: { "a role": { type: "aws:iam/role:Role" }, "role two": { type: "aws:iam/role:Role", name: "two" } },
    });

    it("a row about a resource the table does not define fails, and keeps failing, instead of not applying", () => {
        const w = two();
        for (let asked = 0; asked < 2; asked++) {
            assert.throws(() => w.absence(row("a DEV role with Allow *", "s3:GetObject", "a bucket")), /^Error: the access table has no resource a bucket$/);
        }
    });

    it("a resource found by its type alone, of which the stack registers two, must be named", () => {
        const w = two();
        assert.throws(() => w.absence(row("a DEV role with Allow *", "iam:GetRole", "a role")),
            /^Error: a role: 2 resources of type aws:iam\/role:Role; name the one you mean$/);
        assert.equal(w.absence(row("a DEV role with Allow *", "iam:GetRole", "role two")), undefined);
    });
});

describe("when a row applies", () => {
    it("a role config names has no trust policy of this stack's: a row with any sts action on it does not apply", () => {
        const w = world(dev(), [], { resources: { "named role": { role: "deploy", target: 0, existing: `arn:aws:iam::${TARGET}:role/deployer` } } });
        assert.match(w.absence(row("a DEV role with Allow *", ["iam:GetRole", "sts:AssumeRole"], "named role"))!,
            /^named role: arn:aws:iam::454545454545:role\/deployer is named by config: its trust policy is not this stack's$/);
        assert.equal(w.absence(row("a DEV role with Allow *", "iam:GetRole", "named role")), undefined);
    });

    it("a row whose context names what the stack lacks does not apply", () => {
        const w = world(dev(), [], { resources: {
            data: { arn: "arn:aws:s3:::data/x", account: PIPELINE },
            "a topic": { type: "aws:sns/topic:Topic" },
        } });
        assert.equal(w.absence(row("a DEV role with Allow *", "s3:GetObject", "data", { context: { "aws:SourceArn": "<a topic>" } })),
            "a topic: the stack does not create aws:sns/topic:Topic");
    });

    it("a placeholder fills from facts, the table, config and derived names; one that names no text fails", () => {
        const config = dev();
        const w = world(config, [], {});
        assert.equal(w.resolveText("<partition>:<region>:<pipeline account>:<third account>:<source.repositoryName>:<names.roles.pipeline>"),
            `aws:ap-northeast-2:${PIPELINE}:${THIRD}:my-service-sandbox:cross-account-pipeline-dev-pipeline`);
        assert.throws(() => w.resolveText("<no.such.key>"), /^Error: no value for <no.such.key>$/);
        assert.throws(() => w.resolveText("<targets>"), /^Error: no value for <targets>$/);
    });

    it("a world of an evaluation that failed throws its error", () => {
        const failed = { ...evaluationOf([]), error: new Error("the program failed") };
        assert.throws(() => new AccessWorld({ principals: {}, resources: {}, rows: [] }, failed, dev()), /^Error: the program failed$/);
    });
});

describe("which statements decide a request", () => {
    /** The pipeline role with these policies, reading an object of a bucket whose policy is given. */
    function reading(policies: PolicyDocument[], bucketDoc: PolicyDocument) {
        const config = dev();
        const name = pipelineRole(config);
        return world(config, [role("pipeline", name, PIPELINE), ...policies.map((p, i) => rolePolicy(`policy-${i}`, name, PIPELINE, p)),
            bucket("data", "data"), bucketPolicy("data-policy", "data", bucketDoc)],
        { principals: { "pipeline role": { role: "pipeline" } }, resources: { object: { type: "aws:s3/bucket:Bucket", path: "/x" } } });
    }
    const READS_OTHER = doc(allow("ReadsOtherData", "s3:GetObject", "arn:aws:s3:::other/*"));
    const admits = doc(allow("AdmitsThePipeline", "s3:GetObject", "arn:aws:s3:::data/*", { AWS: `arn:aws:iam::${PIPELINE}:root` }));
    const decided = async (w: AccessWorld): Promise<{ decision: Decision; statements: unknown[] }> => (await w.decideWithStatements(row("pipeline role", "s3:GetObject", "object")))[0];

    it("allowed: the allowing statements of the identity policies and of the resource policy, each by its policy's URN", async () => {
        assert.deepEqual(await decided(reading([doc(READS_DATA)], admits)),
            { decision: "Allowed", statements: [{ policy: handmadeUrn("policy-0"), sid: "ReadsData" }, { policy: handmadeUrn("data-policy"), sid: "AdmitsThePipeline" }] });
    });

    it("the identity policy that allows is told apart from the role's others, however many it has", async () => {
        const policies = [...Array(11).fill(READS_OTHER), doc(READS_DATA)];
        assert.deepEqual(await decided(reading(policies, doc(allow("AdmitsNobody", "s3:GetObject", "arn:aws:s3:::data/*", { AWS: `arn:aws:iam::${THIRD}:root` })))),
            { decision: "Allowed", statements: [{ policy: handmadeUrn("policy-11"), sid: "ReadsData" }] });
    });

    it("denied: the denying statements only", async () => {
        const denies = doc(...admits.Statement, { Sid: "DeniesReads", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::data/*" });
        assert.deepEqual(await decided(reading([doc(READS_DATA)], denies)),
            { decision: "ExplicitlyDenied", statements: [{ policy: handmadeUrn("data-policy"), sid: "DeniesReads" }] });
    });

    it("denied by default: no statement, even where the simulator calls a deny of an AWS-reserved role implicit", async () => {
        assert.deepEqual(await decided(reading([READS_OTHER], admits)), { decision: "ImplicitlyDenied", statements: [] });
        const none = world(dev(), [], { resources: { data: { arn: "arn:aws:s3:::data/x", account: THIRD } } });
        assert.deepEqual((await none.decideWithStatements(row("a DEV role with Allow *", "s3:GetObject", "data")))[0], { decision: "ImplicitlyDenied", statements: [] });
        // IAM's authorizer in iam-simulate turns a deny of a change to an AWS-reserved role into an implicit deny, keeping the statement.
        const config = dev();
        const name = pipelineRole(config);
        const noReserved = doc(allow("ChangesRoles", "iam:*", "*"), { Sid: "NotReservedRoles", Effect: "Deny", Action: "iam:PutRolePolicy", Resource: "*" });
        const reserved = world(config, [role("pipeline", name, PIPELINE), rolePolicy("policy", name, PIPELINE, noReserved)], {
            principals: { "pipeline role": { role: "pipeline" } },
            resources: { "reserved role": { arn: `arn:aws:iam::${PIPELINE}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin`, account: PIPELINE } },
        });
        assert.deepEqual((await reserved.decideWithStatements(row("pipeline role", "iam:PutRolePolicy", "reserved role")))[0], { decision: "ImplicitlyDenied", statements: [] });
    });

    it("a stranger's Allow * is no policy of the stack's: a row on a resource with a policy uses that policy only", () => {
        assert.deepEqual(reading([], admits).uses(row("a DEV role with Allow *", "s3:GetObject", "object")), [handmadeUrn("data-policy")]);
    });

    it("with grants: organization, a service asks without an organization of its own", async () => {
        const inOrganization = doc(allow("TheOrganizationsRoles", "s3:GetObject", "arn:aws:s3:::data/*", { AWS: "*" }));
        inOrganization.Statement[0].Condition = { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } };
        const config = byOrganization();
        const w = world(config, [bucket("data", "data"), bucketPolicy("data-policy", "data", inOrganization)],
            { principals: { CodeBuild: { service: "codebuild.amazonaws.com" } }, resources: { object: { type: "aws:s3/bucket:Bucket", path: "/x" } } });
        assert.deepEqual(await w.decide(row("CodeBuild", "s3:GetObject", "object")), ["ImplicitlyDenied"]);
        assert.deepEqual(await w.decide(row("a DEV role with Allow *", "s3:GetObject", "object")), ["Allowed"]);
        assert.deepEqual(await w.decide(row("a third-account role with Allow *", "s3:GetObject", "object")), ["ImplicitlyDenied"]);
    });
});

describe("how a decision reads", () => {
    /** A world of `config` whose table knows the stack's pipeline role, an opened bucket, a fixed-policy and a named resource. */
    function verdicts(config: StackConfig) {
        const admitsAll = doc(allow("AdmitsAll", "s3:GetObject", "arn:aws:s3:::fixed/*", "*"));
        const w = world(config, [role("pipeline", pipelineRole(config), PIPELINE), bucket("data", "data"), bucketPolicy("data-policy", "data", doc())], {
            principals: { "pipeline role": { role: "pipeline" }, "pipeline role given Allow *": { role: "pipeline", identity: "allow-all" } },
            resources: {
                "DEV object": { arn: "arn:aws:s3:::other/x", account: "<pipeline account>" },
                "fixed-policy object": { arn: "arn:aws:s3:::fixed/x", account: "<pipeline account>", policy: admitsAll },
                "opened object": { type: "aws:s3/bucket:Bucket", path: "/x", policy: "open" },
                "named topic": { type: "aws:sns/topic:Topic", existing: arnOf("sns", "<pipeline account>", "named") },
                "third-account object": { arn: "arn:aws:s3:::third/x", account: "<third account>" },
            },
        });
        return (principal: string, resource: string, expect: Decision, decision: Decision, target?: string) =>
            w.verdict(row(principal, "s3:GetObject", resource, { expect, target }), decision);
    }

    it("an account's own administrators keep their rights over its resources, and over what config names", () => {
        const verdict = verdicts(dev());
        assert.equal(verdict("a DEV role with Allow *", "DEV object", "Allowed", "Allowed"), "own administrators");
        assert.equal(verdict("pipeline role given Allow *", "DEV object", "Allowed", "Allowed"), "own administrators");
        assert.equal(verdict("a DEV role with Allow *", "named topic", "ImplicitlyDenied", "Allowed"), "own administrators");
    });

    it("otherwise a decision reads as expected or not", () => {
        const verdict = verdicts(dev());
        assert.equal(verdict("a DEV role with Allow *", "DEV object", "ImplicitlyDenied", "Allowed"), "unexpected");
        assert.equal(verdict("a DEV role with Allow *", "DEV object", "ImplicitlyDenied", "ImplicitlyDenied"), "expected");
        assert.equal(verdict("a DEV role with Allow *", "DEV object", "Allowed", "ImplicitlyDenied"), "unexpected");
        assert.equal(verdict("a third-account role with Allow *", "DEV object", "Allowed", "Allowed"), "expected");
        assert.equal(verdict("a third-account role with Allow *", "named topic", "ImplicitlyDenied", "Allowed"), "unexpected");
        assert.equal(verdict("a DEV role with Allow *", "third-account object", "ImplicitlyDenied", "Allowed"), "unexpected");
        assert.equal(verdict("pipeline role", "named topic", "ImplicitlyDenied", "Allowed"), "unexpected");
        // Another account's administrators are not this one's: with targets in other accounts, an opened policy is a defect.
        assert.equal(verdict("pipeline role", "opened object", "ImplicitlyDenied", "Allowed"), "unexpected");
        assert.equal(verdict("pipeline role given Allow *", "opened object", "ImplicitlyDenied", "Allowed"), "unexpected");
    });

    it("in a one-account sandbox the other side's administrators are the same: Allow * given and a policy opened read as theirs", () => {
        const verdict = verdicts(withSandbox());
        for (const target of [undefined, "sandbox"]) {
            assert.equal(verdict("pipeline role", "opened object", "ImplicitlyDenied", "Allowed", target), "own administrators", target);
            assert.equal(verdict("pipeline role given Allow *", "DEV object", "ImplicitlyDenied", "Allowed", target), "own administrators", target);
            assert.equal(verdict("pipeline role", "fixed-policy object", "ImplicitlyDenied", "Allowed", target), "unexpected", target);
            assert.equal(verdict("pipeline role", "opened object", "ImplicitlyDenied", "ImplicitlyDenied", target), "expected", target);
        }
        // The sandbox's rows only: a row about staging's account is not the sandbox's.
        assert.equal(verdict("pipeline role", "opened object", "ImplicitlyDenied", "Allowed", "staging"), "unexpected");
        assert.equal(verdict("pipeline role given Allow *", "DEV object", "ImplicitlyDenied", "Allowed", "staging"), "unexpected");
    });
});
