import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as yaml from "js-yaml";
import { buildEnvironment, ecsImageBuildspec, RenderedTarget } from "../components/buildspec";
import { SIZE_LIMITS } from "./limits";
import { CrossAccountArtifactStore } from "../components/CrossAccountArtifactStore";
import { approvalMessage, CrossAccountPipeline, DeployAction } from "../components/CrossAccountPipeline";
import { EcsBlueGreenTarget, taskExceptions } from "../components/EcsBlueGreenTarget";
import { DEPLOYMENT_GRACE_DAYS, ImageRepository } from "../components/ImageRepository";
import { PIPELINE_EVENTS, PipelineNotifications } from "../components/PipelineNotifications";
import { ProdDeployRole } from "../components/ProdDeployRole";
import { partitionOf } from "../components/policies/document";
import { SourceConnection } from "../components/SourceConnection";
import { accountProviders } from "./accounts";
import { ConnectionSourceConfig, ExistingTargetConfig, StackConfig, TargetConfig } from "./config/stackConfig";
import { arnAccount } from "./config/values";
import { pathGrants, PathGrants } from "./grants";
import { checkRequest, reviewLink, reviewLinkWarns } from "./reach";
import { storeName } from "./limits";
import { keptNames, StackNames, stackNames, TargetNames } from "./names";

/**
 * One complete release path: in the pipeline account the image repository, the pipeline and an
 * artifact store per region it acts in; in each target's account and region its deploy role and
 * (unless an existing one is named) its ECS blue/green target. This is the one place where the
 * accounts are wired together.
 */
export function buildStack(config: StackConfig) {
    const wiring = wiringOf(config);
    const stores = artifactStores(wiring);
    const images = imageRepository(wiring);
    const targets = deployTargets(wiring, images, stores);
    const source = stackSource(wiring);
    const notifications = stackNotifications(wiring);
    const pipeline = stackPipeline(wiring, { stores, images, targets, source, notifications });
    return stackOutputs(config, { pipeline, source, notifications, stores, images, targets });
}

/** What every part of the path is built from: the config, its names, the grants between the accounts and their providers. */
interface Wiring {
    config: StackConfig;
    names: StackNames;
    kept: ReturnType<typeof keptNames>;
    grants: PathGrants;
    provider: ReturnType<typeof accountProviders>;
    /** The pipeline account's provider in a region. */
    inPipelineAccount: (region: string) => aws.Provider;
}

function wiringOf(config: StackConfig): Wiring {
    const provider = accountProviders(config);
    const names = stackNames(config);
    return {
        config,
        names,
        kept: keptNames(config),
        // Role ARNs come from config, so each account's policies can name the other's roles
        // before either exists: no dependency cycle between the accounts.
        grants: pathGrants(config, names),
        provider,
        inPipelineAccount: (region: string) => provider({ accountId: config.pipelineAccount.accountId, region }),
    };
}

/** One artifact store per region: CodePipeline copies the build's output into the store of each region a deploy acts in. */
function artifactStores({ config, names, grants, inPipelineAccount }: Wiring) {
    return grants.stores.map((s, i) => ({
        region: s.region,
        store: new CrossAccountArtifactStore(storeName(config, s.region), {
            accountId: config.pipelineAccount.accountId,
            region: s.region,
            keyAlias: names.keyAlias,
            // The build writes in the pipeline's region only; the pipeline copies artifacts into the others.
            writerRoleArns: i === 0 ? [grants.pipelineRoleArn, grants.buildRoleArn] : [grants.pipelineRoleArn],
            readers: s.readers,                          // targets' accounts -> the pipeline account's bucket and key
            artifactRetentionDays: config.artifactRetentionDays,
            retainOnDelete: config.retainOnDelete,
        }, { provider: inPipelineAccount(s.region) }),
    }));
}

