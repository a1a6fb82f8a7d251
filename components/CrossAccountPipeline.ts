import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { DEPLOY_INPUT_FILES, IMAGE_PLACEHOLDER, releaseMarkerBuildspec } from "./buildspec";
import { serviceTrustPolicy } from "./policies/document";
import { buildRolePolicy, pipelineRolePolicy, sourceEventsRolePolicy } from "./policies/pipeline";
import { requireProvider, roleWithPolicy } from "./role";
import { ConnectionProvider } from "./SourceConnection";
import { exceptionTags } from "./securityHub";

/** The release marker's image: CodeBuild's standard image, with the AWS CLI and jq. */
const RELEASE_MARKER_IMAGE = "aws/codebuild/amazonlinux2-x86_64-standard:5.0";

/** The source action, by name: a trigger names the action it starts. */
const SOURCE_ACTION = "Source";
/** The artifacts that pass between stages. */
export const SOURCE_ARTIFACT = "SourceOutput";
export const BUILD_ARTIFACT = "BuildOutput";

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
    /** Physical names of the build project and of the release marker project. CodeBuild takes no dots. */
    buildProjectNames: { build: string; release: string };
    /** Physical names of the pipeline's, the build's and (CodeCommit source only) EventBridge's roles; the other account names the first. */
    roleNames: { pipeline: string; build: string; events: string };
    source: CodeCommitSource | ConnectionSource;
    build: {
        computeType: string;
        image: string;
        timeoutMinutes: number;
        /** The buildspec: its YAML text, or a path in the repository. */
        buildspec: string;
        /** The build's (and the release marker's) log group: CodeBuild's own convention is `/aws/codebuild/<project>`. */
        logGroupName: string;
        logRetentionDays?: number;
        /** Plain environment variables of the build: what it needs to know about the deploy target. */
        environment?: Record<string, pulumi.Input<string>>;
        /** Security Hub controls that the task definitions the build renders fail by the stack's choice (ECS.5, ECS.20). */
        renderedExceptions?: string[];
    };
    /**
     * The image repository the build pushes to. After each successful deploy the pipeline runs a
     * release marker, as the build role, that tags the released image (see releaseMarkerBuildspec).
     */
    images?: { repositoryArn: pulumi.Input<string>; repositoryUrl: pulumi.Input<string> };
    artifactBucketName: pulumi.Input<string>;
    artifactBucketArn: pulumi.Input<string>;
    /** The customer-managed key for every artifact; the target account can read nothing else. */
    artifactKeyArn: pulumi.Input<string>;
    /** Stop before the deploy until someone approves it. */
    manualApproval: boolean;
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
    deploy: {
        /** The role in the target account that the deploy action runs as. */
        roleArn: pulumi.Input<string>;
        region: string;
        applicationName: pulumi.Input<string>;
        deploymentGroupName: pulumi.Input<string>;
        /**
         * What the deploy role needs before it can be assumed (the role, its trust and grants).
         * CodePipeline checks at creation that it can assume the action role.
         */
        dependsOn: pulumi.Input<pulumi.Resource>[];
    };
}

