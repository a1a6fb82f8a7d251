import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { buildEnvironment, ecsImageBuildspec } from "../components/buildspec";
import { CrossAccountArtifactStore } from "../components/CrossAccountArtifactStore";
import { CrossAccountPipeline } from "../components/CrossAccountPipeline";
import { EcsBlueGreenTarget, taskExceptions } from "../components/EcsBlueGreenTarget";
import { DEPLOYMENT_GRACE_DAYS, ImageRepository } from "../components/ImageRepository";
import { ProdDeployRole } from "../components/ProdDeployRole";
import { partitionOf } from "../components/policies/document";
import { SourceConnection } from "../components/SourceConnection";
import { accountProvider, roleArn } from "./accounts";
import { arnAccount, ConnectionSourceConfig, ExistingTargetConfig, StackConfig } from "./config";
import { keptNames, StackNames, stackNames } from "./names";

/**
 * One complete pipeline: the artifact store, image repository and pipeline in the pipeline
 * account; the deploy role and (unless an existing one is named) the ECS blue/green target in
 * the target account. This is the one place where the accounts are wired together.
 */
export function buildStack(config: StackConfig) {
    const pipelineProvider = accountProvider(config, "pipeline", config.pipelineAccount);
    const targetProvider = accountProvider(config, "target", config.targetAccount);
    const names = stackNames(config);
    const kept = keptNames(config);
    const pipelineAccountId = config.pipelineAccount.accountId;
    const targetAccountId = config.targetAccount.accountId;

    // Role ARNs come from config, so each account's policies can name the other's roles
    // before either exists: no dependency cycle between the accounts.
    const pipelineRoleArn = roleArn(config, pipelineAccountId, names.roles.pipeline);
    const buildRoleArn = roleArn(config, pipelineAccountId, names.roles.build);
    const deployRoleArn = roleArn(config, targetAccountId, names.roles.deploy);

    const store = new CrossAccountArtifactStore("artifacts", {
        accountId: pipelineAccountId,
        region: config.region,
        keyAlias: names.keyAlias,
        writerRoleArns: [pipelineRoleArn, buildRoleArn],
        readerRoleArns: [deployRoleArn],             // target account -> pipeline account's bucket and key
        artifactRetentionDays: config.artifactRetentionDays,
        retainOnDelete: config.retainOnDelete,
    }, { provider: pipelineProvider });

    // The image repository is the pipeline account's; the target account's execution role pulls from it.
    // A created target under names that fit AWS's limits.
    const created = config.deployTarget.create && { ...config.deployTarget.create, ...names.target };
    const existing = config.deployTarget.existing;
    const pullerRoleArn = existing ? existing.executionRoleArn : roleArn(config, targetAccountId, names.targetRoles.execution);
    const images = new ImageRepository("images", {
        repositoryName: names.imageRepository,
        pullerRoleArns: [pullerRoleArn],                 // target account role -> pipeline account's repository policy
        adoptId: config.adopt.imageRepository,
        keepReleases: config.images.keep,
        unreleasedImageDays: config.artifactRetentionDays + DEPLOYMENT_GRACE_DAYS,
        retainOnDelete: config.retainOnDelete,
    }, { provider: pipelineProvider });

    const codedeployArn = (resource: string) =>
        `arn:${partitionOf(config.region)}:codedeploy:${config.region}:${targetAccountId}:${resource}`;
    const task = created ?? existing!;
    const target = created
        ? new EcsBlueGreenTarget("target", {
            ...created,
            accountId: targetAccountId,
            region: config.region,
            roleNames: names.targetRoles,
            imageRepositoryArn: images.repositoryArn,    // pipeline account output -> target account's execution role
            logGroupName: kept.taskLogGroup!,
            retainOnDelete: config.retainOnDelete,
            adoptLogGroupId: config.adopt.taskLogGroup,
        }, { provider: targetProvider })
        : existingTarget(existing!, codedeployArn);

    const deployRole = new ProdDeployRole("deploy", {
        roleName: names.roles.deploy,
        pipelineRoleArn,                              // pipeline account -> target account's trust policy
        artifactBucketArn: store.bucketArn,           // pipeline account outputs -> target account's grants
        artifactKeyArn: store.keyArn,
        applicationArn: target.applicationArn,
        deploymentGroupArn: target.deploymentGroupArn,
        deploymentConfigArn: codedeployArn(`deploymentconfig:${task.deploymentConfigName}`),
        passRoleArns: [target.taskRoleArn, target.executionRoleArn],
    }, { provider: targetProvider });

    const source = config.source.provider === "CodeCommit" ? config.source : connectionSource(config, config.source, names, pipelineProvider);
    const pipeline = new CrossAccountPipeline("pipeline", {
        accountId: pipelineAccountId,
        region: config.region,
        pipelineName: names.pipeline,
        buildProjectNames: { build: names.buildProject, release: names.releaseProject },
        roleNames: names.roles,
        source,
        build: {
            ...config.build,
            buildspec: config.build.buildspec ?? yaml.dump(ecsImageBuildspec({ network: !!created }), { lineWidth: -1 }),
            logGroupName: kept.buildLogGroup,
            // Target account outputs -> the pipeline account's build: what taskdef.json and appspec.yaml say.
            environment: buildEnvironment({
                imageRepositoryUrl: images.repositoryUrl,
                taskFamily: task.taskFamily,
                taskRoleArn: target.taskRoleArn,
                executionRoleArn: target.executionRoleArn,
                containerName: task.containerName,
                containerPort: task.containerPort,
                cpu: task.cpu,
                memory: task.memory,
                readonlyRootFilesystem: task.readonlyRootFilesystem,
                containerUser: task.containerUser,
                logGroupName: target.logGroupName,
                region: config.region,
                network: target.taskNetwork,
            }),
            renderedExceptions: taskExceptions(task),
        },
        images: { repositoryArn: images.repositoryArn, repositoryUrl: images.repositoryUrl },
        artifactBucketName: store.bucketName,
        artifactBucketArn: store.bucketArn,
        artifactKeyArn: store.keyArn,
        manualApproval: config.manualApproval,
        retainOnDelete: config.retainOnDelete,
        adopt: { sourceRepository: config.adopt.sourceRepository, buildLogGroup: config.adopt.buildLogGroup },
        deploy: {
            roleArn: deployRole.roleArn,                 // target account output -> pipeline account's deploy action
            region: config.region,
            applicationName: target.applicationName,     // target account outputs (or config) -> deploy action
            deploymentGroupName: target.deploymentGroupName,
            dependsOn: [deployRole],
        },
    }, { provider: pipelineProvider });

    return {
        pipelineName: pipeline.pipelineName,
        pipelineConsoleUrl: pipeline.consoleUrl,
        // What a developer pushes to: a CodeCommit clone URL, or the connection and whether its handshake is done.
        ...("connectionStatus" in source
            ? { sourceConnectionArn: source.connectionArn, sourceConnectionStatus: source.connectionStatus }
            : { repositoryCloneUrl: pipeline.repositoryCloneUrlHttp }),
        artifactBucketName: store.bucketName,
        artifactKeyArn: store.keyArn,
        prodDeployRoleArn: deployRole.roleArn,
        imageRepositoryUrl: images.repositoryUrl,
        // An existing target's URL and network log bucket are not known here (not this program's).
        ...(target.url ? { applicationUrl: target.url } : {}),
        ...(target.networkLogBucketName ? { networkLogBucketName: target.networkLogBucketName } : {}),
    };
}

