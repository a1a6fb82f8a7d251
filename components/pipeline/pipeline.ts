import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions } from "../options";
import { serviceTrustPolicy } from "../policies/document";
import { pipelineRolePolicy } from "../policies/pipeline";
import { roleWithPolicy } from "../role";
import { CrossAccountPipelineArgs } from "./args";
import { BuildProjects, buildStage } from "./build";
import { releaseStages } from "./releasePath";
import { connectionTriggers, PipelineSource, sourceStage } from "./source";

/** The pipeline's role: it may use the artifact stores, the source, the build projects, the deploy roles and the topic. */
export function pipelineRole(name: string, args: CrossAccountPipelineArgs, source: PipelineSource, build: BuildProjects, opts: ChildOptions) {
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
export function releasePipeline(name: string, args: CrossAccountPipelineArgs,
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