/**
 * Pipeline account: the source (a CodeCommit repository, or a connection to another provider), the
 * build, and a CodePipeline whose deploy stage runs in the target account as its deploy role, with
 * artifacts under the shared key.
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
        const { source, build, deploy } = args;

        const repository = source.provider === "CodeCommit" ? codeCommitRepository(name, source, args, this) : undefined;
        const connection = source.provider === "CodeCommit" ? undefined : source;

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-build-logs`, {
            name: build.logGroupName,
            retentionInDays: build.logRetentionDays ?? 90,
        }, { parent: this, retainOnDelete: args.retainOnDelete, import: args.adopt?.buildLogGroup });
        const buildRole = roleWithPolicy(`${name}-build`, args.roleNames.build,
            serviceTrustPolicy("codebuild.amazonaws.com", args.accountId),
            pulumi.all([args.artifactBucketArn, args.artifactKeyArn, logGroup.arn, args.images?.repositoryArn,
                connection?.fullClone ? connection.connectionArn : undefined])
                .apply(([bucket, key, logs, images, clone]) => buildRolePolicy(bucket, key, logs, images, clone)),
            this);
        const project = new aws.codebuild.Project(`${name}-build`, {
            name: args.buildProjectNames.build,
            serviceRole: buildRole.role.arn,
            // Its default, the aws/s3 key, is unreadable from the target account and denied by the bucket policy.
            encryptionKey: args.artifactKeyArn,
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
                environmentVariables: Object.entries(build.environment ?? {}).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })),
            },
            logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name } },
            tags: exceptionTags(["CodeBuild.5", ...build.renderedExceptions ?? []]),
        }, { parent: this, dependsOn: [buildRole.rolePolicy] });
        const marker = args.images && releaseMarker(`${name}-release`, args, buildRole, logGroup, this);
        const projectArns = marker ? [project.arn, marker.arn] : [project.arn];

        const pipelineRole = roleWithPolicy(`${name}-pipeline`, args.roleNames.pipeline,
            serviceTrustPolicy("codepipeline.amazonaws.com", args.accountId),
            pulumi.all([args.artifactBucketArn, args.artifactKeyArn, repository?.arn, connection?.connectionArn, projectArns, deploy.roleArn])
                .apply(([artifactBucketArn, artifactKeyArn, repositoryArn, connectionArn, buildProjectArns, deployRoleArn]) =>
                    pipelineRolePolicy({
                        artifactBucketArn, artifactKeyArn, buildProjectArns, deployRoleArn,
                        source: repositoryArn ? { repositoryArn } : { connectionArn: connectionArn! },
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
                configuration: { ProjectName: project.name },
            }],
        }];
        if (args.manualApproval) {
            stages.push({
                name: "Approval",
                actions: [{ name: "ApproveDeploy", category: "Approval", owner: "AWS", provider: "Manual", version: "1" }],
            });
        }
        stages.push({
            name: "Deploy",
            actions: [{
                name: "Deploy", category: "Deploy", owner: "AWS", provider: "CodeDeployToECS", version: "1", runOrder: 1,
                // Runs in the target account as its deploy role: the hand edit of get-pipeline/update-pipeline, declared.
                roleArn: deploy.roleArn,
                region: deploy.region,
                namespace: "DeployVariables",
                inputArtifacts: [BUILD_ARTIFACT],
                configuration: {
                    ApplicationName: deploy.applicationName,
                    DeploymentGroupName: deploy.deploymentGroupName,
                    // What the build writes: see buildspec.ts.
                    TaskDefinitionTemplateArtifact: BUILD_ARTIFACT,
                    TaskDefinitionTemplatePath: DEPLOY_INPUT_FILES.taskDefinition,
                    AppSpecTemplateArtifact: BUILD_ARTIFACT,
                    AppSpecTemplatePath: DEPLOY_INPUT_FILES.appSpec,
                    Image1ArtifactName: BUILD_ARTIFACT,
                    Image1ContainerName: IMAGE_PLACEHOLDER,
                },
            }, ...marker ? [{
                // Only after the deployment succeeded: a failed or rolled-back release is not marked.
                name: "MarkReleased", category: "Build", owner: "AWS", provider: "CodeBuild", version: "1", runOrder: 2,
                inputArtifacts: [BUILD_ARTIFACT],
                configuration: { ProjectName: marker.name },
            }] : []],
        });

        const pipeline = new aws.codepipeline.Pipeline(`${name}-pipeline`, {
            name: args.pipelineName,
            pipelineType: "V2",
            executionMode: "QUEUED",
            roleArn: pipelineRole.role.arn,
            artifactStores: [{
                type: "S3",
                location: args.artifactBucketName,
                encryptionKey: { type: "KMS", id: args.artifactKeyArn },
            }],
            stages,
            triggers: connection?.triggers && [{
                providerType: "CodeStarSourceConnection",
                gitConfiguration: { sourceActionName: SOURCE_ACTION, pushes: connection.triggers },
            }],
        }, { parent: this, dependsOn: [pipelineRole.rolePolicy, ...deploy.dependsOn] });

        if (repository) {
            startOnCodeCommitPush(name, args, repository, pipeline, this);
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

/**
 * The release marker: a CodeBuild project that runs as the build role (which may already push to
 * the image repository) and tags the image a deployment released. The target account cannot tag
 * images in the pipeline account; the pipeline account marks what it deployed.
 */
function releaseMarker(name: string, args: CrossAccountPipelineArgs, buildRole: { role: aws.iam.Role; rolePolicy: aws.iam.RolePolicy },
    logGroup: aws.cloudwatch.LogGroup, parent: pulumi.Resource) {
    return new aws.codebuild.Project(name, {
        name: args.buildProjectNames.release,
        description: `Tags each image ${args.pipelineName} released, so the image lifecycle keeps it`,
        serviceRole: buildRole.role.arn,
        encryptionKey: args.artifactKeyArn,
        buildTimeout: 5,
        source: { type: "CODEPIPELINE", buildspec: yaml.dump(releaseMarkerBuildspec(), { lineWidth: -1 }) },
        artifacts: { type: "CODEPIPELINE" },
        environment: {
            type: "LINUX_CONTAINER",
            computeType: "BUILD_GENERAL1_SMALL",
            image: RELEASE_MARKER_IMAGE,
            environmentVariables: [{ name: "IMAGE_REPOSITORY_URI", value: args.images!.repositoryUrl, type: "PLAINTEXT" }],
        },
        logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name, streamName: "release" } },
    }, { parent, dependsOn: [buildRole.rolePolicy] });
}