/**
 * A source through CodeConnections: the connection config names, or one this stack creates, PENDING
 * until someone completes its handshake in the console. An existing connection of the pipeline
 * account is looked up for its status; a shared one's status is its owner's to see.
 */
function connectionSource(config: StackConfig, source: ConnectionSourceConfig, names: StackNames, provider: aws.Provider) {
    if (source.connectionArn) {
        const owner = arnAccount(source.connectionArn);
        const connectionStatus = owner === config.pipelineAccount.accountId
            ? aws.codestarconnections.getConnectionOutput({ arn: source.connectionArn }, { provider }).connectionStatus
            : pulumi.output(`shared by account ${owner} with AWS RAM: its status shows there`);
        return { ...source, connectionArn: pulumi.output(source.connectionArn), connectionStatus };
    }
    const { arn, endpoint, vpc } = source.host ?? {};
    const connection = new SourceConnection("source", {
        connectionName: names.sourceConnection,
        hostName: names.sourceHost,
        providerType: source.provider,
        host: arn ? { arn } : endpoint ? { endpoint, vpc } : undefined,
    }, { provider });
    return { ...source, connectionArn: connection.connectionArn, connectionStatus: connection.connectionStatus };
}

/** An existing target, in the shape of a created one's outputs: everything comes from config. */
function existingTarget(t: ExistingTargetConfig, codedeployArn: (resource: string) => string) {
    return {
        applicationName: pulumi.output(t.applicationName),
        applicationArn: pulumi.output(codedeployArn(`application:${t.applicationName}`)),
        deploymentGroupName: pulumi.output(t.deploymentGroupName),
        deploymentGroupArn: pulumi.output(codedeployArn(`deploymentgroup:${t.applicationName}/${t.deploymentGroupName}`)),
        taskRoleArn: pulumi.output(t.taskRoleArn),
        executionRoleArn: pulumi.output(t.executionRoleArn),
        logGroupName: pulumi.output(t.logGroupName),
        networkLogBucketName: undefined,
        taskNetwork: undefined,
        url: undefined,
    };
}
