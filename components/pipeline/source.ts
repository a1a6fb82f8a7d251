import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions } from "../options";
import { serviceTrustPolicy } from "../policies/document";
import { sourceEventsRolePolicy } from "../policies/pipeline";
import { roleWithPolicy } from "../role";
import { CodeCommitSource, ConnectionSource, CrossAccountPipelineArgs } from "./args";

/** The source action, by name: a trigger names the action it starts. */
const SOURCE_ACTION = "Source";
/** The source action's output artifact, the build's input. */
export const SOURCE_ARTIFACT = "SourceOutput";

/** Where the pipeline reads the source: a CodeCommit repository, or a repository through a connection. */
export interface PipelineSource {
    repository?: ReturnType<typeof codeCommitRepository>;
    connection?: ConnectionSource;
}

/** The source: a CodeCommit repository (created, kept on destroy when asked, or adopted; or looked up), or a connection's. */
export function pipelineSource(name: string, args: CrossAccountPipelineArgs, opts: ChildOptions): PipelineSource {
    const { source } = args;
    return source.provider === "CodeCommit" ? { repository: codeCommitRepository(name, source, args, opts) } : { connection: source };
}

function codeCommitRepository(name: string, source: CodeCommitSource, args: CrossAccountPipelineArgs, opts: ChildOptions) {
    return source.create
        ? new aws.codecommit.Repository(`${name}-repository`, {
            repositoryName: source.repositoryName,
            description: `Source of ${args.pipelineName}`,
        }, { ...opts, retainOnDelete: args.retainOnDelete, import: args.adopt?.sourceRepository })
        : aws.codecommit.getRepositoryOutput({ repositoryName: source.repositoryName }, opts);
}

/** The pipeline's first stage: the source action, its output the source artifact. */
export function sourceStage(source: PipelineSource, branch: string): aws.types.input.codepipeline.PipelineStage {
    return {
        name: "Source",
        actions: [{
            name: SOURCE_ACTION, category: "Source", owner: "AWS", version: "1",
            outputArtifacts: [SOURCE_ARTIFACT],
            namespace: "SourceVariables",
            ...source.repository ? codeCommitAction(source.repository, branch) : connectionAction(source.connection!),
        }],
    };
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

/** A connection's V2 push triggers, on the source action; none: the source action starts the pipeline on every push to its branch. */
export function connectionTriggers(connection: ConnectionSource | undefined): aws.types.input.codepipeline.PipelineTrigger[] | undefined {
    return connection?.triggers && [{
        providerType: "CodeStarSourceConnection",
        gitConfiguration: { sourceActionName: SOURCE_ACTION, pushes: connection.triggers },
    }];
}

/** CodeCommit has no webhooks: an EventBridge rule, with a role that may start this pipeline only, starts it on a push. */
export function startOnCodeCommitPush(name: string, args: CrossAccountPipelineArgs, repository: { arn: pulumi.Output<string> },
    pipeline: aws.codepipeline.Pipeline, opts: ChildOptions) {
    const eventsRole = roleWithPolicy(`${name}-source-events`, args.roleNames.events,
        serviceTrustPolicy("events.amazonaws.com", args.accountId),
        pipeline.arn.apply(sourceEventsRolePolicy),
        opts);
    const rule = new aws.cloudwatch.EventRule(`${name}-source-push`, {
        description: `Start ${args.pipelineName} on a push to ${args.source.branch}`,
        eventPattern: repository.arn.apply(arn => JSON.stringify({
            source: ["aws.codecommit"],
            "detail-type": ["CodeCommit Repository State Change"],
            resources: [arn],
            detail: { event: ["referenceCreated", "referenceUpdated"], referenceType: ["branch"], referenceName: [args.source.branch] },
        })),
    }, opts);
    new aws.cloudwatch.EventTarget(`${name}-source-push`, {
        rule: rule.name,
        arn: pipeline.arn,
        roleArn: eventsRole.role.arn,
    }, { ...opts, dependsOn: [eventsRole.rolePolicy] });
}
