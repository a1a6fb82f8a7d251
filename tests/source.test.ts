import { strict as assert } from "assert";
import { Evaluation, RawConfig } from "../offline/engine/engine";
import { all, block, evaluateWith, key, one, policyOf, fixture } from "./support/stacks";

// The kinds of source a stack may have, beyond the committed ones (dev: CodeCommit; prod: GitHub
// through a created connection, started by a tag trigger).

const CONNECTION = "aws:codeconnections/connection:Connection";
const HOST = "aws:codeconnections/host:Host";
const PIPELINE = "aws:codepipeline/pipeline:Pipeline";
const LOOKUP = "aws:codestarconnections/getConnection:getConnection";
const ID = "0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d";

/** prod with its source replaced by these keys. */
const withSource = (source: Record<string, unknown>) => evaluateWith("prod", (c: RawConfig) => { c[key("source")] = source; });
const sourceAction = (e: Evaluation) => one(e, PIPELINE).inputs.stages[0].actions[0];
/** The statements of a role's policy that use a connection, as `Action Resource` lines. */
const connectionGrants = (e: Evaluation, role: string) => policyOf(one(e, "aws:iam/rolePolicy:RolePolicy", `${role}-permissions`)).Statement
    .filter((s: any) => /:UseConnection$/.test(s.Action)).map((s: any) => `${s.Action} ${s.Resource}`);

describe("sources through a connection", () => {
    it("a GitHub Enterprise Server of one's own: a host created for its URL and VPC, and a connection through that host", async () => {
        const vpc = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] };
        const e = await withSource({ provider: "GitHubEnterpriseServer", repository: "platform/my-service",
            host: { endpoint: "https://github.example.com", vpc } });
        assert.ifError(e.error);
        const host = one(e, HOST);
        assert.deepEqual([host.inputs.providerType, host.inputs.providerEndpoint, host.inputs.vpcConfiguration, host.account],
            ["GitHubEnterpriseServer", "https://github.example.com", vpc, "121212121212"]);
        const connection = one(e, CONNECTION);
        // A connection names either its provider or the host that stands for the server.
        assert.deepEqual([connection.inputs.hostArn, connection.inputs.providerType], [host.state.arn, undefined]);
        assert.equal(sourceAction(e).configuration.FullRepositoryId, "platform/my-service");
    });

    it("GitLab self-managed through an existing host: the host is named, not created", async () => {
        const arn = "arn:aws:codeconnections:ap-northeast-2:121212121212:host/gitlab-0a1b2c3d";
        const e = await withSource({ provider: "GitLabSelfManaged", repository: "group/subgroup/my-service", host: { arn } });
        assert.ifError(e.error);
        assert.deepEqual([all(e, HOST).length, one(e, CONNECTION).inputs.hostArn], [0, arn]);
    });

    it("an existing connection of the pipeline account: nothing created, its status looked up there, the grant on it alone", async () => {
        const arn = `arn:aws:codestar-connections:us-east-1:121212121212:connection/${ID}`;
        const e = await withSource({ provider: "Bitbucket", repository: "my-workspace/my-service", connectionArn: arn });
        assert.ifError(e.error);
        assert.equal(all(e, CONNECTION).length, 0);
        assert.equal(sourceAction(e).configuration.ConnectionArn, arn);
        const lookups = e.invokes.filter(i => i.token === LOOKUP);
        assert.deepEqual(lookups.map(i => [i.account, i.inputs.arn]), [["121212121212", arn]]);
        assert.equal(e.outputs.sourceConnectionArn, arn);
        assert.equal(e.outputs.sourceConnectionStatus, "UNKNOWN OFFLINE", "the output is what the lookup answers");
        // Under each prefix, the same connection (connections are global: the ARN's region is where it was made).
        assert.deepEqual(connectionGrants(e, "pipeline-pipeline"), [
            `codeconnections:UseConnection arn:aws:codeconnections:us-east-1:121212121212:connection/${ID}`,
            `codestar-connections:UseConnection ${arn}`,
        ]);
    });

    it("a connection another account shares with AWS RAM: used by ARN, not looked up (its status is its owner's to see)", async () => {
        const arn = `arn:aws:codeconnections:us-east-1:343434343434:connection/${ID}`;
        const e = await withSource({ provider: "GitHub", repository: "my-org/my-service", connectionArn: arn });
        assert.ifError(e.error);
        assert.deepEqual([all(e, CONNECTION).length, e.invokes.filter(i => i.token === LOOKUP).length], [0, 0]);
        assert.match(String(e.outputs.sourceConnectionStatus), /^shared by account 343434343434 with AWS RAM/);
        assert.equal(connectionGrants(e, "pipeline-pipeline").length, 2);
    });

    it("a full clone: the build gets a clone reference and may use the connection (under both prefixes), and only then", async () => {
        const github = block(fixture("prod"), "source");
        const [archive, clone] = await Promise.all([withSource(github), withSource({ ...github, fullClone: true })]);
        assert.deepEqual([archive, clone].map(e => sourceAction(e).configuration.OutputArtifactFormat), ["CODE_ZIP", "CODEBUILD_CLONE_REF"]);
        assert.deepEqual(connectionGrants(archive, "pipeline-build"), []);
        assert.deepEqual(connectionGrants(clone, "pipeline-build"), connectionGrants(clone, "pipeline-pipeline"));
    });

    it("no triggers: every push to the branch starts the pipeline (DetectChanges), and no trigger is declared", async () => {
        const e = await withSource({ provider: "GitLab", repository: "group/my-service", branch: "trunk" });
        assert.ifError(e.error);
        assert.deepEqual([sourceAction(e).configuration.DetectChanges, sourceAction(e).configuration.BranchName], ["true", "trunk"]);
        assert.equal(one(e, PIPELINE).inputs.triggers, undefined);
    });

    it("release only when app/** changes on main, or on a v* tag that is not a release candidate: the filters as CodePipeline takes them", async () => {
        const triggers = [
            { branches: { includes: ["main"] }, filePaths: { includes: ["app/**"], excludes: ["**/*.md"] } },
            { tags: { includes: ["v*"], excludes: ["*-rc*"] } },
        ];
        const e = await withSource({ provider: "GitHub", repository: "my-org/monorepo", triggers });
        assert.ifError(e.error);
        assert.deepEqual(one(e, PIPELINE).inputs.triggers,
            [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: "Source", pushes: triggers } }]);
        assert.equal(sourceAction(e).name, "Source");
    });
});