/** The image repository is the pipeline account's, in its region; every target's execution role pulls from it. */
function imageRepository({ config, names, grants, inPipelineAccount }: Wiring) {
    return new ImageRepository("images", {
        repositoryName: names.imageRepository,
        pullers: grants.pullers,                         // targets' execution roles -> the pipeline account's repository policy
        adoptId: config.adopt.imageRepository,
        keepReleases: config.images.keep,
        stageTags: names.stages,
        unreleasedImageDays: config.artifactRetentionDays + DEPLOYMENT_GRACE_DAYS,
        retainOnDelete: config.retainOnDelete,
    }, { provider: inPipelineAccount(config.region) });
}

/** Each target in its account and region, with its region's artifact store and the pipeline account's image repository. */
function deployTargets({ config, names, kept, grants, provider }: Wiring, images: ImageRepository, stores: ReturnType<typeof artifactStores>) {
    return config.targets.map((t, i) => targetResources(config, t, names.targets[i], grants, kept, {
        images,
        store: stores.find(s => s.region === t.region)!.store,
        provider: provider({ accountId: t.account.accountId, region: t.region }),
    }));
}

/** Where the pipeline's source comes from: a CodeCommit repository, or a CodeConnections connection. */
function stackSource({ config, names, inPipelineAccount }: Wiring) {
    return config.source.provider === "CodeCommit" ? config.source : connectionSource(config, config.source, names, inPipelineAccount(config.region));
}

/** The pipeline's notifications (a topic, e-mails, a Slack channel), if config asks for them. */
function stackNotifications({ config, names, grants, inPipelineAccount }: Wiring) {
    return config.notifications && new PipelineNotifications("notifications", {
        accountId: config.pipelineAccount.accountId,
        region: config.region,
        topicName: names.notifications.topic,
        keyAlias: names.notifications.keyAlias,
        pipelineRoleArn: grants.pipelineRoleArn,
        emails: config.notifications.emails,
        slack: config.notifications.slack && {
            ...config.notifications.slack,
            configurationName: names.notifications.slack,
            roleName: names.roles.chatbot,
            guardrailName: names.notifications.guardrail,
            provider: inPipelineAccount(config.notifications.slack.region),  // AWS Chatbot's API runs in a few regions only
        },
        retainOnDelete: config.retainOnDelete,
    }, { provider: inPipelineAccount(config.region) });
}

/** What the pipeline is wired to: the stores, the repository, the targets, the source and the notifications built before it. */
interface PipelineParts {
    stores: ReturnType<typeof artifactStores>;
    images: ImageRepository;
    targets: ReturnType<typeof targetResources>[];
    source: ReturnType<typeof stackSource>;
    notifications: ReturnType<typeof stackNotifications>;
}

/** The pipeline in the pipeline account: its build (with what it renders for every target), its stages and its notification rule. */
function stackPipeline(wiring: Wiring, { stores, images, targets, source, notifications }: PipelineParts) {
    const { config, names, kept, grants } = wiring;
    // What the build renders for every target, from the targets' accounts' outputs.
    const rendered = pulumi.all(targets.map(t => t.rendered));
    return new CrossAccountPipeline("pipeline", {
        accountId: config.pipelineAccount.accountId,
        region: config.region,
        pipelineName: names.pipeline,
        buildProjectNames: { build: names.buildProject, release: names.releaseProject, check: names.checkProject },
        roleNames: names.roles,
        source,
        build: {
            ...config.build,
            buildspec: config.build.buildspec ?? yaml.dump(ecsImageBuildspec(), { lineWidth: -1 }),
            logGroupName: kept.buildLogGroup,
            // Targets' accounts outputs -> the pipeline account's build: what each target's files say.
            environment: buildEnvironment(images.repositoryUrl, rendered, SIZE_LIMITS.environmentVariable),
            renderedDigest: rendered.apply(r => createHash("sha256").update(JSON.stringify(r)).digest("hex").slice(0, 16)),
            renderedExceptions: [...new Set(config.targets.flatMap(t => taskExceptions(t.create ?? t.existing!)))],
        },
        images: { repositoryArn: images.repositoryArn, repositoryUrl: images.repositoryUrl },
        artifactStores: stores.map(({ region, store }) => ({ region, bucketName: store.bucketName, bucketArn: store.bucketArn, keyArn: store.keyArn })),
        stages: targetStages(wiring, targets),
        deployRoles: grants.deployRoles,
        approvalTimeoutMinutes: config.approvalTimeoutMinutes,
        notifications: notifications && {
            topicArn: notifications.topicArn,
            keyArn: notifications.keyArn,
            ruleName: names.notifications.rule,
            events: [PIPELINE_EVENTS.failed, PIPELINE_EVENTS.approvalNeeded, ...config.notifications!.succeeded ? [PIPELINE_EVENTS.succeeded] : []],
            dependsOn: [notifications],
        },
        dependsOn: targets.map(t => t.deployRole),
        retainOnDelete: config.retainOnDelete,
        adopt: { sourceRepository: config.adopt.sourceRepository, buildLogGroup: config.adopt.buildLogGroup },
    }, { provider: wiring.inPipelineAccount(config.region) });
}

