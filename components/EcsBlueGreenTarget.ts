import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { alarmArn, isPercentile, metricAlarmsOnly, RollbackAlarm, SCOPE_NAMESPACES } from "./alarms";
import { guardedBucket } from "./bucket";
import { PLACEHOLDER_IMAGE, placeholderCommand, TaskNetwork, taskDefinitionDocument } from "./buildspec";
import { codeDeployRolePolicy, executionRolePolicy } from "./policies/ecsTarget";
import { partitionOf, serviceTrustPolicy } from "./policies/document";
import { ACCESS_LOG_PREFIX, FLOW_LOG_PREFIX, networkLogBucketPolicy } from "./policies/networkLogs";
import { roleWithPolicy } from "./role";
import { exceptionTags, isInternet, isRootUser, publicPortFailures } from "./securityHub";

export interface EcsBlueGreenTargetArgs {
    /** The target account; AWS services assume this component's roles for it only. */
    accountId: string;
    region: string;
    /** Physical name of the ECS cluster and service, the CodeDeploy application and its deployment group. */
    serviceName: string;
    /**
     * Physical names of the task role, the task execution role and CodeDeploy's role. Known before
     * the roles exist: the pipeline account's image repository policy names the execution role.
     */
    roleNames: { task: string; execution: string; codeDeploy: string };
    network: {
        /** private: tasks in private subnets, out through one NAT gateway; public: tasks get public IPs, no NAT. */
        subnets: "private" | "public";
        /** CIDR of the VPC this component creates; unused with `existing`. */
        cidrBlock: string;
        /** Availability zones of a created VPC; the load balancer needs two. */
        availabilityZones: number;
        /** Use this VPC instead of creating one: the load balancer goes in the public subnets, tasks per `subnets`. */
        existing?: { vpcId: string; publicSubnetIds: string[]; privateSubnetIds: string[] };
    };
    /** Task definition family. The build renders new revisions of it; CodeDeploy registers them. */
    taskFamily: string;
    /** The container that takes traffic; CodeDeploy routes to it by this name and port. */
    containerName: string;
    containerPort: number;
    /** Fargate CPU units and memory (MiB) of a task. */
    cpu: number;
    memory: number;
    /** The container's root file system is read-only (Security Hub ECS.5); false is a declared exception. */
    readonlyRootFilesystem: boolean;
    /** The user the container runs as; root is a declared exception to Security Hub ECS.20. */
    containerUser: string;
    /**
     * The image of the first task definition, which runs only until the first deployment replaces it.
     * `PLACEHOLDER_IMAGE` runs a server that passes the health check; another image must answer
     * `healthCheckPath` on `containerPort` itself, or ECS replaces its tasks in a loop.
     */
    initialImage: string;
    desiredCount: number;
    /** Path the target groups probe; the container must answer it with 2xx or 3xx. */
    healthCheckPath: string;
    /** An ACM certificate in the target account and region: the listeners speak HTTPS. Absent: HTTP. */
    certificateArn?: string;
    /** Listener port for users. */
    productionPort: number;
    /** Listener port where CodeDeploy exposes the new version before it takes production traffic. */
    testPort: number;
    /** Who may reach the production port. */
    ingressCidrs: string[];
    /** Who may reach the test port; empty: nobody from outside. */
    testCidrs: string[];
    /**
     * Deletion protection on the load balancer (Security Hub ELB.6) and Pulumi's `protect` on it, so
     * `pulumi destroy` stops before it deletes anything. false (a staging target) is a declared exception.
     */
    deletionProtection: boolean;
    /** Days the network log bucket keeps access logs and flow logs. */
    networkLogRetentionDays: number;
    /** Minutes the old tasks keep running once traffic has moved: the window for an instant rollback. */
    terminationWaitMinutes: number;
    /** A predefined or custom CodeDeploy ECS deployment config. */
    deploymentConfigName: string;
    /** The container's awslogs log group; the build's task definitions name it too. */
    logGroupName: string;
    logRetentionDays: number;
    /**
     * Keep the container log group and the network log bucket (the record of what ran and who came)
     * when they leave the stack, the bucket with its guards.
     */
    retainOnDelete: boolean;
    /** Adopt the log group kept by an earlier destroy instead of creating it: its import id, the name. */
    adoptLogGroupId?: string;
    /** The repository (in the pipeline account) the execution role may pull from. */
    imageRepositoryArn: pulumi.Input<string>;
    /**
     * CloudWatch alarms that stop a deployment and roll it back: those to create, each named, and
     * alarms made elsewhere in the target's account and region, by name (at most 10 in all,
     * CodeDeploy's limit). Absent: a deployment rolls back only when it fails.
     */
    rollbackAlarms?: { alarms: RollbackAlarm[]; existing: string[] };
}

