// One target of the release path: its account and region, its stage, and the ECS blue/green
// deployment it is (created by this program or existing).
import { z } from "zod";
import { PLACEHOLDER_IMAGE } from "../../components/buildspec";
import { S3_RESERVED_PREFIXES } from "../nameLimits";
import { AccountSchema } from "./account";
import { RollbackAlarmsSchema } from "./alarms";
import { domainWithCertificate, exactlyOneOfPathAndUrl, exactlyOneTarget, fargateTaskSize, portForUser } from "./blockRules";
import { cidrs, NetworkSchema } from "./network";
import { ALWAYS } from "./rule";
import { CPU_UNITS, ecsName, image, LOG_RETENTION_DAYS, logGroupName, matching, port, resourceName, roleArn, SUPPORTED_REGIONS,
    wholeNumber, yesNo } from "./values";

/** A host name: dot-separated labels of letters, digits and inner hyphens, at most 253 characters (RFC 1123). */
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** What the build renders into taskdef.json and appspec.yaml; the same in both target modes. */
const taskFields = {
    taskFamily: ecsName("an ECS task definition family")
        .describe("The task definition family; every deployment registers a new revision of it.").meta({ examples: ["my-service"] }),
    containerName: ecsName("an ECS container name")
        .describe("The container that receives the new image and the load balancer's traffic.").meta({ examples: ["app"] }),
    containerPort: port().describe("The port the container listens on.").meta({ examples: [8080] }),
    cpu: z.literal(CPU_UNITS).meta({ expected: `Fargate CPU units: ${CPU_UNITS.join(", ")}` }).default(256)
        .describe("Fargate task CPU units (1024 = 1 vCPU).").meta({ examples: [256] }),
    memory: wholeNumber(512, 122880, "MiB").default(512)
        .describe("Fargate task memory in MiB; which sizes Fargate offers depends on cpu.").meta({ examples: [512] }),
    deploymentConfigName: resourceName("a CodeDeploy ECS deployment config name").default("CodeDeployDefault.ECSAllAtOnce")
        .describe("The CodeDeploy deployment config: how traffic moves to the new tasks.")
        .meta({ examples: ["CodeDeployDefault.ECSAllAtOnce"] }),
    readonlyRootFilesystem: yesNo().default(true)
        .describe("The container's root file system is read-only (Security Hub ECS.5). false for an application that writes " +
            "to it: a documented exception, tagged on the task definition and the build.")
        .meta({ examples: [true] }),
    containerUser: matching(/^([A-Za-z_][\w.-]{0,31}|\d{1,10})(:([A-Za-z_][\w.-]{0,31}|\d{1,10}))?$/,
        "a user: uid, uid:gid, name or name:group").default("1000:1000")
        .describe("The user the container runs as, in place of the image's USER (Security Hub ECS.20 wants one that is not " +
            "root). Not root: the container listens on a port from 1024. root or 0: a documented exception.")
        .meta({ examples: ["1000:1000"] }),
};

