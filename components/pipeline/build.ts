import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { checkBuildspec, releaseMarkerBuildspec } from "../buildspec";
import { ChildOptions } from "../options";
import { serviceTrustPolicy } from "../policies/document";
import { buildRolePolicy } from "../policies/pipeline";
import { roleWithPolicy } from "../role";
import { exceptionTags } from "../securityHub";
import { ConnectionSource, CrossAccountPipelineArgs } from "./args";
import { SOURCE_ARTIFACT } from "./source";
import { plainText, variablesValue } from "./variables";

/** The release marker's and the check's image: CodeBuild's standard image, with the AWS CLI, jq and curl. */
const HELPER_IMAGE = "aws/codebuild/amazonlinux2-x86_64-standard:5.0";

/** The build's output artifact: what every deploy, marker and check of the release path reads. */
export const BUILD_ARTIFACT = "BuildOutput";

type BuildRole = ReturnType<typeof roleWithPolicy>;

/**
 * The build's log group, its role and project, and the helper projects that run as the build role: the
 * release marker, and the check when a deploy has one.
 */
export function buildProjects(name: string, args: CrossAccountPipelineArgs, connection: ConnectionSource | undefined, opts: ChildOptions) {
    const { build } = args;
    const main = args.artifactStores[0];
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-build-logs`, {
        name: build.logGroupName,
        retentionInDays: build.logRetentionDays ?? 90,
    }, { ...opts, retainOnDelete: args.retainOnDelete, import: args.adopt?.buildLogGroup });
    const role = roleWithPolicy(`${name}-build`, args.roleNames.build,
        serviceTrustPolicy("codebuild.amazonaws.com", args.accountId),
        pulumi.all([main.bucketArn, main.keyArn, logGroup.arn, args.images.repositoryArn,
            connection?.fullClone ? connection.connectionArn : undefined])
            .apply(([bucket, key, logs, images, clone]) => buildRolePolicy(bucket, key, logs, images, clone)),
        opts);
    const project = new aws.codebuild.Project(`${name}-build`, {
        name: args.buildProjectNames.build,
        serviceRole: role.role.arn,
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
    }, { ...opts, dependsOn: [role.rolePolicy] });
    const helper = (kind: "release" | "check", description: string, buildspec: Record<string, unknown>,
        environment: Record<string, pulumi.Input<string>>) =>
        helperProject(`${name}-${kind}`, kind, args, { description, buildspec, environment }, role, logGroup, opts);
    const marker = helper("release", `Tags each image ${args.pipelineName} releases, so the image lifecycle keeps it`,
        releaseMarkerBuildspec(), { IMAGE_REPOSITORY_URI: args.images.repositoryUrl });
    const checks = args.stages.some(s => s.deploys.some(d => d.check))
        ? helper("check", `Smoke-tests each target ${args.pipelineName} deployed before the next stage`, checkBuildspec(), {})
        : undefined;
    return { role, project, marker, checks };
}

export type BuildProjects = ReturnType<typeof buildProjects>;

/**
 * A helper project of the pipeline that runs as the build role, in the build's log group: the
 * release marker (the build role may already push to the image repository; the targets' accounts
 * cannot tag images in the pipeline account, so the pipeline account marks what it releases) and
 * the check (it needs only the network, and the build role's reading of the input artifact).
 */
function helperProject(name: string, kind: "release" | "check", args: CrossAccountPipelineArgs,
    { description, buildspec, environment }: { description: string; buildspec: Record<string, unknown>; environment: Record<string, pulumi.Input<string>> },
    buildRole: BuildRole, logGroup: aws.cloudwatch.LogGroup, opts: ChildOptions) {
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
    }, { ...opts, dependsOn: [buildRole.rolePolicy] });
}

/** The build stage: the build project, from the source artifact to the build artifact. */
export function buildStage(project: aws.codebuild.Project, renderedDigest: pulumi.Input<string> | undefined): aws.types.input.codepipeline.PipelineStage {
    return {
        name: "Build",
        actions: [{
            name: "Build", category: "Build", owner: "AWS", provider: "CodeBuild", version: "1",
            inputArtifacts: [SOURCE_ARTIFACT],
            outputArtifacts: [BUILD_ARTIFACT],
            namespace: "BuildVariables",
            configuration: { ProjectName: project.name,
                ...renderedDigest ? { EnvironmentVariables: plainVariables({ RENDERED_TARGETS_DIGEST: renderedDigest }) } : {} },
        }],
    };
}

export function plainVariables(vars: pulumi.Input<Record<string, pulumi.Input<string>>>): pulumi.Output<string> {
    return pulumi.output(vars).apply(variablesValue);
}