/**
 * Properties of an ECS service with the `CODE_DEPLOY` controller that only a CodeDeploy deployment
 * may change: UpdateService accepts only the desired count, deployment configuration, health check
 * grace period, placement, managed tags and tag propagation for such a service.
 */
export const CODE_DEPLOY_OWNED = ["taskDefinition", "loadBalancers", "networkConfiguration", "platformVersion"];

/** The production listener's port when the stack names none: HTTPS's with a certificate, else HTTP's. */
export const defaultListenerPort = (https: boolean) => https ? 443 : 80;

/**
 * Target (PROD) account: an ECS Fargate service behind an Application Load Balancer, deployed
 * blue/green by CodeDeploy. Two target groups take turns behind the production and test
 * listeners; CodeDeploy, not Pulumi, decides which one serves, so Pulumi ignores what it moves.
 * The load balancer's access logs and a created VPC's flow logs go to a network log bucket here.
 * Resources that fail a Security Hub FSBP control by the stack's choice say so in their
 * `security-hub-exceptions` tag (see securityHub.ts).
 * Needs `opts.provider`: it is passed on explicitly to the remote awsx VPC, which does not inherit it.
 */
export class EcsBlueGreenTarget extends pulumi.ComponentResource {
    public readonly applicationName: pulumi.Output<string>;
    public readonly applicationArn: pulumi.Output<string>;
    public readonly deploymentGroupName: pulumi.Output<string>;
    public readonly deploymentGroupArn: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;
    public readonly serviceArn: pulumi.Output<string>;
    public readonly taskRoleArn: pulumi.Output<string>;
    public readonly executionRoleArn: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    /** Where the load balancer's access logs (and a created VPC's flow logs) are kept. */
    public readonly networkLogBucketName: pulumi.Output<string>;
    /** Where the tasks run: every deployment's appspec.yaml must say it (see `ignoreChanges` below). */
    public readonly taskNetwork: TaskNetwork;
    /** Where users reach the service (the production listener). */
    public readonly url: pulumi.Output<string>;
    /** The load balancer's own DNS name (what a check connects to). */
    public readonly dnsName: pulumi.Output<string>;

