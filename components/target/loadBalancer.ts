import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions } from "../options";
import { ACCESS_LOG_PREFIX } from "../policies/networkLogs";
import { exceptionTags } from "../securityHub";
import { EcsBlueGreenTargetArgs } from "./args";
import { NetworkLogBucket } from "./network";
import { defaultListenerPort } from "./ports";

/** Where users reach the service: the production listener, its port in the URL unless it is the default. */
export function productionUrl(args: Pick<EcsBlueGreenTargetArgs, "certificateArn" | "productionPort">, alb: aws.lb.LoadBalancer) {
    const https = !!args.certificateArn;
    const port = args.productionPort === defaultListenerPort(https) ? "" : `:${args.productionPort}`;
    return pulumi.interpolate`${https ? "https" : "http"}://${alb.dnsName}${port}/`;
}

/** With a certificate, plain HTTP on port 80 only redirects to HTTPS (Security Hub ELB.1), unless a listener takes 80. */
export function httpRedirectPort(args: Pick<EcsBlueGreenTargetArgs, "certificateArn" | "productionPort" | "testPort">): number | undefined {
    return args.certificateArn && ![args.productionPort, args.testPort].includes(80) ? 80 : undefined;
}

/**
 * The internet-facing load balancer, its access logs in the network log bucket, and the two target
 * groups that take turns behind its listeners.
 */
export function loadBalancer(
    args: Pick<EcsBlueGreenTargetArgs, "balancerNames" | "certificateArn" | "deletionProtection" | "containerPort" | "healthCheckPath">,
    on: { vpcId: pulumi.Input<string>; subnetIds: pulumi.Input<string[]>; securityGroup: aws.ec2.SecurityGroup; logs: NetworkLogBucket },
    opts: ChildOptions) {
    const alb = new aws.lb.LoadBalancer(args.balancerNames.alb, {
        loadBalancerType: "application",
        internal: false,
        securityGroups: [on.securityGroup.id],
        subnets: on.subnetIds,
        dropInvalidHeaderFields: true,
        // AWS's default, set so that it stays (Security Hub ELB.12).
        desyncMitigationMode: "defensive",
        accessLogs: { bucket: on.logs.bucket.bucket, prefix: ACCESS_LOG_PREFIX, enabled: true },
        enableDeletionProtection: args.deletionProtection,
        tags: exceptionTags([...args.certificateArn ? [] : ["ELB.1"], ...args.deletionProtection ? [] : ["ELB.6"]]),
    }, {
        ...opts,
        // ELB writes a test file when access logs are turned on: the bucket must admit it first.
        dependsOn: [on.logs.policy],
        // AWS refuses to delete a protected load balancer, but only after `pulumi destroy` has deleted
        // everything that depends on it; Pulumi's protect stops the destroy before it deletes anything.
        protect: args.deletionProtection,
    });
    const targetGroup = (color: "blue" | "green") => new aws.lb.TargetGroup(args.balancerNames[color], {
        vpcId: on.vpcId,
        targetType: "ip",  // Fargate tasks register by IP
        protocol: "HTTP",
        port: args.containerPort,
        deregistrationDelay: 30,
        healthCheck: { path: args.healthCheckPath, matcher: "200-399", interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
    }, opts);
    return { alb, blue: targetGroup("blue"), green: targetGroup("green") };
}

export type LoadBalancer = ReturnType<typeof loadBalancer>;

/**
 * The production listener (to blue at first) and the test listener (to green), and with HTTPS the
 * redirect from plain HTTP. CodeDeploy rewrites a listener's default action at every deployment;
 * Pulumi must not put it back.
 */
export function listeners(name: string, args: Pick<EcsBlueGreenTargetArgs, "certificateArn" | "productionPort" | "testPort">,
    lb: LoadBalancer, redirectPort: number | undefined, opts: ChildOptions) {
    const https = !!args.certificateArn;
    const listener = (role: string, port: number, target: aws.lb.TargetGroup) => new aws.lb.Listener(`${name}-${role}`, {
        loadBalancerArn: lb.alb.arn,
        port,
        protocol: https ? "HTTPS" : "HTTP",
        certificateArn: args.certificateArn,
        sslPolicy: https ? "ELBSecurityPolicy-TLS13-1-2-2021-06" : undefined,
        defaultActions: [{ type: "forward", targetGroupArn: target.arn }],
    }, { ...opts, ignoreChanges: ["defaultActions"] });
    const production = listener("production", args.productionPort, lb.blue);
    const test = listener("test", args.testPort, lb.green);
    if (redirectPort) {
        new aws.lb.Listener(`${name}-http-redirect`, {
            loadBalancerArn: lb.alb.arn,
            port: redirectPort,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: String(args.productionPort), statusCode: "HTTP_301" } }],
        }, opts);
    }
    return { production, test };
}

export type Listeners = ReturnType<typeof listeners>;