/** The pipeline's stages in path order: each one's approval (with the previous stage's page to review) and its targets' deploy actions. */
function targetStages({ config, names }: Wiring, targets: ReturnType<typeof targetResources>[]) {
    // The first target of the stage before stage i with a page to review: a created one, or one with a check URL.
    const review = (i: number) => names.stages[i - 1]?.targets.map(t => targets[config.targets.indexOf(t)].review).find(r => r);
    return names.stages.map((stage, i) => ({
        name: stage.name,
        approval: stage.approvalStage ? {
            stageName: stage.approvalStage,
            message: approvalMessage({ pipelineName: names.pipeline, stage: stage.name, previousStage: names.stages[i - 1]?.name,
                targets: stage.targets.map(t => ({ name: t.name, account: t.account.accountId, region: t.region })),
                imageVariable: !config.build.buildspec, linkWarns: review(i)?.warns }),
            // The previous stage's target, to look at before approving (targets' accounts outputs -> the approval).
            reviewUrl: review(i)?.url,
        } : undefined,
        releaseTagPrefix: stage.releaseTagPrefix,
        attemptTagPrefix: stage.attemptTagPrefix,
        deploys: stage.targets.map(t => targets[config.targets.indexOf(t)].action),   // targets' accounts outputs -> deploy actions
    }));
}

/** The stack's outputs: the pipeline, where a developer pushes, the artifact store and repository, and per target where it runs. */
function stackOutputs(config: StackConfig, { pipeline, source, notifications, stores, images, targets }: PipelineParts & { pipeline: CrossAccountPipeline }) {
    return {
        pipelineName: pipeline.pipelineName,
        pipelineConsoleUrl: pipeline.consoleUrl,
        // What a developer pushes to: a CodeCommit clone URL, or the connection and whether its handshake is done.
        ...("connectionStatus" in source
            ? { sourceConnectionArn: source.connectionArn, sourceConnectionStatus: source.connectionStatus }
            : { repositoryCloneUrl: pipeline.repositoryCloneUrlHttp }),
        ...notifications ? { notificationTopicArn: notifications.topicArn } : {},
        artifactBucketName: stores[0].store.bucketName,
        artifactKeyArn: stores[0].store.keyArn,
        imageRepositoryUrl: images.repositoryUrl,
        /** Per target, in path order: where it runs, the role its deploy runs as, a created target's URL and network log bucket. */
        targets: Object.fromEntries(config.targets.map((t, i) => [t.name, {
            account: t.account.accountId,
            region: t.region,
            deployRoleArn: targets[i].deployRole.roleArn,
            // An existing target's URL and network log bucket are not known here (not this program's).
            ...(targets[i].target.url ? { applicationUrl: targets[i].target.url } : {}),
            ...(targets[i].target.networkLogBucketName ? { networkLogBucketName: targets[i].target.networkLogBucketName } : {}),
        }])),
    };
}