    constructor(name: string, args: EcsBlueGreenTargetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cross-account-pipeline:target:EcsBlueGreenTarget", name, {}, opts);
        const provider = opts?.provider;
        if (!provider) {
            throw new Error("EcsBlueGreenTarget needs the provider of the target account (opts.provider)");
        }
        const parent = { parent: this };
        const publicTasks = args.network.subnets === "public";
        const logs = networkLogBucket(name, args, this);
        const { vpcId, albSubnetIds, taskSubnetIds } = network(name, args.network, logs, this, provider);
        const https = !!args.certificateArn;
        // With a certificate, plain HTTP on port 80 only redirects to HTTPS (Security Hub ELB.1), unless a listener takes 80.
        const redirectPort = https && ![args.productionPort, args.testPort].includes(80) ? 80 : undefined;
        const { albGroup, taskGroup } = securityGroups(name, args, vpcId, redirectPort, this);

        const alb = new aws.lb.LoadBalancer(`${name}-alb`, {
            loadBalancerType: "application",
            internal: false,
            securityGroups: [albGroup.id],
            subnets: albSubnetIds,
            dropInvalidHeaderFields: true,
            // AWS's default, set so that it stays (Security Hub ELB.12).
            desyncMitigationMode: "defensive",
            accessLogs: { bucket: logs.bucket.bucket, prefix: ACCESS_LOG_PREFIX, enabled: true },
            enableDeletionProtection: args.deletionProtection,
            tags: exceptionTags([...https ? [] : ["ELB.1"], ...args.deletionProtection ? [] : ["ELB.6"]]),
        }, {
            parent: this,
            // ELB writes a test file when access logs are turned on: the bucket must admit it first.
            dependsOn: [logs.policy],
            // AWS refuses to delete a protected load balancer, but only after `pulumi destroy` has deleted
            // everything that depends on it; Pulumi's protect stops the destroy before it deletes anything.
            protect: args.deletionProtection,
        });
        const targetGroup = (color: string) => new aws.lb.TargetGroup(`${name}-${color}`, {
            vpcId,
            targetType: "ip",  // Fargate tasks register by IP
            protocol: "HTTP",
            port: args.containerPort,
            deregistrationDelay: 30,
            healthCheck: { path: args.healthCheckPath, matcher: "200-399", interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
        }, parent);
        const blue = targetGroup("blue");
        const green = targetGroup("green");
        // CodeDeploy rewrites a listener's default action at every deployment; Pulumi must not put it back.
        const listener = (role: string, port: number, target: aws.lb.TargetGroup) => new aws.lb.Listener(`${name}-${role}`, {
            loadBalancerArn: alb.arn,
            port,
            protocol: https ? "HTTPS" : "HTTP",
            certificateArn: args.certificateArn,
            sslPolicy: https ? "ELBSecurityPolicy-TLS13-1-2-2021-06" : undefined,
            defaultActions: [{ type: "forward", targetGroupArn: target.arn }],
        }, { parent: this, ignoreChanges: ["defaultActions"] });
        const production = listener("production", args.productionPort, blue);
        const test = listener("test", args.testPort, green);
        if (redirectPort) {
            new aws.lb.Listener(`${name}-http-redirect`, {
                loadBalancerArn: alb.arn,
                port: redirectPort,
                protocol: "HTTP",
                defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: String(args.productionPort), statusCode: "HTTP_301" } }],
            }, parent);
        }

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            name: args.logGroupName,
            retentionInDays: args.logRetentionDays,
        }, { parent: this, retainOnDelete: args.retainOnDelete, import: args.adoptLogGroupId });
        const tasksTrust = serviceTrustPolicy("ecs-tasks.amazonaws.com", args.accountId);
        // The application's own permissions belong here; it starts with none.
        const taskRole = new aws.iam.Role(`${name}-task`, {
            name: args.roleNames.task,
            assumeRolePolicy: JSON.stringify(tasksTrust),
        }, parent);
        const execution = roleWithPolicy(`${name}-execution`, args.roleNames.execution, tasksTrust,
            pulumi.all([args.imageRepositoryArn, logGroup.arn]).apply(([repository, logs]) => executionRolePolicy(repository, logs)),
            this);

        const first = taskDefinitionDocument({
            family: args.taskFamily, taskRoleArn: taskRole.arn, executionRoleArn: execution.role.arn,
            cpu: String(args.cpu), memory: String(args.memory), containerName: args.containerName, image: args.initialImage,
            ...args.initialImage === PLACEHOLDER_IMAGE && {
                command: placeholderCommand(), environment: { PORT: String(args.containerPort) },
            },
            containerPort: args.containerPort, readonlyRootFilesystem: args.readonlyRootFilesystem, user: args.containerUser,
            logGroupName: args.logGroupName, region: args.region,
        });
        const taskDefinition = new aws.ecs.TaskDefinition(`${name}-task`, {
            ...first,
            containerDefinitions: JSON.stringify(first.containerDefinitions),
            tags: exceptionTags(taskExceptions(args)),
        }, { parent: this, dependsOn: [logGroup] });

        const taskNetwork: TaskNetwork = { subnets: taskSubnetIds, securityGroups: [taskGroup.id], assignPublicIp: publicTasks };
        const cluster = new aws.ecs.Cluster(`${name}-cluster`, {
            name: args.serviceName,
            // CPU, memory, network and restart metrics per task and service (Security Hub ECS.12).
            settings: [{ name: "containerInsights", value: "enabled" }],
        }, parent);
        const service = new aws.ecs.Service(`${name}-service`, {
            name: args.serviceName,
            cluster: cluster.arn,
            launchType: "FARGATE",
            desiredCount: args.desiredCount,
            deploymentController: { type: "CODE_DEPLOY" },
            taskDefinition: taskDefinition.arn,
            loadBalancers: [{ targetGroupArn: blue.arn, containerName: args.containerName, containerPort: args.containerPort }],
            networkConfiguration: taskNetwork,
            healthCheckGracePeriodSeconds: 60,
            propagateTags: "SERVICE",
            // Public tasks take public IPs, and so do the task sets CodeDeploy creates (appspec.yaml).
            tags: exceptionTags(publicTasks ? ["ECS.2", "ECS.16"] : []),
        }, {
            parent: this,
            // A target group must be behind a listener before a service can use it.
            dependsOn: [production, test],
            // The CODE_DEPLOY controller refuses UpdateService for these ("Unable to update network
            // parameters on services with a CODE_DEPLOY deployment controller"); each deployment sets
            // them (appspec.yaml), and after one the service runs CodeDeploy's revision on the other
            // target group. Pulumi setting them would fail the `up` or undo the deployment.
            ignoreChanges: CODE_DEPLOY_OWNED,
        });

        const alarms = (args.rollbackAlarms?.alarms ?? []).map(a => rollbackAlarm(name, args, a, { alb, blue, green, cluster, service }, this));
        const partition = partitionOf(args.region);
        const existingAlarms = metricAlarmsOnly(args.rollbackAlarms?.existing ?? [], this);
        const alarmNames = [...args.rollbackAlarms?.alarms.map(a => a.alarmName) ?? [], ...args.rollbackAlarms?.existing ?? []];
        const codeDeploy = roleWithPolicy(`${name}-codedeploy`, args.roleNames.codeDeploy,
            serviceTrustPolicy("codedeploy.amazonaws.com", args.accountId),
            pulumi.all([service.arn, production.arn, test.arn, taskRole.arn, execution.role.arn, pulumi.all(alarms.map(a => a.arn))])
                .apply(([serviceArn, productionArn, testArn, taskRoleArn, executionRoleArn, createdAlarmArns]) => codeDeployRolePolicy({
                    serviceArn, listenerArns: [productionArn, testArn], passRoleArns: [taskRoleArn, executionRoleArn],
                    alarmArns: [...createdAlarmArns, ...(args.rollbackAlarms?.existing ?? []).map(n => alarmArn(partition, args.region, args.accountId, n))],
                })),
            this);
        const application = new aws.codedeploy.Application(`${name}-application`, {
            name: args.serviceName,
            computePlatform: "ECS",
        }, parent);
        const group = new aws.codedeploy.DeploymentGroup(`${name}-group`, {
            appName: application.name,
            deploymentGroupName: args.serviceName,
            deploymentConfigName: args.deploymentConfigName,
            serviceRoleArn: codeDeploy.role.arn,
            deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
            blueGreenDeploymentConfig: {
                deploymentReadyOption: { actionOnTimeout: "CONTINUE_DEPLOYMENT" },
                terminateBlueInstancesOnDeploymentSuccess: { action: "TERMINATE", terminationWaitTimeInMinutes: args.terminationWaitMinutes },
            },
            // When a rollback alarm fires during a deployment, CodeDeploy stops it and moves traffic back (the alarms are polled
            // as the CodeDeploy role); set off explicitly without alarms, so removing them from config disarms them.
            alarmConfiguration: alarmNames.length ? {
                enabled: true, ignorePollAlarmFailure: false,
                // Registered once every existing alarm is known to be a metric alarm.
                alarms: existingAlarms.apply(() => alarmNames),
            } : { enabled: false },
            autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", ...alarmNames.length ? ["DEPLOYMENT_STOP_ON_ALARM"] : []] },
            ecsService: { clusterName: cluster.name, serviceName: service.name },
            loadBalancerInfo: {
                targetGroupPairInfo: {
                    prodTrafficRoute: { listenerArns: [production.arn] },
                    testTrafficRoute: { listenerArns: [test.arn] },
                    targetGroups: [{ name: blue.name }, { name: green.name }],
                },
            },
        }, { parent: this, dependsOn: [codeDeploy.rolePolicy, ...alarms] });

        const defaultPort = defaultListenerPort(https);
        this.applicationName = application.name;
        this.applicationArn = application.arn;
        this.deploymentGroupName = group.deploymentGroupName;
        this.deploymentGroupArn = group.arn;
        this.clusterName = cluster.name;
        this.serviceArn = service.arn;
        this.taskRoleArn = taskRole.arn;
        this.executionRoleArn = execution.role.arn;
        this.logGroupName = logGroup.name;
        this.networkLogBucketName = logs.bucket.bucket;
        this.taskNetwork = taskNetwork;
        this.url = pulumi.interpolate`${https ? "https" : "http"}://${alb.dnsName}${args.productionPort === defaultPort ? "" : `:${args.productionPort}`}/`;
        this.dnsName = alb.dnsName;
        this.registerOutputs({
            applicationName: this.applicationName, applicationArn: this.applicationArn,
            deploymentGroupName: this.deploymentGroupName, deploymentGroupArn: this.deploymentGroupArn,
            clusterName: this.clusterName, serviceArn: this.serviceArn, taskRoleArn: this.taskRoleArn,
            executionRoleArn: this.executionRoleArn, logGroupName: this.logGroupName,
            networkLogBucketName: this.networkLogBucketName, taskNetwork: this.taskNetwork, url: this.url, dnsName: this.dnsName,
        });
    }
}

