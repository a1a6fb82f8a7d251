import * as pulumi from "@pulumi/pulumi";
import { requireProvider } from "./options";
import { CrossAccountPipelineArgs } from "./pipeline/args";
import { buildProjects } from "./pipeline/build";
import { notificationRule } from "./pipeline/notifications";
import { pipelineRole, releasePipeline } from "./pipeline/pipeline";
import { pipelineSource, startOnCodeCommitPush } from "./pipeline/source";

export type {
    ApprovalRequest, ArtifactStoreRef, CodeCommitSource, ConnectionSource, CrossAccountPipelineArgs, DeployAction, DeployStage,
    FilterCriteria, PushFilter,
} from "./pipeline/args";
export { APPROVAL_MESSAGE_MAX, approvalMessage, REVIEW_LINK_WARNS } from "./pipeline/releasePath";

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
