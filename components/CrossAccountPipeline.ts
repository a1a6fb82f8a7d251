import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { checkBuildspec, IMAGE_PLACEHOLDER, releaseMarkerBuildspec } from "./buildspec";
import { Grantees, serviceTrustPolicy } from "./policies/document";
import { buildRolePolicy, pipelineRolePolicy, sourceEventsRolePolicy } from "./policies/pipeline";
import { requireProvider, roleWithPolicy } from "./role";
import { ConnectionProvider } from "./SourceConnection";
import { exceptionTags } from "./securityHub";

/** The release marker's and the check's image: CodeBuild's standard image, with the AWS CLI, jq and curl. */
const HELPER_IMAGE = "aws/codebuild/amazonlinux2-x86_64-standard:5.0";

/**
 * A check action's name: this, then its target's. Every action name the pipeline gives itself has a
 * `_`, which no target name has, so none is ever a target's deploy action's (even compared without case).
 */
const CHECK_ACTION_PREFIX = "Check_";

/** The source action, by name: a trigger names the action it starts. */
const SOURCE_ACTION = "Source";
/** The artifacts that pass between stages. */
export const SOURCE_ARTIFACT = "SourceOutput";
export const BUILD_ARTIFACT = "BuildOutput";

/** One target's deploy action: CodeDeployToECS in the target's account and region, as its deploy role. */
export interface DeployAction {
    /** The target's name: the action's. */
    name: string;
    /** The role in the target's account that the action runs as. */
    roleArn: pulumi.Input<string>;
    region: string;
    applicationName: pulumi.Input<string>;
    deploymentGroupName: pulumi.Input<string>;
    /** The task definition and appspec the build wrote for this target. */
    files: { taskDefinition: string; appSpec: string };
    /**
     * A smoke test after the deploy (`check`): the URL it GETs (the next stage waits for its 2xx or 3xx),
     * and where curl connects for it (`--connect-to`, see checkBuildspec), if not the URL's own host.
     */
    check?: pulumi.Input<{ url: string; connectTo?: string }>;
}

/** A manual approval before a stage's deploys, and what its request tells the approver. */
export interface ApprovalRequest {
    /** The approval's own stage, just before the deploys' (see approvalStage). */
    stageName: string;
    /** What is approved (the action's CustomData, at most APPROVAL_MESSAGE_MAX characters): see `approvalMessage`. */
    message: string;
    /** A page to look at first (ExternalEntityLink): the previous stage's target, where there is one. */
    reviewUrl?: pulumi.Input<string>;
}

/**
 * How long a request may be. AWS documents no limit for CustomData; this keeps it within what the
 * console and an email show whole, and well within CodePipeline's limit on a configuration value.
 */
export const APPROVAL_MESSAGE_MAX = 500;

/** What a request adds when its review link is a load balancer's own name over HTTPS (see stacks/reach.ts). */
export const REVIEW_LINK_WARNS = "The review link is the load balancer's own name: the browser will warn about its certificate.";

/**
 * What an approval request says: the stage, where it deploys, and the build it deploys (CodePipeline
 * fills in the execution, the commit and, when the build exports it, the image URI), and where it ran
 * before. Targets are listed while the message fits, then counted.
 */
export function approvalMessage(a: { pipelineName: string; stage: string; targets: { name: string; account: string; region: string }[];
    /** The build exports IMAGE_URI (the generated buildspec does; one of the repository's may not). */
    imageVariable: boolean; previousStage?: string;
    /** The review link is a load balancer's own name over HTTPS (no DNS record of the user's points a domain at it). */
    linkWarns?: boolean }): string {
    const build = `execution #{codepipeline.PipelineExecutionId}, commit #{SourceVariables.CommitId}` +
        (a.imageVariable ? `, image #{BuildVariables.IMAGE_URI}` : "");
    const after = (a.previousStage ? ` It passed stage ${a.previousStage}.` : "") +
        (a.linkWarns ? ` ${REVIEW_LINK_WARNS}` : "");
    const head = `Approve stage ${a.stage} of ${a.pipelineName}: deploy ${build} to `;
    const all = a.targets.map(t => `${t.name} (${t.account}, ${t.region})`).join(", ");
    const list = head.length + all.length + after.length + 1 <= APPROVAL_MESSAGE_MAX ? all : `${a.targets.length} targets`;
    return `${head}${list}.${after}`.slice(0, APPROVAL_MESSAGE_MAX);
}