/** The FSBP controls a task definition of this target fails by the stack's choice (the build's renderings too). */
export function taskExceptions(t: { readonlyRootFilesystem: boolean; containerUser: string }): string[] {
    return [...t.readonlyRootFilesystem ? [] : ["ECS.5"], ...isRootUser(t.containerUser) ? ["ECS.20"] : []];
}

/**
 * The bucket for the load balancer's access logs (Security Hub ELB.5) and a created VPC's flow logs
 * (EC2.6), in the target account: SSE-S3, the one encryption ELB log delivery supports; written only
 * by the log deliveries, read only by the account's administrators; kept, with its guards, on destroy.
 */
function networkLogBucket(name: string, args: EcsBlueGreenTargetArgs, parent: pulumi.Resource) {
    return guardedBucket(`${name}-network-logs`, {
        encryption: "SSE-S3",
        expiryRuleId: "expire-old-logs",
        expiryDays: args.networkLogRetentionDays,
        policy: bucketArn => bucketArn.apply(arn => JSON.stringify(networkLogBucketPolicy({
            bucketArn: arn, accountId: args.accountId, partition: partitionOf(args.region), region: args.region,
            flowLogs: !args.network.existing,
        }))),
        retainOnDelete: args.retainOnDelete,
    }, parent);
}

