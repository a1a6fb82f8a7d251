import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IMAGE_PLACEHOLDER } from "../buildspec";
import { ApprovalRequest, DeployStage } from "./args";
import { BUILD_ARTIFACT, plainVariables } from "./build";
import { checkVariables } from "./variables";

/**
 * A check action's name: this, then its target's. Every action name the pipeline gives itself has a
 * `_`, which no target name has, so none is ever a target's deploy action's (even compared without case).
 */
const CHECK_ACTION_PREFIX = "Check_";

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
    const count = a.targets.length === 1 ? "1 target" : `${a.targets.length} targets`;
    const list = head.length + all.length + after.length + 1 <= APPROVAL_MESSAGE_MAX ? all : count;
    return `${head}${list}.${after}`.slice(0, APPROVAL_MESSAGE_MAX);
}

/** How every manual approval waits: its timeout, and the topic its request goes to, if any. */
interface Approvals {
    timeoutInMinutes: number;
    topicArn?: pulumi.Input<string>;
}

/**
 * The release path after the build, in order: each stage's approval, in a stage of its own, then the
 * stage's deploys, its release marker and its checks.
 */
export function releaseStages(stages: DeployStage[], approvals: Approvals,
    projects: { markerName: pulumi.Input<string>; checkName?: pulumi.Input<string> }): aws.types.input.codepipeline.PipelineStage[] {
    return stages.flatMap(stage => [...stage.approval ? [approvalStage(stage.approval, approvals)] : [],
        deployStage(stage, projects.markerName, projects.checkName)]);
}

/**
 * A manual approval in a stage of its own, before the stage it approves, which does not roll back
 * (no onFailure): a rejection or a timeout fails this stage only, so the execution stops here and
 * nothing is redeployed. In the deploy stage it would fail that stage, and the stage's rollback
 * would redeploy the release already running there.
 */
function approvalStage(approval: ApprovalRequest, approvals: Approvals): aws.types.input.codepipeline.PipelineStage {
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
                    // What the build writes for this target: see ../buildspec.ts.
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
