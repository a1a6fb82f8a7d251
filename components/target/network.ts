import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { guardedBucket } from "../bucket";
import { ChildOptions } from "../options";
import { partitionOf } from "../policies/document";
import { FLOW_LOG_PREFIX, networkLogBucketPolicy } from "../policies/networkLogs";
import { exceptionTags, isInternet, publicPortFailures } from "../securityHub";
import { EcsBlueGreenTargetArgs } from "./args";

/**
 * The bucket for the load balancer's access logs (Security Hub ELB.5) and a created VPC's flow logs
 * (EC2.6), in the target account: SSE-S3, the one encryption ELB log delivery supports; written only
 * by the log deliveries, read only by the account's administrators; kept, with its guards, on destroy.
 */
export function networkLogBucket(name: string,
    args: Pick<EcsBlueGreenTargetArgs, "accountId" | "region" | "network" | "networkLogRetentionDays" | "retainOnDelete">, opts: ChildOptions) {
    return guardedBucket(`${name}-network-logs`, {
        encryption: "SSE-S3",
        expiryRuleId: "expire-old-logs",
        expiryDays: args.networkLogRetentionDays,
        policy: bucketArn => bucketArn.apply(arn => JSON.stringify(networkLogBucketPolicy({
            bucketArn: arn, accountId: args.accountId, partition: partitionOf(args.region), region: args.region,
            flowLogs: !args.network.existing,
        }))),
        retainOnDelete: args.retainOnDelete,
    }, opts);
}

export type NetworkLogBucket = ReturnType<typeof networkLogBucket>;

/** awsx's public subnets map public IPs on launch: a declared exception to Security Hub EC2.15 (see SECURITY.md). */
const PUBLIC_SUBNET_TAGS = exceptionTags(["EC2.15"]);

/**
 * The VPC and subnets: an existing VPC's (its owner's to guard), or a new awsx VPC's with flow logs
 * to the network log bucket (Security Hub EC2.6) and its default security group closed (EC2.2).
 * awsx components are remote and do not inherit their parent's provider, so it is passed
 * explicitly: without it the VPC would be created with the default provider, in whatever account
 * the ambient credentials point at.
 */
export function network(name: string, n: EcsBlueGreenTargetArgs["network"], logs: NetworkLogBucket, opts: ChildOptions) {
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
    }, opts);
    new aws.ec2.FlowLog(`${name}-flow-logs`, {
        vpcId: vpc.vpcId,
        trafficType: "ALL",
        logDestinationType: "s3",
        logDestination: pulumi.interpolate`${logs.bucket.arn}/${FLOW_LOG_PREFIX}/`,
        maxAggregationInterval: 600,
    }, { ...opts, dependsOn: [logs.policy] });
    // Adopts the VPC's default security group and removes its rules: nothing that lands in it by default reaches anything.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-security-group`, { vpcId: vpc.vpcId }, opts);
    return { vpcId: vpc.vpcId, albSubnetIds: vpc.publicSubnetIds, taskSubnetIds: isPrivate ? vpc.privateSubnetIds : vpc.publicSubnetIds };
}

/**
 * Security groups: the internet (or ingressCidrs) reaches the load balancer only; the load
 * balancer reaches the tasks only on the container port. A group that opens a port other than
 * 80 or 443, or a high-risk one, to the whole internet declares it (Security Hub EC2.18, EC2.19).
 */
export function securityGroups(name: string,
    args: Pick<EcsBlueGreenTargetArgs, "serviceName" | "productionPort" | "testPort" | "containerPort" | "ingressCidrs" | "testCidrs">,
    vpcId: pulumi.Input<string>, redirectPort: number | undefined, opts: ChildOptions) {
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
