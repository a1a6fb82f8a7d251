import * as pulumi from "@pulumi/pulumi";
import { RollbackAlarm } from "../alarms";

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
    /**
     * Logical names of the load balancer and the two target groups. Pulumi names them (the logical
     * name, `-` and 7 random characters, so that a replacement never waits for a name), and pulumi-aws
     * refuses a logical name whose auto-name would pass ELB's 32 characters.
     */
    balancerNames: { alb: string; blue: string; green: string };
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
