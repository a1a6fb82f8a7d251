import * as assert from "assert";
import { committedStacks, readStackConfig } from "../offline/engine";
import { registeredPolicies } from "../offline/policies";
import { all, asList, block, evaluated, one } from "./support/stacks";

const PIPELINE = "aws:codepipeline/pipeline:Pipeline";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

const statement = (doc: any, sid: string) => {
    const found = doc.Statement.filter((s: any) => s.Sid === sid);
    assert.strictEqual(found.length, 1, `one statement ${sid}`);
    return found[0];
};

for (const stack of committedStacks()) {
    describe(`stack ${stack}: pipeline wiring`, () => {
        const config = readStackConfig(stack);
        const pipelineAccount = block(config, "pipelineAccount").accountId;
        const targetAccount = block(config, "targetAccount").accountId;
        const region = block(config, "region");

        it("makes the pipeline wait for the deploy role, its trust and its grants", async () => {
            const e = await evaluated(stack);
            const pipeline = one(e, PIPELINE);
            for (const needed of [one(e, ROLE, "deploy"), one(e, ROLE_POLICY, "deploy-permissions"), one(e, ROLE_POLICY, "pipeline-pipeline-permissions")]) {
                assert.ok(pipeline.dependencies.includes(needed.urn), `the pipeline does not depend on ${needed.name}`);
            }
        });

        it("stores artifacts under the customer-managed key, by ARN, in the artifact bucket", async () => {
            const e = await evaluated(stack);
            const key = one(e, "aws:kms/key:Key");
            const bucket = one(e, "aws:s3/bucket:Bucket", "artifacts-bucket");
            assert.match(key.state.arn, new RegExp(`^arn:aws:kms:${region}:${pipelineAccount}:key/`));
            assert.deepStrictEqual(one(e, PIPELINE).inputs.artifactStores, [{
                type: "S3", location: bucket.state.bucket, encryptionKey: { type: "KMS", id: key.state.arn },
            }]);
            // The build and the release marker: their default, aws/s3, is unreadable from the target account.
            const projects = all(e, "aws:codebuild/project:Project");
            assert.deepStrictEqual(projects.map(p => p.inputs.encryptionKey), projects.map(() => key.state.arn));
            const sse = one(e, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "artifacts-encryption").inputs.rules[0];
            assert.deepStrictEqual(sse, {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.state.arn }, bucketKeyEnabled: true,
            });
        });

        it("runs the deploy action in the target account as the deploy role, in the configured region", async () => {
            const e = await evaluated(stack);
            const deployRole = one(e, ROLE, "deploy");
            assert.strictEqual(deployRole.account, targetAccount);
            const stages = one(e, PIPELINE).inputs.stages;
            const deploy = stages[stages.length - 1];
            assert.strictEqual(deploy.name, "Deploy");
            const [action] = deploy.actions;
            assert.strictEqual(action.provider, "CodeDeployToECS");
            assert.strictEqual(action.roleArn, deployRole.state.arn);
            assert.strictEqual(action.region, region);
            assert.strictEqual(action.namespace, "DeployVariables");
            const group = one(e, "aws:codedeploy/deploymentGroup:DeploymentGroup");
            assert.strictEqual(action.configuration.ApplicationName, one(e, "aws:codedeploy/application:Application").state.name);
            assert.strictEqual(action.configuration.ApplicationName, group.inputs.appName);
            assert.strictEqual(action.configuration.DeploymentGroupName, group.inputs.deploymentGroupName);
        });

        it("has the stages Source, Build, Approval (only when configured), Deploy, in that order", async () => {
            const e = await evaluated(stack);
            const names = one(e, PIPELINE).inputs.stages.map((s: any) => s.name);
            const approval = block(config, "manualApproval") !== false;
            assert.deepStrictEqual(names, ["Source", "Build", ...(approval ? ["Approval"] : []), "Deploy"]);
            assert.strictEqual(one(e, PIPELINE).inputs.pipelineType, "V2");
        });

        const source = block(config, "source");
        const codeCommit = source.provider === undefined || source.provider === "CodeCommit";
        if (codeCommit) {
            it("starts on a push to the configured branch by event, not by polling", async () => {
                const e = await evaluated(stack);
                const [action] = one(e, PIPELINE).inputs.stages[0].actions;
                assert.strictEqual(action.configuration.PollForSourceChanges, "false");
                assert.strictEqual(action.configuration.BranchName, source.branch);
                const pattern = JSON.parse(one(e, "aws:cloudwatch/eventRule:EventRule").inputs.eventPattern);
                assert.deepStrictEqual(pattern.resources, [one(e, "aws:codecommit/repository:Repository").state.arn]);
                assert.deepStrictEqual(pattern.detail.referenceName, [source.branch]);
                const target = one(e, "aws:cloudwatch/eventTarget:EventTarget");
                assert.strictEqual(target.inputs.arn, one(e, PIPELINE).state.arn);
                assert.strictEqual(target.inputs.roleArn, one(e, ROLE, "pipeline-source-events").state.arn);
                assert.strictEqual(one(e, PIPELINE).inputs.triggers, undefined, "CodePipeline's triggers are for connections only");
            });
        } else {
            it("fetches the repository through the stack's connection and starts on the configured triggers, not on every push", async () => {
                const e = await evaluated(stack);
                const connection = one(e, "aws:codeconnections/connection:Connection");
                assert.strictEqual(connection.inputs.providerType, source.provider);
                assert.strictEqual(connection.state.connectionStatus, "PENDING", "created without credentials: the handshake is a person's");
                const [action] = one(e, PIPELINE).inputs.stages[0].actions;
                assert.deepStrictEqual([action.provider, action.configuration], ["CodeStarSourceConnection", {
                    ConnectionArn: connection.state.arn, FullRepositoryId: source.repository, BranchName: source.branch,
                    OutputArtifactFormat: "CODE_ZIP", DetectChanges: "false",
                }]);
                assert.deepStrictEqual(one(e, PIPELINE).inputs.triggers, [{
                    providerType: "CodeStarSourceConnection",
                    gitConfiguration: { sourceActionName: action.name, pushes: source.triggers },
                }]);
                // Nothing of CodeCommit's: no repository, no EventBridge rule or its role.
                assert.deepStrictEqual(["aws:codecommit/repository:Repository", "aws:cloudwatch/eventRule:EventRule"].map(t => all(e, t).length), [0, 0]);
            });
        }

        it("names roles from project and stack, so the other account can name them before they exist", async () => {
            const e = await evaluated(stack);
            const names = all(e, ROLE).map(r => r.inputs.name).sort();
            const prefix = `cross-account-pipeline-${stack}`;
            assert.deepStrictEqual(names, [`${prefix}-build`, `${prefix}-codedeploy`, `${prefix}-deploy`, ...codeCommit ? [`${prefix}-events`] : [],
                `${prefix}-pipeline`, `${prefix}-task`, `${prefix}-task-execution`]);
        });

        it("exports what a user needs after `pulumi up`: a CodeCommit clone URL, or the connection and its status", async () => {
            const e = await evaluated(stack);
            const sourceOutputs = codeCommit ? ["repositoryCloneUrl"] : ["sourceConnectionArn", "sourceConnectionStatus"];
            assert.deepStrictEqual(Object.keys(e.outputs).sort(), [
                "applicationUrl", "artifactBucketName", "artifactKeyArn", "imageRepositoryUrl", "networkLogBucketName", "pipelineConsoleUrl",
                "pipelineName", "prodDeployRoleArn", ...sourceOutputs,
            ].sort());
            assert.strictEqual(e.outputs.networkLogBucketName, one(e, "aws:s3/bucket:Bucket", "target-network-logs-bucket").state.bucket);
            assert.strictEqual(e.outputs.prodDeployRoleArn, one(e, ROLE, "deploy").state.arn);
            assert.match(String(e.outputs.pipelineConsoleUrl), new RegExp(`^https://${region}\\.console\\.aws\\.amazon\\.com/codesuite/codepipeline/pipelines/cross-account-pipeline-${stack}/view`));
            if (codeCommit) {
                assert.strictEqual(e.outputs.repositoryCloneUrl, one(e, "aws:codecommit/repository:Repository").state.cloneUrlHttp);
            } else {
                const connection = one(e, "aws:codeconnections/connection:Connection");
                assert.deepStrictEqual([e.outputs.sourceConnectionArn, e.outputs.sourceConnectionStatus], [connection.state.arn, "PENDING"]);
            }
        });
    });

    describe(`stack ${stack}: policies`, () => {
        const config = readStackConfig(stack);
        const pipelineAccount = block(config, "pipelineAccount").accountId;
        const targetAccount = block(config, "targetAccount").accountId;

        it("lets only the pipeline's role, not the whole pipeline account, assume the deploy role", async () => {
            const e = await evaluated(stack);
            const trust = JSON.parse(one(e, ROLE, "deploy").inputs.assumeRolePolicy);
            assert.deepStrictEqual(trust.Statement, [{
                Sid: "AssumedByPipelineRoleOnly", Effect: "Allow", Action: "sts:AssumeRole",
                Principal: { AWS: [`arn:aws:iam::${pipelineAccount}:root`] },
                Condition: { ArnEquals: { "aws:PrincipalArn": [one(e, ROLE, "pipeline-pipeline").state.arn] } },
            }]);
        });

        it("lets the deploy role read (not write) artifacts, decrypt them, deploy to its group, and pass only the task roles to ECS tasks", async () => {
            const e = await evaluated(stack);
            const policy = JSON.parse(one(e, ROLE_POLICY, "deploy-permissions").inputs.policy);
            const bucketArn = one(e, "aws:s3/bucket:Bucket", "artifacts-bucket").state.arn;
            assert.deepStrictEqual(statement(policy, "ReadDeployInputArtifacts").Action, ["s3:GetObject", "s3:GetObjectVersion"]);
            assert.strictEqual(statement(policy, "ReadDeployInputArtifacts").Resource, `${bucketArn}/*`);
            assert.strictEqual(statement(policy, "DecryptDeployInputArtifacts").Resource, one(e, "aws:kms/key:Key").state.arn);
            const group = one(e, "aws:codedeploy/deploymentGroup:DeploymentGroup");
            assert.match(group.state.arn, new RegExp(`^arn:aws:codedeploy:${block(config, "region")}:${targetAccount}:deploymentgroup:`));
            assert.strictEqual(statement(policy, "StartAndWatchDeploymentOnTargetGroup").Resource, group.state.arn);
            assert.strictEqual(statement(policy, "RegisterRevisionOfTargetApplication").Resource,
                one(e, "aws:codedeploy/application:Application").state.arn);
            const pass = statement(policy, "PassOnlyTaskRolesOnlyToEcsTasks");
            assert.deepStrictEqual(pass.Resource, [one(e, ROLE, "target-task").state.arn, one(e, ROLE, "target-execution").state.arn]);
            assert.deepStrictEqual(pass.Condition, { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
            const actions = policy.Statement.flatMap((s: any) => asList(s.Action));
            assert.ok(!actions.some((a: string) => /^s3:(Put|Delete)/.test(a) || a.endsWith(":*") || a === "*"), actions.join(", "));
        });

        it("lets the pipeline role assume the deploy role and no other role", async () => {
            const e = await evaluated(stack);
            const policy = JSON.parse(one(e, ROLE_POLICY, "pipeline-pipeline-permissions").inputs.policy);
            const assumes = policy.Statement.filter((s: any) => asList(s.Action).some((a: string) => a.startsWith("sts:")));
            assert.deepStrictEqual(assumes.map((s: any) => s.Resource), [one(e, ROLE, "deploy").state.arn]);
        });

        it("shares the key with the deploy role only for decrypting through S3 (and describing it: metadata, no data)", async () => {
            const e = await evaluated(stack);
            const key = JSON.parse(one(e, "aws:kms/key:Key").inputs.policy);
            const decrypt = statement(key, "DecryptArtifactsByDeployRole");
            assert.deepStrictEqual(decrypt.Principal, { AWS: [`arn:aws:iam::${targetAccount}:root`] });
            assert.deepStrictEqual(decrypt.Action, ["kms:Decrypt"]);
            assert.deepStrictEqual(decrypt.Condition, {
                ArnEquals: { "aws:PrincipalArn": [one(e, ROLE, "deploy").state.arn] },
                StringEquals: { "kms:ViaService": `s3.${block(config, "region")}.amazonaws.com` },
            });
            const crossAccount = key.Statement.filter((s: any) => JSON.stringify(s.Principal).includes(targetAccount));
            assert.deepStrictEqual(crossAccount.map((s: any) => s.Sid), ["DecryptArtifactsByDeployRole", "DescribeKeyByDeployRole"]);
            const describe = statement(key, "DescribeKeyByDeployRole");
            assert.deepStrictEqual([describe.Action, describe.Condition], ["kms:DescribeKey", { ArnEquals: decrypt.Condition.ArnEquals }]);
        });

        it("denies non-TLS access and uploads not encrypted with the artifact key; lets the deploy role read", async () => {
            const e = await evaluated(stack);
            const bucketArn = one(e, "aws:s3/bucket:Bucket", "artifacts-bucket").state.arn;
            const policy = JSON.parse(one(e, "aws:s3/bucketPolicy:BucketPolicy", "artifacts-policy").inputs.policy);
            assert.deepStrictEqual(statement(policy, "DenyInsecureTransport").Condition, { Bool: { "aws:SecureTransport": "false" } });
            assert.deepStrictEqual(statement(policy, "DenyInsecureTransport").Resource, [bucketArn, `${bucketArn}/*`]);
            // Only headers that are present and wrong are denied (multipart parts carry none): the access table proves it.
            const [sse, keyId] = ["s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id"];
            assert.deepStrictEqual(statement(policy, "DenyUploadsEncryptedOtherThanWithKms").Condition,
                { StringNotEquals: { [sse]: "aws:kms" }, Null: { [sse]: "false" } });
            assert.deepStrictEqual(statement(policy, "DenyKmsUploadsThatNameNoKey").Condition,
                { StringEquals: { [sse]: "aws:kms" }, Null: { [keyId]: "true" } });
            assert.deepStrictEqual(statement(policy, "DenyUploadsEncryptedWithAnotherKey").Condition,
                { StringNotEquals: { [keyId]: one(e, "aws:kms/key:Key").state.arn }, Null: { [keyId]: "false" } });
            const allows = policy.Statement.filter((s: any) => s.Effect === "Allow");
            assert.deepStrictEqual(allows, [{
                Sid: "ReadArtifactsByDeployRole", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${bucketArn}/*`,
                Principal: { AWS: [`arn:aws:iam::${targetAccount}:root`] },
                Condition: { ArnEquals: { "aws:PrincipalArn": [one(e, ROLE, "deploy").state.arn] } },
            }]);
        });

        it("names a resource wherever one can be named", async () => {
            const e = await evaluated(stack);
            // A key policy's "*" is the key itself; these actions accept no resource but "*".
            const onlyStar = /^(ecs:RegisterTaskDefinition|ecr:GetAuthorizationToken|elasticloadbalancing:Describe\w+)$/;
            for (const p of registeredPolicies(e).filter(p => p.kind !== "trust" && p.kind !== "key")) {
                for (const s of p.document.Statement as any[]) {
                    if (s.Effect === "Allow" && !asList(s.Action).every((a: string) => onlyStar.test(a))) {
                        assert.ok(!asList(s.Resource).includes("*"), `${p.resource.name} ${s.Sid} allows Resource "*"`);
                    }
                    assert.ok(!asList(s.Action).includes("*"), `${p.resource.name} ${s.Sid} allows every action`);
                }
            }
        });
    });
}
