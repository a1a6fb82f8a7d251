import * as assert from "assert";
import { configOf } from "../offline/access/access";
import { Evaluation, Resource } from "../offline/engine/engine";
import { registeredPolicies } from "../offline/access/policies";
import { StackConfig } from "../stacks/config/stackConfig";
import { StackNames, stackNames } from "../stacks/names";
import { all, asList, evaluated, one, FIXTURE_STACKS } from "./support/stacks";

const PIPELINE = "aws:codepipeline/pipeline:Pipeline";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

const statement = (doc: any, sid: string) => {
    const found = doc.Statement.filter((s: any) => s.Sid === sid);
    assert.strictEqual(found.length, 1, `one statement ${sid}`);
    return found[0];
};

/** A store's resource of a type: the one in the region (each regional artifact store has one of each). */
const inRegion = (e: Evaluation, type: string, region: string) => {
    const found = all(e, type).filter(r => r.region === region && r.name.startsWith("artifacts"));
    assert.strictEqual(found.length, 1, `one ${type} in ${region}`);
    return found[0];
};

for (const stack of [...FIXTURE_STACKS, "path"]) {
    describe(`stack ${stack}: pipeline wiring`, () => {
        let e: Evaluation;
        let config: StackConfig;
        let names: StackNames;
        const deployRole = (i: number) => one(e, ROLE, names.targets[i].logical.deploy);
        before(async () => {
            e = await evaluated(stack);
            config = configOf(e);
            names = stackNames(config);
        });

        it("makes the pipeline wait for every deploy role, its trust and its grants", () => {
            const pipeline = one(e, PIPELINE);
            const needed = [one(e, ROLE_POLICY, "pipeline-pipeline-permissions"), ...config.targets.flatMap((_, i) =>
                [deployRole(i), one(e, ROLE_POLICY, `${names.targets[i].logical.deploy}-permissions`)])];
            for (const r of needed) {
                assert.ok(pipeline.dependencies.includes(r.urn), `the pipeline does not depend on ${r.name}`);
            }
        });

        it("stores artifacts under a customer-managed key, by ARN, in one store per region it acts in", () => {
            const regions = [...new Set([config.region, ...config.targets.map(t => t.region)])];
            const stores = regions.map(region => ({ region, key: inRegion(e, "aws:kms/key:Key", region), bucket: inRegion(e, "aws:s3/bucket:Bucket", region) }));
            for (const { region, key, bucket } of stores) {
                assert.match(key.state.arn, new RegExp(`^arn:aws:kms:${region}:${config.pipelineAccount.accountId}:key/`));
                const sse = all(e, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
                    .find(r => r.inputs.bucket === bucket.state.bucket)!.inputs.rules[0];
                assert.deepStrictEqual(sse, { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.state.arn }, bucketKeyEnabled: true });
            }
            // The region is named only when there are several stores: CodePipeline's artifactStore and artifactStores.
            assert.deepStrictEqual(one(e, PIPELINE).inputs.artifactStores, stores.map(({ region, key, bucket }) => ({
                type: "S3", location: bucket.state.bucket, encryptionKey: { type: "KMS", id: key.state.arn }, ...stores.length > 1 ? { region } : {},
            })));
            // The build, the release marker and the check: their default, aws/s3, is unreadable from the targets' accounts.
            const projects = all(e, "aws:codebuild/project:Project");
            assert.deepStrictEqual(projects.map(p => p.inputs.encryptionKey), projects.map(() => stores[0].key.state.arn));
        });

        it("builds once, then has one stage per target or wave (after its approval's own), in the path's order", () => {
            const stages = one(e, PIPELINE).inputs.stages as any[];
            assert.deepStrictEqual(stages.map(s => s.name), ["Source", "Build",
                ...names.stages.flatMap(s => [...s.targets.some(t => t.approval) ? [`Approve_${s.name}`] : [], s.name])]);
            assert.deepStrictEqual(stages.flatMap(s => s.actions).filter((a: any) => a.category === "Build" && a.configuration.ProjectName ===
                one(e, "aws:codebuild/project:Project", "pipeline-build").state.name).length, 1, "one build");
            assert.strictEqual(one(e, PIPELINE).inputs.pipelineType, "V2");
        });

        it("an approval alone in its stage, which does not roll back; in each stage (a wave's) attempt marker, its deploys together, then the release marker and the checks", () => {
            const stages = one(e, PIPELINE).inputs.stages as any[];
            names.stages.forEach(stage => {
                const at = stages.findIndex(st => st.name === stage.name);
                const actions = stages[at].actions as any[];
                const order = (kind: (a: any) => boolean) => [...new Set(actions.filter(kind).map(a => a.runOrder))];
                const before = stages[at - 1].actions as any[];
                assert.deepStrictEqual(before.map(a => a.provider === "Manual"), stage.targets.some(t => t.approval) ? [true] : before.map(() => false),
                    `${stage.name}: its approval alone in the stage before it, when a target asks`);
                assert.ok(!before.some(a => a.provider === "Manual") || stages[at - 1].onFailure === undefined, `${stage.name}: its approval's stage does not roll back`);
                assert.strictEqual(order(a => a.provider === "Manual").length, 0, `${stage.name}: no approval among the deploys`);
                const attempt = order(a => a.name === "Mark_attempt");
                const released = order(a => a.name === "Mark_released");
                const deploys = order(a => a.provider === "CodeDeployToECS");
                const checks = order(a => a.category === "Test");
                assert.strictEqual(attempt.length, stage.targets.length > 1 ? 1 : 0, `${stage.name}: an attempt marker in a wave`);
                assert.strictEqual(deploys.length, 1, `${stage.name}: the deploys run together`);
                assert.ok((attempt[0] ?? 0) < deploys[0], `${stage.name}: attempt, deploys`);
                assert.deepStrictEqual(released, [deploys[0] + 1], `${stage.name}: the release marker once the deploys succeeded`);
                assert.ok(checks.every(c => c === deploys[0] + 1), `${stage.name}: checks after the deploys`);
                assert.deepStrictEqual(actions.filter(a => a.provider === "CodeDeployToECS").map(a => a.name), stage.targets.map(t => t.name));
                assert.strictEqual(actions.filter(a => a.category === "Test").length, stage.targets.filter(t => t.check).length);
            });
        });

        it("runs each deploy action in its target's account as its deploy role, in its region, on its own files and group", () => {
            const deploys = (one(e, PIPELINE).inputs.stages as any[]).flatMap(s => s.actions).filter((a: any) => a.provider === "CodeDeployToECS");
            config.targets.forEach((t, i) => {
                const action = deploys.find((a: any) => a.name === t.name);
                assert.strictEqual(deployRole(i).account, t.account.accountId);
                assert.strictEqual(action.roleArn, deployRole(i).state.arn);
                assert.strictEqual(action.region, t.region);
                assert.strictEqual(action.namespace, `Deploy-${t.name}`);
                assert.deepStrictEqual([action.configuration.TaskDefinitionTemplatePath, action.configuration.AppSpecTemplatePath],
                    [`taskdef-${t.name}.json`, `appspec-${t.name}.yaml`]);
                assert.deepStrictEqual(action.inputArtifacts, ["BuildOutput"]);
                const application = t.create ? one(e, "aws:codedeploy/application:Application", `${names.targets[i].logical.target}-application`).state.name
                    : t.existing!.applicationName;
                const group = t.create ? one(e, "aws:codedeploy/deploymentGroup:DeploymentGroup", `${names.targets[i].logical.target}-group`).inputs.deploymentGroupName
                    : t.existing!.deploymentGroupName;
                assert.deepStrictEqual([action.configuration.ApplicationName, action.configuration.DeploymentGroupName], [application, group]);
            });
        });

        it("starts on a push to the configured branch by event, not by polling; or through its connection, on the configured triggers", () => {
            const [action] = one(e, PIPELINE).inputs.stages[0].actions;
            const source = config.source;
            if (source.provider === "CodeCommit") {
                assert.strictEqual(action.configuration.PollForSourceChanges, "false");
                assert.strictEqual(action.configuration.BranchName, source.branch);
                const pattern = JSON.parse(one(e, "aws:cloudwatch/eventRule:EventRule").inputs.eventPattern);
                assert.deepStrictEqual(pattern.resources, [one(e, "aws:codecommit/repository:Repository").state.arn]);
                assert.deepStrictEqual(pattern.detail.referenceName, [source.branch]);
                const target = one(e, "aws:cloudwatch/eventTarget:EventTarget");
                assert.strictEqual(target.inputs.arn, one(e, PIPELINE).state.arn);
                assert.strictEqual(target.inputs.roleArn, one(e, ROLE, "pipeline-source-events").state.arn);
                assert.strictEqual(one(e, PIPELINE).inputs.triggers, undefined, "CodePipeline's triggers are for connections only");
                return;
            }
            const connection = one(e, "aws:codeconnections/connection:Connection");
            assert.strictEqual(connection.inputs.providerType, source.provider);
            assert.strictEqual(connection.state.connectionStatus, "PENDING", "created without credentials: the handshake is a person's");
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

        it("names roles from project, stack and target (legacy names without it), so other accounts can name them before they exist", () => {
            const prefix = `cross-account-pipeline-${e.stack}`;
            const events = config.source.provider === "CodeCommit" ? [`${prefix}-events`] : [];
            const chatbot = config.notifications?.slack ? [`${prefix}-chatbot`] : [];
            const expected = [`${prefix}-build`, ...events, `${prefix}-pipeline`, ...chatbot, ...config.targets.flatMap(t => {
                const base = t.legacyNames ? prefix : `${prefix}-${t.name}`;
                return [`${base}-deploy`, ...t.create ? [`${base}-codedeploy`, `${base}-task`, `${base}-task-execution`] : []];
            })];
            assert.deepStrictEqual(all(e, ROLE).map(r => r.inputs.name).sort(), expected.sort());
        });

        it("exports what a user needs after `pulumi up`: the pipeline, its source, and per target its account, region, deploy role, URL and logs", () => {
            const codeCommit = config.source.provider === "CodeCommit";
            const sourceOutputs = codeCommit ? ["repositoryCloneUrl"] : ["sourceConnectionArn", "sourceConnectionStatus"];
            assert.deepStrictEqual(Object.keys(e.outputs).sort(), [
                "artifactBucketName", "artifactKeyArn", "imageRepositoryUrl", "pipelineConsoleUrl", "pipelineName", "targets", ...sourceOutputs,
                ...config.notifications ? ["notificationTopicArn"] : [],
            ].sort());
            if (config.notifications) {
                // Where to subscribe more (an on-call tool's HTTPS endpoint, a queue): the topic the pipeline tells.
                assert.strictEqual(e.outputs.notificationTopicArn, one(e, "aws:sns/topic:Topic").state.arn);
            }
            if (codeCommit) {
                assert.strictEqual(e.outputs.repositoryCloneUrl, one(e, "aws:codecommit/repository:Repository").state.cloneUrlHttp);
            } else {
                const connection = one(e, "aws:codeconnections/connection:Connection");
                assert.deepStrictEqual([e.outputs.sourceConnectionArn, e.outputs.sourceConnectionStatus], [connection.state.arn, "PENDING"]);
            }
            const targets = e.outputs.targets as Record<string, any>;
            assert.deepStrictEqual(Object.keys(targets), config.targets.map(t => t.name));
            config.targets.forEach((t, i) => {
                assert.strictEqual(targets[t.name].deployRoleArn, deployRole(i).state.arn);
                assert.deepStrictEqual([targets[t.name].account, targets[t.name].region], [t.account.accountId, t.region]);
                assert.strictEqual("applicationUrl" in targets[t.name], !!t.create);
                assert.strictEqual(targets[t.name].networkLogBucketName,
                    t.create ? one(e, "aws:s3/bucket:Bucket", `${names.targets[i].logical.target}-network-logs-bucket`).state.bucket : undefined);
            });
            assert.match(String(e.outputs.pipelineConsoleUrl), new RegExp(`^https://${config.region}\\.console\\.aws\\.amazon\\.com/codesuite/codepipeline/pipelines/cross-account-pipeline-${e.stack}/view`));
        });
    });

    describe(`stack ${stack}: policies`, () => {
        let e: Evaluation;
        let config: StackConfig;
        let names: StackNames;
        const deployRole = (i: number) => one(e, ROLE, names.targets[i].logical.deploy);
        /** The deploy roles of the targets in a region: the readers of its store. */
        const readers = (region: string) => config.targets.map((t, i) => t.region === region ? deployRole(i) : undefined).filter(r => r) as Resource[];
        before(async () => {
            e = await evaluated(stack);
            config = configOf(e);
            names = stackNames(config);
        });

        it("lets only the pipeline's role, not the whole pipeline account, assume each deploy role", () => {
            config.targets.forEach((_, i) => {
                assert.deepStrictEqual(JSON.parse(deployRole(i).inputs.assumeRolePolicy).Statement, [{
                    Sid: "AssumedByPipelineRoleOnly", Effect: "Allow", Action: "sts:AssumeRole",
                    Principal: { AWS: [`arn:aws:iam::${config.pipelineAccount.accountId}:root`] },
                    Condition: { ArnEquals: { "aws:PrincipalArn": [one(e, ROLE, "pipeline-pipeline").state.arn] } },
                }]);
            });
        });

        it("lets each deploy role read (not write) and decrypt its own region's artifacts, deploy to its group, and pass only its task roles", () => {
            config.targets.forEach((t, i) => {
                const policy = JSON.parse(one(e, ROLE_POLICY, `${names.targets[i].logical.deploy}-permissions`).inputs.policy);
                const bucketArn = inRegion(e, "aws:s3/bucket:Bucket", t.region).state.arn;
                assert.deepStrictEqual(statement(policy, "ReadDeployInputArtifacts").Action, ["s3:GetObject", "s3:GetObjectVersion"]);
                assert.strictEqual(statement(policy, "ReadDeployInputArtifacts").Resource, `${bucketArn}/*`);
                assert.strictEqual(statement(policy, "DecryptDeployInputArtifacts").Resource, inRegion(e, "aws:kms/key:Key", t.region).state.arn);
                const group = t.create ? one(e, "aws:codedeploy/deploymentGroup:DeploymentGroup", `${names.targets[i].logical.target}-group`).state.arn
                    : `arn:aws:codedeploy:${t.region}:${t.account.accountId}:deploymentgroup:${t.existing!.applicationName}/${t.existing!.deploymentGroupName}`;
                assert.strictEqual(statement(policy, "StartAndWatchDeploymentOnTargetGroup").Resource, group);
                const pass = statement(policy, "PassOnlyTaskRolesOnlyToEcsTasks");
                assert.deepStrictEqual(pass.Resource, t.create
                    ? [one(e, ROLE, `${names.targets[i].logical.target}-task`).state.arn, one(e, ROLE, `${names.targets[i].logical.target}-execution`).state.arn]
                    : [t.existing!.taskRoleArn, t.existing!.executionRoleArn]);
                assert.deepStrictEqual(pass.Condition, { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
                const actions = policy.Statement.flatMap((s: any) => asList(s.Action));
                assert.ok(!actions.some((a: string) => /^s3:(Put|Delete)/.test(a) || a.endsWith(":*") || a === "*"), actions.join(", "));
            });
        });

        it("lets the pipeline role assume the deploy roles and no other role", () => {
            const policy = JSON.parse(one(e, ROLE_POLICY, "pipeline-pipeline-permissions").inputs.policy);
            const assumes = policy.Statement.filter((s: any) => asList(s.Action).some((a: string) => a.startsWith("sts:")));
            assert.deepStrictEqual(assumes.map((s: any) => s.Resource), [config.targets.map((_, i) => deployRole(i).state.arn)]);
        });

        it("shares each region's key with the deploy roles of that region's targets only, for decrypting through S3 (and describing it)", () => {
            for (const region of new Set([config.region, ...config.targets.map(t => t.region)])) {
                const key = JSON.parse(inRegion(e, "aws:kms/key:Key", region).inputs.policy);
                const roles = readers(region);
                const crossAccount = key.Statement.filter((s: any) => config.targets.some(t => JSON.stringify(s.Principal).includes(t.account.accountId)));
                if (roles.length === 0) {
                    assert.deepStrictEqual(crossAccount, [], `${region}: no target reads this store`);
                    continue;
                }
                const decrypt = statement(key, "DecryptArtifactsByDeployRole");
                assert.deepStrictEqual(decrypt.Action, ["kms:Decrypt"]);
                assert.deepStrictEqual(decrypt.Condition, {
                    ArnEquals: { "aws:PrincipalArn": roles.map(r => r.state.arn) },
                    StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` },
                });
                assert.deepStrictEqual(crossAccount.map((s: any) => s.Sid), ["DecryptArtifactsByDeployRole", "DescribeKeyByDeployRole"]);
            }
        });

        it("denies non-TLS access and uploads not encrypted with its store's key; lets the region's deploy roles read", () => {
            for (const region of new Set([config.region, ...config.targets.map(t => t.region)])) {
                const bucketArn = inRegion(e, "aws:s3/bucket:Bucket", region).state.arn;
                const policy = JSON.parse(inRegion(e, "aws:s3/bucketPolicy:BucketPolicy", region).inputs.policy);
                assert.deepStrictEqual(statement(policy, "DenyInsecureTransport").Resource, [bucketArn, `${bucketArn}/*`]);
                assert.deepStrictEqual(statement(policy, "DenyUploadsEncryptedWithAnotherKey").Condition.StringNotEquals,
                    { "s3:x-amz-server-side-encryption-aws-kms-key-id": inRegion(e, "aws:kms/key:Key", region).state.arn });
                const roles = readers(region);
                assert.deepStrictEqual(policy.Statement.filter((s: any) => s.Effect === "Allow"), roles.length === 0 ? [] : [{
                    Sid: "ReadArtifactsByDeployRole", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${bucketArn}/*`,
                    Principal: { AWS: [...new Set(roles.map(r => `arn:aws:iam::${r.account}:root`))] },
                    Condition: { ArnEquals: { "aws:PrincipalArn": roles.map(r => r.state.arn) } },
                }]);
            }
        });

        it("names a resource wherever one can be named", () => {
            // A key policy's "*" is the key itself; these actions accept no resource but "*".
            const onlyStar = /^(ecs:RegisterTaskDefinition|ecr:GetAuthorizationToken|elasticloadbalancing:Describe\w+)$/;
            for (const p of registeredPolicies(e).filter(p => p.kind !== "trust" && p.kind !== "key")) {
                for (const s of p.document.Statement as any[]) {
                    if (s.Effect === "Allow" && !asList(s.Action).every((a: string) => onlyStar.test(a))) {
                        assert.ok(!asList(s.Resource).includes("*"), `${p.resource.name} ${s.Sid} allows Resource "*"`);
                    }
                    assert.ok(s.Effect === "Deny" || !asList(s.Action).includes("*"), `${p.resource.name} ${s.Sid} allows every action`);
                }
            }
        });
    });
}