/** One stage of the release path after the build: a target, or a wave of targets deployed in parallel. */
export interface DeployStage {
    name: string;
    /** A manual approval first, in a stage of its own, and what its request says. */
    approval?: ApprovalRequest;
    /** The tag the release marker adds to the image once every deploy of the stage succeeded (see releaseMarkerBuildspec). */
    releaseTagPrefix: string;
    /** A wave's: the tag the marker adds before its deploys, for the targets of a partly failed wave. */
    attemptTagPrefix?: string;
    deploys: DeployAction[];
}

/** An artifact store, as the pipeline names it: the bucket and its key, in one region. */
export interface ArtifactStoreRef {
    region: string;
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    /** The customer-managed key for every artifact there; the targets' accounts can read nothing else. */
    keyArn: pulumi.Input<string>;
}

/** Patterns a push filter includes or excludes (globs, as CodePipeline matches them). */
export interface FilterCriteria {
    includes?: string[];
    excludes?: string[];
}

/** One push filter of a V2 trigger: tags alone, branches, or branches with file paths. */
export interface PushFilter {
    tags?: FilterCriteria;
    branches?: FilterCriteria;
    filePaths?: FilterCriteria;
}

/** A CodeCommit repository in the pipeline account. */
export interface CodeCommitSource {
    provider: "CodeCommit";
    repositoryName: string;
    /** false: look up an existing repository instead of creating one. */
    create: boolean;
    branch: string;
}

/** A repository of another provider, through a CodeConnections connection (CodePipeline's CodeStarSourceConnection action). */
export interface ConnectionSource {
    provider: ConnectionProvider;
    /** The connection: this account's, or one shared into it with AWS RAM. The pipeline role may use it and no other. */
    connectionArn: pulumi.Input<string>;
    /** `owner/repository`, as the provider names it (the action's FullRepositoryId). */
    repository: string;
    /** The default branch: a manual start builds it, and without triggers pushes to it start the pipeline. */
    branch: string;
    /** The build clones the repository itself (CODEBUILD_CLONE_REF): history and tags; the build role may use the connection then. */
    fullClone: boolean;
    /** V2 push triggers (any one starts the pipeline); none: every push to `branch`. */
    triggers?: PushFilter[];
}

