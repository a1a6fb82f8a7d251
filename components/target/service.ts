import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PLACEHOLDER_IMAGE, placeholderCommand, TaskNetwork, taskDefinitionDocument } from "../buildspec";
import { ChildOptions } from "../options";
import { executionRolePolicy } from "../policies/ecsTarget";
import { serviceTrustPolicy } from "../policies/document";
import { roleWithPolicy } from "../role";
import { exceptionTags, isRootUser } from "../securityHub";
import { EcsBlueGreenTargetArgs } from "./args";
import { Listeners } from "./loadBalancer";

/**
 * Properties of an ECS service with the `CODE_DEPLOY` controller that only a CodeDeploy deployment
 * may change: UpdateService accepts only the desired count, deployment configuration, health check
 * grace period, placement, managed tags and tag propagation for such a service.
 */
const CODE_DEPLOY_OWNED = ["taskDefinition", "loadBalancers", "networkConfiguration", "platformVersion"];

/** The FSBP controls a task definition of this target fails by the stack's choice (the build's renderings too). */
export function taskExceptions(t: { readonlyRootFilesystem: boolean; containerUser: string }): string[] {
    return [...t.readonlyRootFilesystem ? [] : ["ECS.5"], ...isRootUser(t.containerUser) ? ["ECS.20"] : []];
}

/**
 * The first task definition (the build renders the next revisions, CodeDeploy registers them), its
 * container's log group, the task role (the application's own permissions belong there; it starts
 * with none) and the execution role (image pulls, logs).
 */
export function taskDefinition(name: string, args: Pick<EcsBlueGreenTargetArgs, "accountId" | "region" | "roleNames" | "imageRepositoryArn" |
    "logGroupName" | "logRetentionDays" | "retainOnDelete" | "adoptLogGroupId" | "taskFamily" | "cpu" | "memory" | "containerName" |
    "containerPort" | "initialImage" | "readonlyRootFilesystem" | "containerUser">, opts: ChildOptions) {
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
        name: args.logGroupName,
        retentionInDays: args.logRetentionDays,
    }, { ...opts, retainOnDelete: args.retainOnDelete, import: args.adoptLogGroupId });
    const tasksTrust = serviceTrustPolicy("ecs-tasks.amazonaws.com", args.accountId);
    const taskRole = new aws.iam.Role(`${name}-task`, {
        name: args.roleNames.task,
        assumeRolePolicy: JSON.stringify(tasksTrust),
    }, opts);
    const execution = roleWithPolicy(`${name}-execution`, args.roleNames.execution, tasksTrust,
        pulumi.all([args.imageRepositoryArn, logGroup.arn]).apply(([repository, logs]) => executionRolePolicy(repository, logs)),
        opts);

    const first = taskDefinitionDocument({
        family: args.taskFamily, taskRoleArn: taskRole.arn, executionRoleArn: execution.role.arn,
        cpu: String(args.cpu), memory: String(args.memory), containerName: args.containerName, image: args.initialImage,
        ...args.initialImage === PLACEHOLDER_IMAGE && {
            command: placeholderCommand(), environment: { PORT: String(args.containerPort) },
        },
        containerPort: args.containerPort, readonlyRootFilesystem: args.readonlyRootFilesystem, user: args.containerUser,
        logGroupName: args.logGroupName, region: args.region,
    });
    const definition = new aws.ecs.TaskDefinition(`${name}-task`, {
        ...first,
        containerDefinitions: JSON.stringify(first.containerDefinitions),
        tags: exceptionTags(taskExceptions(args)),
    }, { ...opts, dependsOn: [logGroup] });
    return { logGroup, taskRole, executionRole: execution.role, executionPolicy: execution.rolePolicy, definition };
}

export type Tasks = ReturnType<typeof taskDefinition>;

/**
 * The cluster and the Fargate service with the CODE_DEPLOY controller, on the blue target group at
 * first, in `taskNetwork`: where the tasks run, which every deployment's appspec.yaml must say.
 */
export function ecsService(name: string,
    args: Pick<EcsBlueGreenTargetArgs, "serviceName" | "desiredCount" | "containerName" | "containerPort">,
    on: { tasks: Tasks; taskNetwork: TaskNetwork; blue: aws.lb.TargetGroup; listeners: Listeners }, opts: ChildOptions) {
    const cluster = new aws.ecs.Cluster(`${name}-cluster`, {
        name: args.serviceName,
        // CPU, memory, network and restart metrics per task and service (Security Hub ECS.12).
        settings: [{ name: "containerInsights", value: "enabled" }],
    }, opts);
    const service = new aws.ecs.Service(`${name}-service`, {
        name: args.serviceName,
        cluster: cluster.arn,
        launchType: "FARGATE",
        desiredCount: args.desiredCount,
        deploymentController: { type: "CODE_DEPLOY" },
        taskDefinition: on.tasks.definition.arn,
        loadBalancers: [{ targetGroupArn: on.blue.arn, containerName: args.containerName, containerPort: args.containerPort }],
        networkConfiguration: on.taskNetwork,
        healthCheckGracePeriodSeconds: 60,
        propagateTags: "SERVICE",
        // Public tasks take public IPs, and so do the task sets CodeDeploy creates (appspec.yaml).
        tags: exceptionTags(on.taskNetwork.assignPublicIp ? ["ECS.2", "ECS.16"] : []),
    }, {
        ...opts,
        // A target group must be behind a listener before a service can use it; its first tasks write
        // their logs (and pull a released image) with the execution role's permissions.
        dependsOn: [on.listeners.production, on.listeners.test, on.tasks.executionPolicy],
        // The CODE_DEPLOY controller refuses UpdateService for these ("Unable to update network
        // parameters on services with a CODE_DEPLOY deployment controller"); each deployment sets
        // them (appspec.yaml), and after one the service runs CodeDeploy's revision on the other
        // target group. Pulumi setting them would fail the `up` or undo the deployment.
        ignoreChanges: CODE_DEPLOY_OWNED,
    });
    return { cluster, service };
}