/**
 * Security groups: the internet (or ingressCidrs) reaches the load balancer only; the load
 * balancer reaches the tasks only on the container port. A group that opens a port other than
 * 80 or 443, or a high-risk one, to the whole internet declares it (Security Hub EC2.18, EC2.19).
 */
function securityGroups(name: string, args: EcsBlueGreenTargetArgs, vpcId: pulumi.Input<string>, redirectPort: number | undefined,
    parent: pulumi.Resource) {
    const opts = { parent };
    const open = (port: number, cidrs: string[]) => cidrs.some(isInternet) ? [port] : [];
    const publicPorts = [...open(args.productionPort, args.ingressCidrs), ...redirectPort ? open(redirectPort, args.ingressCidrs) : [],
        ...open(args.testPort, args.testCidrs)];
    const albGroup = new aws.ec2.SecurityGroup(`${name}-alb`, {
        vpcId, description: `Load balancer of ${args.serviceName}`, tags: exceptionTags(publicPortFailures(publicPorts)),
    }, opts);
    const taskGroup = new aws.ec2.SecurityGroup(`${name}-tasks`, { vpcId, description: `Tasks of ${args.serviceName}` }, opts);
    const tcp = (port: number) => ({ ipProtocol: "tcp", fromPort: port, toPort: port });
    const ingress = (rule: string, port: number, cidrs: string[], description: string) => cidrs.forEach((cidrIpv4, i) =>
        new aws.vpc.SecurityGroupIngressRule(`${name}-alb-${rule}-${i}`, { securityGroupId: albGroup.id, cidrIpv4, ...tcp(port), description }, opts));
    ingress("production", args.productionPort, args.ingressCidrs, "Production listener");
    if (redirectPort) {
        ingress("http-redirect", redirectPort, args.ingressCidrs, "Redirect to HTTPS");
    }
    ingress("test", args.testPort, args.testCidrs, "Test listener");
    new aws.vpc.SecurityGroupEgressRule(`${name}-alb-to-tasks`, {
        securityGroupId: albGroup.id, referencedSecurityGroupId: taskGroup.id, ...tcp(args.containerPort),
        description: "Requests and health checks to the tasks",
    }, opts);
    new aws.vpc.SecurityGroupIngressRule(`${name}-tasks-from-alb`, {
        securityGroupId: taskGroup.id, referencedSecurityGroupId: albGroup.id, ...tcp(args.containerPort),
        description: "From the load balancer only",
    }, opts);
    new aws.vpc.SecurityGroupEgressRule(`${name}-tasks-https`, {
        securityGroupId: taskGroup.id, cidrIpv4: "0.0.0.0/0", ...tcp(443),
        description: "Image pulls and logs (ECR, S3, CloudWatch Logs endpoints)",
    }, opts);
    return { albGroup, taskGroup };
}

/** awsx's public subnets map public IPs on launch: a declared exception to Security Hub EC2.15 (see SECURITY.md). */
const PUBLIC_SUBNET_TAGS = exceptionTags(["EC2.15"]);