export interface CrossAccountPipelineArgs {
    /** The pipeline account; AWS services act for it only (confused-deputy guard in trust policies). */
    accountId: string;
    region: string;
    /** Physical name of the pipeline. */
    pipelineName: string;
    /** Physical names of the build project, the release marker's and the check's. CodeBuild takes no dots. */
    buildProjectNames: { build: string; release: string; check: string };
    /** Physical names of the pipeline's, the build's and (CodeCommit source only) EventBridge's roles; the targets' accounts name the first. */
    roleNames: { pipeline: string; build: string; events: string };
    source: CodeCommitSource | ConnectionSource;
    build: {
        computeType: string;
        image: string;
        timeoutMinutes: number;
        /** The buildspec: its YAML text, or a path in the repository. */
        buildspec: string;
        /** The build's (and the release marker's and check's) log group: CodeBuild's own convention is `/aws/codebuild/<project>`. */
        logGroupName: string;
        logRetentionDays?: number;
        /** Plain environment variables of the build: what it renders for the targets. */
        environment?: pulumi.Input<Record<string, string>>;
        /** Security Hub controls that the task definitions the build renders fail by the stack's choice (ECS.5, ECS.20). */
        renderedExceptions?: string[];
        /**
         * A digest of what the build renders for the targets from the stack (roles, network, ...): the build action carries
         * it, so a change of it changes the pipeline's declaration, and CodePipeline then rolls no stage back to an
         * execution built before it (a rollback only targets executions of the current pipeline structure version).
         */
        renderedDigest?: pulumi.Input<string>;
    };
    /**
     * The image repository the build pushes to. In each stage the pipeline first runs a release
     * marker, as the build role, that tags the image the stage deploys (see releaseMarkerBuildspec).
     */
    images: { repositoryArn: pulumi.Input<string>; repositoryUrl: pulumi.Input<string> };
    /** The artifact stores, the pipeline region's first (the source and the build use it); one per region a deploy acts in. */
    artifactStores: ArtifactStoreRef[];
    /** The release path after the build, in order. */
    stages: DeployStage[];
    /** The roles the pipeline role may assume: every deploy action's (by ARN, or by organization and name pattern). */
    deployRoles: Grantees;
    /** Minutes each manual approval waits before it fails (5 to 86400; CodePipeline's default is 7 days). */
    approvalTimeoutMinutes: number;
    /**
     * Where the pipeline tells people: a CodeStar Notifications rule on the pipeline publishes these
     * events to the topic, and every manual approval publishes its request there (the pipeline role
     * may, with the topic's key, through SNS). `dependsOn`: the topic's policy, so the rule can publish from the start.
     */
    notifications?: { topicArn: pulumi.Input<string>; keyArn: pulumi.Input<string>; ruleName: string; events: string[];
        dependsOn: pulumi.Input<pulumi.Resource>[] };
    /**
     * What the deploy roles need before they can be assumed (the roles, their trust and grants).
     * CodePipeline checks at creation that it can assume each action role.
     */
    dependsOn: pulumi.Input<pulumi.Resource>[];
    /**
     * Keep a created source repository (the source code) and the build log group (the record of
     * what was built) when they leave the stack.
     */
    retainOnDelete: boolean;
    /**
     * Import ids of kept resources to adopt instead of creating (a re-create after `pulumi destroy`,
     * which kept them): the source repository's name, the build log group's name.
     */
    adopt?: { sourceRepository?: string; buildLogGroup?: string };
}

/**
 * Pipeline account: the source (a CodeCommit repository, or a connection to another provider), the
 * build, and a CodePipeline that deploys the one build through the release path: a stage per target
 * or wave, each deploy in its target's account and region as its deploy role, with artifacts under
 * each region's shared key.
 */
export class CrossAccountPipeline extends pulumi.ComponentResource {
    public readonly pipelineName: pulumi.Output<string>;
    public readonly pipelineArn: pulumi.Output<string>;
    public readonly consoleUrl: pulumi.Output<string>;
    /** A CodeCommit source's repository; undefined for a source through a connection. */
    public readonly repositoryArn?: pulumi.Output<string>;
    public readonly repositoryCloneUrlHttp?: pulumi.Output<string>;
    public readonly pipelineRoleArn: pulumi.Output<string>;
    public readonly buildRoleArn: pulumi.Output<string>;

