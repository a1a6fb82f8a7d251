import * as pulumi from "@pulumi/pulumi";
import { TaskNetwork } from "./buildspec";
import { requireProvider } from "./options";
import { EcsBlueGreenTargetArgs } from "./target/args";
import { deploymentGroup } from "./target/deployment";
import { httpRedirectPort, listeners, loadBalancer, productionUrl } from "./target/loadBalancer";
import { network, networkLogBucket, securityGroups } from "./target/network";
import { ecsService, taskDefinition } from "./target/service";

export type { EcsBlueGreenTargetArgs } from "./target/args";
export { taskExceptions } from "./target/service";

/**
 * Target (PROD) account: an ECS Fargate service behind an Application Load Balancer, deployed
 * blue/green by CodeDeploy. Two target groups take turns behind the production and test
 * listeners; CodeDeploy, not Pulumi, decides which one serves, so Pulumi ignores what it moves.
 * The load balancer's access logs and a created VPC's flow logs go to a network log bucket here.
 * Resources that fail a Security Hub FSBP control by the stack's choice say so in their
 * `security-hub-exceptions` tag (see securityHub.ts).
 * Needs `opts.provider`: it is passed on explicitly to every child (the remote awsx VPC would not inherit it).
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
    /** Where the tasks run: every deployment's appspec.yaml must say it (the service ignores it: see `CODE_DEPLOY_OWNED` in target/service.ts). */
    public readonly taskNetwork: TaskNetwork;
    /** Where users reach the service (the production listener). */
    public readonly url: pulumi.Output<string>;
    /** The load balancer's own DNS name (what a check connects to). */
    public readonly dnsName: pulumi.Output<string>;

    constructor(name: string, args: EcsBlueGreenTargetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cross-account-pipeline:target:EcsBlueGreenTarget", name, {}, opts);
        const children = { parent: this, provider: requireProvider("EcsBlueGreenTarget", opts, "the target account") };
        const logs = networkLogBucket(name, args, children);
        const { vpcId, albSubnetIds, taskSubnetIds } = network(name, args.network, logs, children);
        const redirectPort = httpRedirectPort(args);
        const { albGroup, taskGroup } = securityGroups(name, args, vpcId, redirectPort, children);
        const lb = loadBalancer(args, { vpcId, subnetIds: albSubnetIds, securityGroup: albGroup, logs }, children);
        const listening = listeners(name, args, lb, redirectPort, children);
        const tasks = taskDefinition(name, args, children);
        const taskNetwork: TaskNetwork = { subnets: taskSubnetIds, securityGroups: [taskGroup.id], assignPublicIp: args.network.subnets === "public" };
        const { cluster, service } = ecsService(name, args, { tasks, taskNetwork, blue: lb.blue, listeners: listening }, children);
        const { application, group } = deploymentGroup(name, args, { ...lb, listeners: listening, tasks, cluster, service }, children);

        this.applicationName = application.name;
        this.applicationArn = application.arn;
        this.deploymentGroupName = group.deploymentGroupName;
        this.deploymentGroupArn = group.arn;
        this.clusterName = cluster.name;
        this.serviceArn = service.arn;
        this.taskRoleArn = tasks.taskRole.arn;
        this.executionRoleArn = tasks.executionRole.arn;
        this.logGroupName = tasks.logGroup.name;
        this.networkLogBucketName = logs.bucket.bucket;
        this.taskNetwork = taskNetwork;
        this.url = productionUrl(args, lb.alb);
        this.dnsName = lb.alb.dnsName;
        this.registerOutputs({
            applicationName: this.applicationName, applicationArn: this.applicationArn,
            deploymentGroupName: this.deploymentGroupName, deploymentGroupArn: this.deploymentGroupArn,
            clusterName: this.clusterName, serviceArn: this.serviceArn, taskRoleArn: this.taskRoleArn,
            executionRoleArn: this.executionRoleArn, logGroupName: this.logGroupName,
            networkLogBucketName: this.networkLogBucketName, taskNetwork: this.taskNetwork, url: this.url, dnsName: this.dnsName,
        });
    }
}
