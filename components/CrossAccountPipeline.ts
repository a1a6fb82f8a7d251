import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions, requireProvider } from "./options";
import { serviceTrustPolicy } from "./policies/document";
import { pipelineRolePolicy } from "./policies/pipeline";
import { roleWithPolicy } from "./role";
import { CrossAccountPipelineArgs } from "./pipeline/args";
import { BuildProjects, buildProjects, buildStage } from "./pipeline/build";
import { releaseStages } from "./pipeline/releasePath";
import { connectionTriggers, PipelineSource, pipelineSource, sourceStage, startOnCodeCommitPush } from "./pipeline/source";

export type {
    ApprovalRequest, ArtifactStoreRef, CodeCommitSource, ConnectionSource, CrossAccountPipelineArgs, DeployAction, DeployStage,
    FilterCriteria, PushFilter,
} from "./pipeline/args";
export { BUILD_ARTIFACT, variablesValue } from "./pipeline/build";
export { ACTION_CONFIGURATION_VALUE_MAX, APPROVAL_MESSAGE_MAX, approvalMessage, checkVariables, REVIEW_LINK_WARNS } from "./pipeline/releasePath";
export { SOURCE_ARTIFACT } from "./pipeline/source";

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
        const children = { parent: this, provider: requireProvider("CrossAccountPipeline", opts) };
        const source = pipelineSource(name, args, children);
        const build = buildProjects(name, args, source.connection, children);
        const role = pipelineRole(name, args, source, build, children);
        const pipeline = releasePipeline(name, args, { source, build, role }, children);
        if (source.repository) {
            startOnCodeCommitPush(name, args, source.repository, pipeline, children);
        }
        if (args.notifications) {
            notificationRule(name, args.notifications, pipeline, children);
        }

        this.pipelineName = pipeline.name;
        this.pipelineArn = pipeline.arn;
        this.consoleUrl = pulumi.interpolate`https://${args.region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${pipeline.name}/view?region=${args.region}`;
        this.repositoryArn = source.repository?.arn;
        this.repositoryCloneUrlHttp = source.repository?.cloneUrlHttp;
        this.pipelineRoleArn = role.role.arn;
        this.buildRoleArn = build.role.role.arn;
        this.registerOutputs({
            pipelineName: this.pipelineName, pipelineArn: this.pipelineArn, consoleUrl: this.consoleUrl,
            repositoryArn: this.repositoryArn, repositoryCloneUrlHttp: this.repositoryCloneUrlHttp,
            pipelineRoleArn: this.pipelineRoleArn, buildRoleArn: this.buildRoleArn,
        });
    }
}

/** The pipeline's role: it may use the artifact stores, the source, the build projects, the deploy roles and the topic. */
function pipelineRole(name: string, args: CrossAccountPipelineArgs, source: PipelineSource, build: BuildProjects, opts: ChildOptions) {
    const projectArns = [build.project.arn, build.marker.arn, ...build.checks ? [build.checks.arn] : []];
    return roleWithPolicy(`${name}-pipeline`, args.roleNames.pipeline,
        serviceTrustPolicy("codepipeline.amazonaws.com", args.accountId),
        pulumi.all([pulumi.all(args.artifactStores.map(s => pulumi.all([s.bucketArn, s.keyArn]))),
            source.repository?.arn, source.connection?.connectionArn, projectArns, args.notifications?.topicArn, args.notifications?.keyArn])
            .apply(([stores, repositoryArn, connectionArn, buildProjectArns, topicArn, topicKeyArn]) => pipelineRolePolicy({
                stores: stores.map(([bucketArn, keyArn]) => ({ bucketArn, keyArn })), buildProjectArns, deployRoles: args.deployRoles,
                source: repositoryArn ? { repositoryArn } : { connectionArn: connectionArn! },
                notifications: topicArn ? { topicArn, keyArn: topicKeyArn! } : undefined,
            })),
        opts);
}

/**
 * The pipeline: the source, the build, then the release path; one artifact store per region it acts in,
 * started by a connection's triggers when there are any. Registered once its role may act and the deploy roles
 * are ready: CodePipeline checks at creation that it can assume each action role.
 */
function releasePipeline(name: string, args: CrossAccountPipelineArgs,
    on: { source: PipelineSource; build: BuildProjects; role: ReturnType<typeof pipelineRole> }, opts: ChildOptions) {
    return new aws.codepipeline.Pipeline(`${name}-pipeline`, {
        name: args.pipelineName,
        pipelineType: "V2",
        executionMode: "QUEUED",
        roleArn: on.role.role.arn,
        // One store per region the pipeline acts in; CodePipeline wants the region named only when there are several.
        artifactStores: args.artifactStores.map(s => ({
            type: "S3",
            location: s.bucketName,
            encryptionKey: { type: "KMS", id: s.keyArn },
            region: args.artifactStores.length > 1 ? s.region : undefined,
        })),
        stages: [
            sourceStage(on.source, args.source.branch),
            buildStage(on.build.project, args.build.renderedDigest),
            ...releaseStages(args.stages, { timeoutInMinutes: args.approvalTimeoutMinutes, topicArn: args.notifications?.topicArn },
                { markerName: on.build.marker.name, checkName: on.build.checks?.name }),
        ],
        triggers: connectionTriggers(on.source.connection),
    }, { ...opts, dependsOn: [on.role.rolePolicy, ...args.dependsOn] });
}

/** https://docs.aws.amazon.com/dtconsole/latest/userguide/notification-rule-create.html: FULL details carry a failed action's error. */
function notificationRule(name: string, notifications: NonNullable<CrossAccountPipelineArgs["notifications"]>,
    pipeline: aws.codepipeline.Pipeline, opts: ChildOptions) {
    new aws.codestarnotifications.NotificationRule(`${name}-notifications`, {
        name: notifications.ruleName,
        resource: pipeline.arn,
        detailType: "FULL",
        eventTypeIds: notifications.events,
        targets: [{ type: "SNS", address: notifications.topicArn }],
        status: "ENABLED",
    }, { ...opts, dependsOn: notifications.dependsOn });
}