    constructor(name: string, args: CrossAccountPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cross-account-pipeline:pipeline:CrossAccountPipeline", name, {}, opts);
        requireProvider("CrossAccountPipeline", opts);
        const { source, build } = args;
        const main = args.artifactStores[0];

        const repository = source.provider === "CodeCommit" ? codeCommitRepository(name, source, args, this) : undefined;
        const connection = source.provider === "CodeCommit" ? undefined : source;

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-build-logs`, {
            name: build.logGroupName,
            retentionInDays: build.logRetentionDays ?? 90,
        }, { parent: this, retainOnDelete: args.retainOnDelete, import: args.adopt?.buildLogGroup });
        const buildRole = roleWithPolicy(`${name}-build`, args.roleNames.build,
            serviceTrustPolicy("codebuild.amazonaws.com", args.accountId),
            pulumi.all([main.bucketArn, main.keyArn, logGroup.arn, args.images.repositoryArn,
                connection?.fullClone ? connection.connectionArn : undefined])
                .apply(([bucket, key, logs, images, clone]) => buildRolePolicy(bucket, key, logs, images, clone)),
            this);
        const project = new aws.codebuild.Project(`${name}-build`, {
            name: args.buildProjectNames.build,
            serviceRole: buildRole.role.arn,
            // Its default, the aws/s3 key, is unreadable from the target account and denied by the bucket policy.
            encryptionKey: main.keyArn,
            buildTimeout: build.timeoutMinutes,
            source: { type: "CODEPIPELINE", buildspec: build.buildspec },
            artifacts: { type: "CODEPIPELINE" },
            environment: {
                type: "LINUX_CONTAINER",
                computeType: build.computeType,
                image: build.image,
                // The build runs `docker build`, which needs the Docker daemon: a declared exception to
                // Security Hub CodeBuild.5, with its compensating controls in SECURITY.md.
                privilegedMode: true,
                environmentVariables: pulumi.output(build.environment ?? {}).apply(plainText),
            },
            logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name } },
            tags: exceptionTags(["CodeBuild.5", ...build.renderedExceptions ?? []]),
        }, { parent: this, dependsOn: [buildRole.rolePolicy] });
        const helper = (kind: "release" | "check", description: string, buildspec: Record<string, unknown>,
            environment: Record<string, pulumi.Input<string>>) =>
            helperProject(`${name}-${kind}`, kind, args, { description, buildspec, environment }, buildRole, logGroup, this);
        const marker = helper("release", `Tags each image ${args.pipelineName} releases, so the image lifecycle keeps it`,
            releaseMarkerBuildspec(), { IMAGE_REPOSITORY_URI: args.images.repositoryUrl });
        const checks = args.stages.some(s => s.deploys.some(d => d.check))
            ? helper("check", `Smoke-tests each target ${args.pipelineName} deployed before the next stage`, checkBuildspec(), {})
            : undefined;
        const projectArns = [project.arn, marker.arn, ...checks ? [checks.arn] : []];

        const pipelineRole = roleWithPolicy(`${name}-pipeline`, args.roleNames.pipeline,
            serviceTrustPolicy("codepipeline.amazonaws.com", args.accountId),
            pulumi.all([pulumi.all(args.artifactStores.map(s => pulumi.all([s.bucketArn, s.keyArn]))),
                repository?.arn, connection?.connectionArn, projectArns, args.notifications?.topicArn, args.notifications?.keyArn])
                .apply(([stores, repositoryArn, connectionArn, buildProjectArns, topicArn, topicKeyArn]) => pipelineRolePolicy({
                    stores: stores.map(([bucketArn, keyArn]) => ({ bucketArn, keyArn })), buildProjectArns, deployRoles: args.deployRoles,
                    source: repositoryArn ? { repositoryArn } : { connectionArn: connectionArn! },
                    notifications: topicArn ? { topicArn, keyArn: topicKeyArn! } : undefined,
                })),
            this);

        const stages: aws.types.input.codepipeline.PipelineStage[] = [{
            name: "Source",
            actions: [{
                name: SOURCE_ACTION, category: "Source", owner: "AWS", version: "1",
                outputArtifacts: [SOURCE_ARTIFACT],
                namespace: "SourceVariables",
                ...repository ? codeCommitAction(repository, source.branch) : connectionAction(connection!),
            }],
        }, {
            name: "Build",
            actions: [{
                name: "Build", category: "Build", owner: "AWS", provider: "CodeBuild", version: "1",
                inputArtifacts: [SOURCE_ARTIFACT],
                outputArtifacts: [BUILD_ARTIFACT],
                namespace: "BuildVariables",
                configuration: { ProjectName: project.name,
                    ...build.renderedDigest ? { EnvironmentVariables: plainVariables({ RENDERED_TARGETS_DIGEST: build.renderedDigest }) } : {} },
            }],
        }];
        const approvals = { timeoutInMinutes: args.approvalTimeoutMinutes, topicArn: args.notifications?.topicArn };
        stages.push(...args.stages.flatMap(stage => [...stage.approval ? [approvalStage(stage.approval, approvals)] : [],
            deployStage(stage, marker.name, checks?.name)]));

        const pipeline = new aws.codepipeline.Pipeline(`${name}-pipeline`, {
            name: args.pipelineName,
            pipelineType: "V2",
            executionMode: "QUEUED",
            roleArn: pipelineRole.role.arn,
            // One store per region the pipeline acts in; CodePipeline wants the region named only when there are several.
            artifactStores: args.artifactStores.map(s => ({
                type: "S3",
                location: s.bucketName,
                encryptionKey: { type: "KMS", id: s.keyArn },
                region: args.artifactStores.length > 1 ? s.region : undefined,
            })),
            stages,
            triggers: connection?.triggers && [{
                providerType: "CodeStarSourceConnection",
                gitConfiguration: { sourceActionName: SOURCE_ACTION, pushes: connection.triggers },
            }],
        }, { parent: this, dependsOn: [pipelineRole.rolePolicy, ...args.dependsOn] });

        if (repository) {
            startOnCodeCommitPush(name, args, repository, pipeline, this);
        }
        if (args.notifications) {
            // https://docs.aws.amazon.com/dtconsole/latest/userguide/notification-rule-create.html: FULL details carry a failed action's error.
            new aws.codestarnotifications.NotificationRule(`${name}-notifications`, {
                name: args.notifications.ruleName,
                resource: pipeline.arn,
                detailType: "FULL",
                eventTypeIds: args.notifications.events,
                targets: [{ type: "SNS", address: args.notifications.topicArn }],
                status: "ENABLED",
            }, { parent: this, dependsOn: args.notifications.dependsOn });
        }

        this.pipelineName = pipeline.name;
        this.pipelineArn = pipeline.arn;
        this.consoleUrl = pulumi.interpolate`https://${args.region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${pipeline.name}/view?region=${args.region}`;
        this.repositoryArn = repository?.arn;
        this.repositoryCloneUrlHttp = repository?.cloneUrlHttp;
        this.pipelineRoleArn = pipelineRole.role.arn;
        this.buildRoleArn = buildRole.role.arn;
        this.registerOutputs({
            pipelineName: this.pipelineName, pipelineArn: this.pipelineArn, consoleUrl: this.consoleUrl,
            repositoryArn: this.repositoryArn, repositoryCloneUrlHttp: this.repositoryCloneUrlHttp,
            pipelineRoleArn: this.pipelineRoleArn, buildRoleArn: this.buildRoleArn,
        });
    }
}