const CreatedTargetSchema = z.strictObject({
    serviceName: ecsName("an ECS service name").optional()
        .describe("Physical name of the ECS cluster and service, the CodeDeploy application and deployment group.")
        .meta({ examples: ["my-service"], derivedDefault: "`<project>-<stack>-<name>` (with legacyNames: `<project>-<stack>`)" }),
    ...taskFields,
    taskFamily: taskFields.taskFamily.optional().meta({ derivedDefault: "`serviceName`" }),
    containerName: taskFields.containerName.default("app"),
    containerPort: taskFields.containerPort.default(8080),
    desiredCount: wholeNumber(1, 100, "tasks").default(2).describe("Tasks the service runs.").meta({ examples: [2] }),
    healthCheckPath: matching(/^\/[\x21-\x7e]{0,1023}$/, "an HTTP path starting with /").default("/health")
        .describe("The path the target groups probe; 2xx or 3xx is healthy.").meta({ examples: ["/health"] }),
    certificateArn: matching(/^arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, "an ACM certificate ARN").optional()
        .describe("An ACM certificate in the target account and region: the listeners speak HTTPS.")
        .meta({ examples: ["arn:aws:acm:ap-northeast-2:222222222222:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"],
            derivedDefault: "none: HTTP" }),
    domainName: matching(DOMAIN_NAME, "a DNS name of your own domain (lowercase), such as staging.example.com").optional()
        .describe("With certificateArn: a name the certificate covers. The check calls it, connecting to the load balancer " +
            "(curl --connect-to), so TLS verifies without a DNS record; the load balancer's own name (elb.amazonaws.com) is " +
            "covered by no certificate.")
        .meta({ examples: ["staging.example.com"], derivedDefault: "none: a check by path needs it with certificateArn" }),
    domainResolves: yesNo().default(false)
        .describe("DNS points domainName at the load balancer (a record you made): the approval after this target links to " +
            "it. Without it the link is the load balancer's own name, which a browser warns about with HTTPS.")
        .meta({ examples: [false] }),
    productionPort: port().optional().describe("The production listener's port.")
        .meta({ examples: [443], derivedDefault: "443 with certificateArn, else 80" }),
    testPort: port().default(9000)
        .describe("The port where CodeDeploy exposes the new version before traffic moves to it.").meta({ examples: [9000] }),
    ingressCidrs: cidrs().default(["0.0.0.0/0"])
        .describe("Who may reach the production listener.").meta({ examples: [["203.0.113.0/24"]] }),
    testCidrs: cidrs().default([])
        .describe("Who may reach the test listener; empty: nobody.").meta({ examples: [["198.51.100.0/24"]] }),
    terminationWaitMinutes: wholeNumber(0, 2880, "minutes").default(5)
        .describe("Minutes the old (blue) tasks keep running after traffic moved: the window for a fast rollback.")
        .meta({ examples: [5] }),
    deletionProtection: yesNo().default(true)
        .describe("Deletion protection on the load balancer (Security Hub ELB.6), for a production target: `pulumi destroy`, " +
            "or a change that would replace the load balancer, stops before it deletes anything, until an `up` with false. " +
            "false for a staging or sandbox target: a documented exception.")
        .meta({ examples: [true] }),
    networkLogRetentionDays: wholeNumber(1, 3650, "days").default(90)
        .describe("Days the target's network log bucket keeps the load balancer's access logs and a created VPC's flow logs.")
        .meta({ examples: [90] }),
    logRetentionDays: z.literal(LOG_RETENTION_DAYS)
        .meta({ expected: `a CloudWatch retention in days (${LOG_RETENTION_DAYS.join(", ")})` }).default(30)
        .describe("Retention of the container log group `/ecs/<taskFamily>`.").meta({ examples: [30] }),
    initialImage: image("a container image the task can pull before the first deployment")
        .default(PLACEHOLDER_IMAGE)
        .describe("The image of the first task definition, until the first deployment replaces it. The default runs a " +
            "placeholder server that answers 200 on every path of `containerPort`; another image must answer `healthCheckPath` " +
            "on `containerPort` itself, or ECS replaces its tasks in a loop until the first deployment.")
        .meta({ examples: [PLACEHOLDER_IMAGE] }),
    network: NetworkSchema.prefault({}).describe("Where the tasks and the load balancer run."),
    rollbackAlarms: RollbackAlarmsSchema.optional()
        .describe("CloudWatch alarms in the target's account that stop a deployment and roll it back (`{}`: the defaults). " +
            "Without them a deployment rolls back only when it fails.")
        .meta({ derivedDefault: "none: roll back on a failed deployment only" }),
}).superRefine(fargateTaskSize, ALWAYS).superRefine(portForUser, ALWAYS).superRefine(domainWithCertificate, ALWAYS)
    .meta({ examples: [{ serviceName: "my-service", cpu: 512, memory: 1024 }] });

const ExistingTargetSchema = z.strictObject({
    applicationName: resourceName("a CodeDeploy application name").describe("The CodeDeploy application. Two existing " +
        "targets in one account and region may name one application with a deployment group each.")
        .meta({ examples: ["my-service"] }),
    deploymentGroupName: resourceName("a CodeDeploy deployment group name")
        .describe("The blue/green deployment group of the application.").meta({ examples: ["my-service-prod"] }),
    taskRoleArn: roleArn().describe("The ECS task role the deployment passes to ECS (in the target account).")
        .meta({ examples: ["arn:aws:iam::222222222222:role/my-service-task"] }),
    executionRoleArn: roleArn().describe("The ECS task execution role the deployment passes to ECS (in the target account).")
        .meta({ examples: ["arn:aws:iam::222222222222:role/my-service-task-execution"] }),
    ...taskFields,
    logGroupName: logGroupName().optional()
        .describe("The container's awslogs log group (in the target account).")
        .meta({ examples: ["/ecs/my-service"], derivedDefault: "`/ecs/<taskFamily>`" }),
}).superRefine(fargateTaskSize, ALWAYS).superRefine(portForUser, ALWAYS).meta({
    examples: [{ applicationName: "my-service", deploymentGroupName: "my-service-prod",
        taskRoleArn: "arn:aws:iam::222222222222:role/my-service-task",
        executionRoleArn: "arn:aws:iam::222222222222:role/my-service-task-execution",
        taskFamily: "my-service", containerName: "app", containerPort: 8080 }],
});