/** One target in its account and region: the ECS blue/green target (created or named), its deploy role, and what the pipeline needs of it. */
function targetResources(config: StackConfig, t: TargetConfig, names: TargetNames, grants: PathGrants, kept: Wiring["kept"],
    shared: { images: ImageRepository; store: CrossAccountArtifactStore; provider: aws.Provider }) {
    const codedeployArn = (resource: string) => `arn:${partitionOf(t.region)}:codedeploy:${t.region}:${t.account.accountId}:${resource}`;
    const roles = grants.targets[config.targets.indexOf(t)];
    const created = t.create && { ...t.create, ...names.created! };
    const task = created ?? t.existing!;
    const logGroupName = created ? kept.taskLogGroups[t.name]! : t.existing!.logGroupName;
    const target = created
        ? new EcsBlueGreenTarget(names.logical.target, {
            ...created,
            accountId: t.account.accountId,
            region: t.region,
            roleNames: { task: names.roles.task, execution: names.roles.execution, codeDeploy: names.roles.codeDeploy },
            imageRepositoryArn: shared.images.repositoryArn,    // pipeline account output -> the target's execution role
            logGroupName,
            retainOnDelete: config.retainOnDelete,
            adoptLogGroupId: t.adopt.taskLogGroup,
            rollbackAlarms: t.create.rollbackAlarms && { alarms: names.created!.alarms!, existing: t.create.rollbackAlarms.existing },
        }, { provider: shared.provider })
        : existingTarget(t.existing!, codedeployArn);

    const deployRole = new ProdDeployRole(names.logical.deploy, {
        roleName: names.roles.deploy,
        pipelineRoleArn: grants.pipelineRoleArn,          // pipeline account -> the target's trust policy
        artifactBucketArn: shared.store.bucketArn,        // pipeline account outputs (its region's store) -> the target's grants
        artifactKeyArn: shared.store.keyArn,
        applicationArn: target.applicationArn,
        deploymentGroupArn: target.deploymentGroupArn,
        deploymentConfigArn: codedeployArn(`deploymentconfig:${task.deploymentConfigName}`),
        passRoleArns: [target.taskRoleArn, target.executionRoleArn],
    }, { provider: shared.provider });

    const check = t.check?.url ? { url: t.check.url } : t.check?.path ? target.dnsName!.apply(dns => checkRequest(t.create!, t.check!.path!, dns)) : undefined;
    const review = t.create ? { url: target.dnsName!.apply(dns => reviewLink(t.create!, dns)), warns: reviewLinkWarns(t.create) }
        : t.check?.url ? { url: pulumi.output(t.check.url), warns: false } : undefined;
    const action: DeployAction = {
        name: t.name,
        roleArn: deployRole.roleArn,                      // the target's account output -> the pipeline's deploy action
        region: t.region,
        applicationName: target.applicationName,
        deploymentGroupName: target.deploymentGroupName,
        files: names.files,
        check,
    };
    const network = target.taskNetwork;
    const rendered: pulumi.Output<RenderedTarget> = pulumi.all([network?.subnets ?? [], network?.securityGroups ?? []])
        .apply(([subnets, securityGroups]) => ({
            files: names.files, taskFamily: task.taskFamily, taskRoleArn: roles.taskRoleArn, executionRoleArn: roles.executionRoleArn,
            containerName: task.containerName, containerPort: task.containerPort, cpu: String(task.cpu), memory: String(task.memory),
            readonlyRootFilesystem: task.readonlyRootFilesystem, containerUser: task.containerUser, logGroupName, region: t.region,
            network: network && { subnets, securityGroups, assignPublicIp: network.assignPublicIp },
        }));
    return { target, deployRole, action, rendered, review };
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
        networkLogBucketName: undefined,
        taskNetwork: undefined,
        url: undefined,
        dnsName: undefined,
    };
}