/** The repository of a CodeCommit source: created (kept on destroy when asked, or adopted), or looked up. */
function codeCommitRepository(name: string, source: CodeCommitSource, args: CrossAccountPipelineArgs, parent: pulumi.Resource) {
    return source.create
        ? new aws.codecommit.Repository(`${name}-repository`, {
            repositoryName: source.repositoryName,
            description: `Source of ${args.pipelineName}`,
        }, { parent, retainOnDelete: args.retainOnDelete, import: args.adopt?.sourceRepository })
        : aws.codecommit.getRepositoryOutput({ repositoryName: source.repositoryName }, { parent });
}

type SourceAction = Pick<aws.types.input.codepipeline.PipelineStageAction, "provider" | "configuration">;

/** https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeCommit.html */
function codeCommitAction(repository: { repositoryName: pulumi.Input<string> }, branch: string): SourceAction {
    return {
        provider: "CodeCommit",
        configuration: {
            RepositoryName: repository.repositoryName,
            BranchName: branch,
            // EventBridge starts the pipeline on a push; polling is slower and costs API calls.
            PollForSourceChanges: "false",
            OutputArtifactFormat: "CODE_ZIP",
        },
    };
}

/** https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html */
function connectionAction(source: ConnectionSource): SourceAction {
    return {
        provider: "CodeStarSourceConnection",
        configuration: {
            ConnectionArn: source.connectionArn,
            FullRepositoryId: source.repository,
            BranchName: source.branch,
            // A full clone is a reference that only CodeBuild can use: the build action is the only reader of the source.
            OutputArtifactFormat: source.fullClone ? "CODEBUILD_CLONE_REF" : "CODE_ZIP",
            // With filters the triggers decide, not every push to the branch; CodePipeline's console sets the same
            // (https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-triggers.html).
            DetectChanges: source.triggers ? "false" : "true",
        },
    };
}