/**
 * The VPC and subnets: an existing VPC's (its owner's to guard), or a new awsx VPC's with flow logs
 * to the network log bucket (Security Hub EC2.6) and its default security group closed (EC2.2).
 * awsx components are remote and do not inherit their parent's provider, so it is passed
 * explicitly: without it the VPC would be created with the default provider, in whatever account
 * the ambient credentials point at.
 */
function network(name: string, n: EcsBlueGreenTargetArgs["network"], logs: ReturnType<typeof networkLogBucket>,
    parent: pulumi.Resource, provider: pulumi.ProviderResource) {
    const isPrivate = n.subnets === "private";
    if (n.existing) {
        const e = n.existing;
        return { vpcId: pulumi.output(e.vpcId), albSubnetIds: pulumi.output(e.publicSubnetIds),
            taskSubnetIds: pulumi.output(isPrivate ? e.privateSubnetIds : e.publicSubnetIds) };
    }
    const vpc = new awsx.ec2.Vpc(`${name}-vpc`, {
        cidrBlock: n.cidrBlock,
        numberOfAvailabilityZones: n.availabilityZones,
        subnetStrategy: "Auto",
        // awsx maps public IPs on launch in public subnets, and takes no setting for it (Security Hub EC2.15).
        subnetSpecs: isPrivate ? [{ type: "Public", tags: PUBLIC_SUBNET_TAGS }, { type: "Private" }] : [{ type: "Public", tags: PUBLIC_SUBNET_TAGS }],
        // One NAT gateway shared by all zones, not one per zone: a third of the cost. If its zone
        // fails, tasks elsewhere lose outbound traffic (image pulls, logs) until it is back.
        natGateways: { strategy: isPrivate ? "Single" : "None" },
    }, { parent, provider });
    new aws.ec2.FlowLog(`${name}-flow-logs`, {
        vpcId: vpc.vpcId,
        trafficType: "ALL",
        logDestinationType: "s3",
        logDestination: pulumi.interpolate`${logs.bucket.arn}/${FLOW_LOG_PREFIX}/`,
        maxAggregationInterval: 600,
    }, { parent, dependsOn: [logs.policy] });
    // Adopts the VPC's default security group and removes its rules: nothing that lands in it by default reaches anything.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-security-group`, { vpcId: vpc.vpcId }, { parent });
    return { vpcId: vpc.vpcId, albSubnetIds: vpc.publicSubnetIds, taskSubnetIds: isPrivate ? vpc.privateSubnetIds : vpc.publicSubnetIds };
}

/**
 * One rollback alarm, in the target's account and region, its dimensions from the registered
 * resources: the load balancer's and target groups' `arnSuffix` (`app/<name>/<id>`,
 * `targetgroup/<name>/<id>`, what CloudWatch's LoadBalancer and TargetGroup dimensions take) or the
 * cluster's and service's names. No data (no traffic, an idle target group) is not an alarm.
 */
function rollbackAlarm(name: string, args: EcsBlueGreenTargetArgs, a: RollbackAlarm,
    on: { alb: aws.lb.LoadBalancer; blue: aws.lb.TargetGroup; green: aws.lb.TargetGroup; cluster: aws.ecs.Cluster; service: aws.ecs.Service },
    parent: pulumi.Resource): aws.cloudwatch.MetricAlarm {
    const dimensions: Record<typeof a.scope, () => Record<string, pulumi.Input<string>>> = {
        loadBalancer: () => ({ LoadBalancer: on.alb.arnSuffix }),
        targetGroups: () => ({ TargetGroup: on[a.targetGroup!].arnSuffix, LoadBalancer: on.alb.arnSuffix }),
        service: () => ({ ClusterName: on.cluster.name, ServiceName: on.service.name }),
    };
    return new aws.cloudwatch.MetricAlarm(`${name}-alarm-${a.suffix}`, {
        name: a.alarmName,
        alarmDescription: `Stops a deployment of ${args.serviceName} and rolls it back: ${a.means}` +
            `${a.targetGroup ? ` (${a.targetGroup} target group)` : ""}`,
        namespace: SCOPE_NAMESPACES[a.scope],
        metricName: a.metric,
        dimensions: dimensions[a.scope](),
        ...isPercentile(a.statistic) ? { extendedStatistic: a.statistic } : { statistic: a.statistic },
        comparisonOperator: a.comparison,
        threshold: a.threshold,
        period: a.periodSeconds,
        evaluationPeriods: a.evaluationPeriods,
        datapointsToAlarm: a.datapointsToAlarm ?? a.evaluationPeriods,
        treatMissingData: "notBreaching",
    }, { parent });
}