/** A target's, a wave's name: it names a stage, actions, roles, files and release tags. */
const STAGE_NAME = { pattern: "[a-z](?:[a-z0-9-]{0,22}[a-z0-9])?", rule: "lowercase letters, digits and -, starting with a letter; at most 24" };
const stageName = (what: string) => matching(new RegExp(`^${STAGE_NAME.pattern}$`), `${what} (${STAGE_NAME.rule})`);

const CheckSchema = z.strictObject({
    path: matching(/^\/[\x21-\x7e]{0,1023}$/, "an HTTP path starting with /").optional()
        .describe("With create: GET this path of the target's applicationUrl.")
        .meta({ examples: ["/health"], derivedDefault: "none: give url instead" }),
    url: matching(/^https?:\/\/[\x21-\x7e]+$/, "an http:// or https:// URL").optional()
        .describe("GET this URL (a created target's own domain, or an existing target's).")
        .meta({ examples: ["https://staging.example.com/health"], derivedDefault: "none: give path instead" }),
}).superRefine(exactlyOneOfPathAndUrl, ALWAYS).meta({ examples: [{ path: "/health" }], exactlyOne: ["path", "url"] });

/**
 * Kept resources of a target with fixed names, adopted by their import ids (their names) instead
 * of created: after `pulumi destroy` kept them, creating them again fails with "already exists".
 */
const TargetAdoptSchema = z.strictObject({
    taskLogGroup: logGroupName().optional()
        .describe("A created target's container log group: `/ecs/<taskFamily>`.")
        .meta({ examples: ["/ecs/my-service"], derivedDefault: "none: create it" }),
}).meta({ examples: [{ taskLogGroup: "/ecs/my-service" }] });

/**
 * A target's name: a stage name that S3 would take at the start of a bucket's name (a created target's
 * network log bucket is named after it, and S3 keeps xn--, sthree- and amzn-s3-demo- for itself).
 */
const targetName = () => matching(new RegExp(`^(?!${S3_RESERVED_PREFIXES.join("|")})${STAGE_NAME.pattern}$`),
    `a target name (${STAGE_NAME.rule}; not starting with ${S3_RESERVED_PREFIXES.join(", ")}: S3 keeps them from bucket names)`);

export const TargetSchema = z.strictObject({
    name: targetName().describe("Unique in the path: it names the target's stage (without a wave), deploy action, " +
        "roles (`<project>-<stack>-<name>-deploy`), build files (`taskdef-<name>.json`) and default service name.")
        .meta({ examples: ["staging"] }),
    account: AccountSchema.describe("The account the target runs in (several targets may share one, with one provisioning role)."),
    region: z.enum(SUPPORTED_REGIONS).meta({ expected: "an AWS region name of the stack region's partition" }).optional()
        .describe("The target's region; another region than the stack's gets its own artifact store there.")
        .meta({ examples: ["eu-west-1"], derivedDefault: "the stack's `region`" }),
    approval: yesNo().default(false).describe("A manual approval before this target (for a wave: before the wave).")
        .meta({ examples: [true] }),
    wave: stageName("a wave name").optional()
        .describe("Consecutive targets with the same wave deploy in parallel, in one stage named after the wave, behind one approval. " +
            "The wave's name, not the targets', names the stage and its release tags (`release.<wave>.`, `attempt.<wave>.`): " +
            "renaming a wave, or moving a target into or out of one, starts the stage's releases over.")
        .meta({ examples: ["prod"], derivedDefault: "none: a stage of its own" }),
    check: CheckSchema.optional().describe("A smoke test after the deploy: the next stage starts only when it answers 2xx or 3xx.")
        .meta({ derivedDefault: "none: no check" }),
    create: CreatedTargetSchema.optional().describe("An ECS blue/green target this program creates in the target's account.")
        .meta({ derivedDefault: "none: exactly one of create and existing" }),
    existing: ExistingTargetSchema.optional()
        .describe("A CodeDeploy-for-ECS blue/green target made outside this program, in the target's account.")
        .meta({ derivedDefault: "none: exactly one of create and existing" }),
    legacyNames: yesNo().default(false)
        .describe("Keep the names and URNs a stack from before `targets` gave its one target (`<project>-<stack>-deploy`, " +
            "logical names `target` and `deploy`): set on the converted target, at most one, never on a new one.")
        .meta({ examples: [false] }),
    adopt: TargetAdoptSchema.prefault({}).describe("After `pulumi destroy`: the target's kept resources to adopt instead of creating them."),
}).superRefine(exactlyOneTarget, ALWAYS).meta({
    examples: [{ name: "staging", account: { accountId: "555555555555" }, create: { serviceName: "my-service-staging" } }],
    exactlyOne: ["create", "existing"],
});