/** CodeCommit has no webhooks: an EventBridge rule, with a role that may start this pipeline only, starts it on a push. */
function startOnCodeCommitPush(name: string, args: CrossAccountPipelineArgs, repository: { arn: pulumi.Output<string> },
    pipeline: aws.codepipeline.Pipeline, parent: pulumi.Resource) {
    const eventsRole = roleWithPolicy(`${name}-source-events`, args.roleNames.events,
        serviceTrustPolicy("events.amazonaws.com", args.accountId),
        pipeline.arn.apply(sourceEventsRolePolicy),
        parent);
    const rule = new aws.cloudwatch.EventRule(`${name}-source-push`, {
        description: `Start ${args.pipelineName} on a push to ${args.source.branch}`,
        eventPattern: repository.arn.apply(arn => JSON.stringify({
            source: ["aws.codecommit"],
            "detail-type": ["CodeCommit Repository State Change"],
            resources: [arn],
            detail: { event: ["referenceCreated", "referenceUpdated"], referenceType: ["branch"], referenceName: [args.source.branch] },
        })),
    }, { parent });
    new aws.cloudwatch.EventTarget(`${name}-source-push`, {
        rule: rule.name,
        arn: pipeline.arn,
        roleArn: eventsRole.role.arn,
    }, { parent, dependsOn: [eventsRole.rolePolicy] });
}

/** A CodeBuild action's EnvironmentVariables: plain text ones, as the action's configuration takes them (JSON). */
export function variablesValue(vars: Record<string, string>): string {
    return JSON.stringify(plainText(vars));
}

/** Environment variables as CodeBuild takes them, in a project or an action: plain text. */
function plainText(vars: Record<string, string>) {
    return Object.entries(vars).map(([name, value]) => ({ name, value, type: "PLAINTEXT" }));
}

function plainVariables(vars: pulumi.Input<Record<string, pulumi.Input<string>>>): pulumi.Output<string> {
    return pulumi.output(vars).apply(variablesValue);
}

/** A check action's variables: the URL it GETs, and where curl connects for it (see checkBuildspec). */
export function checkVariables(c: { url: string; connectTo?: string }): Record<string, string> {
    return { CHECK_URL: c.url, ...c.connectTo ? { CHECK_CONNECT_TO: c.connectTo } : {} };
}

/**
 * CodePipeline's longest action configuration value (ActionConfigurationValue, 1 to 1,000 characters,
 * in the API model aws/api-models-aws codepipeline-2015-07-09.json): a check's EnvironmentVariables must fit.
 */
export const ACTION_CONFIGURATION_VALUE_MAX = 1000;

/**
 * A manual approval in a stage of its own, before the stage it approves, which does not roll back
 * (no onFailure): a rejection or a timeout fails this stage only, so the execution stops here and
 * nothing is redeployed. In the deploy stage it would fail that stage, and the stage's rollback
 * would redeploy the release already running there.
 */
function approvalStage(approval: ApprovalRequest, approvals: { timeoutInMinutes: number; topicArn?: pulumi.Input<string> }):
    aws.types.input.codepipeline.PipelineStage {
    return {
        name: approval.stageName,
        actions: [{
            name: "Approve", category: "Approval", owner: "AWS", provider: "Manual", version: "1", runOrder: 1,
            timeoutInMinutes: approvals.timeoutInMinutes,
            configuration: {
                CustomData: approval.message,
                ...approval.reviewUrl ? { ExternalEntityLink: approval.reviewUrl } : {},
                ...approvals.topicArn ? { NotificationArn: approvals.topicArn } : {},
            },
        }],
    };
}

/**
 * A stage of the release path: a wave's attempt mark; the deploys, in parallel; then, once all
 * succeeded, the release marker and the checks. The next stage starts when all succeed. A failed
 * stage rolls back by itself to the artifacts of the last execution that succeeded in it
 * (CodePipeline V2 stage rollback).
 */
function deployStage(stage: DeployStage, markerName: pulumi.Input<string>, checkName?: pulumi.Input<string>): aws.types.input.codepipeline.PipelineStage {
    const mark = (name: string, prefix: string, runOrder: number) => ({
        name, category: "Build", owner: "AWS", provider: "CodeBuild", version: "1", runOrder, inputArtifacts: [BUILD_ARTIFACT],
        configuration: { ProjectName: markerName, EnvironmentVariables: plainVariables({ RELEASE_TAG_PREFIX: prefix }) },
    });
    const deploy = stage.attemptTagPrefix ? 2 : 1;
    return {
        name: stage.name,
        // Rolls back to the last execution that succeeded in this stage, in this structure of the pipeline
        // (https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html); QUEUED mode allows it, PARALLEL would not.
        onFailure: { result: "ROLLBACK" },
        actions: [
            ...stage.attemptTagPrefix ? [mark("Mark_attempt", stage.attemptTagPrefix, deploy - 1)] : [],
            ...stage.deploys.map(d => ({
                name: d.name, category: "Deploy", owner: "AWS", provider: "CodeDeployToECS", version: "1", runOrder: deploy,
                // Runs in the target's account as its deploy role: the hand edit of get-pipeline/update-pipeline, declared.
                roleArn: d.roleArn,
                region: d.region,
                namespace: `Deploy-${d.name}`,
                inputArtifacts: [BUILD_ARTIFACT],
                configuration: {
                    ApplicationName: d.applicationName,
                    DeploymentGroupName: d.deploymentGroupName,
                    // What the build writes for this target: see buildspec.ts.
                    TaskDefinitionTemplateArtifact: BUILD_ARTIFACT,
                    TaskDefinitionTemplatePath: d.files.taskDefinition,
                    AppSpecTemplateArtifact: BUILD_ARTIFACT,
                    AppSpecTemplatePath: d.files.appSpec,
                    Image1ArtifactName: BUILD_ARTIFACT,
                    Image1ContainerName: IMAGE_PLACEHOLDER,
                },
            })),
            // Only after every deploy succeeded: a failed or rolled-back release is not marked (a check may fail: the image runs).
            mark("Mark_released", stage.releaseTagPrefix, deploy + 1),
            ...stage.deploys.filter(d => d.check).map(d => ({
                name: `${CHECK_ACTION_PREFIX}${d.name}`, category: "Test", owner: "AWS", provider: "CodeBuild", version: "1", runOrder: deploy + 1,
                inputArtifacts: [BUILD_ARTIFACT],
                configuration: { ProjectName: checkName!, EnvironmentVariables: plainVariables(pulumi.output(d.check!).apply(checkVariables)) },
            })),
        ],
    };
}

/**
 * A helper project of the pipeline that runs as the build role, in the build's log group: the
 * release marker (the build role may already push to the image repository; the targets' accounts
 * cannot tag images in the pipeline account, so the pipeline account marks what it releases) and
 * the check (it needs only the network, and the build role's reading of the input artifact).
 */
function helperProject(name: string, kind: "release" | "check", args: CrossAccountPipelineArgs,
    { description, buildspec, environment }: { description: string; buildspec: Record<string, unknown>; environment: Record<string, pulumi.Input<string>> },
    buildRole: { role: aws.iam.Role; rolePolicy: aws.iam.RolePolicy }, logGroup: aws.cloudwatch.LogGroup, parent: pulumi.Resource) {
    return new aws.codebuild.Project(name, {
        name: args.buildProjectNames[kind],
        description,
        serviceRole: buildRole.role.arn,
        encryptionKey: args.artifactStores[0].keyArn,
        buildTimeout: kind === "check" ? 10 : 5,
        source: { type: "CODEPIPELINE", buildspec: yaml.dump(buildspec, { lineWidth: -1 }) },
        artifacts: { type: "CODEPIPELINE" },
        environment: {
            type: "LINUX_CONTAINER",
            computeType: "BUILD_GENERAL1_SMALL",
            image: HELPER_IMAGE,
            environmentVariables: pulumi.output(environment).apply(plainText),
        },
        logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name, streamName: kind } },
    }, { parent, dependsOn: [buildRole.rolePolicy] });
}
