// The project's config namespace as one zod schema: the program's types are inferred from it,
// `parseConfig` validates with it, and `npm run schema` turns it into the stack files' JSON
// Schema and the README's reference table. Cross-field rules are named refinements beside it;
// configIssues.ts turns zod's issues into the project's error lines.
import * as pulumi from "@pulumi/pulumi";
import { Region } from "@pulumi/aws/types/enums";
import { z } from "zod";
import { alarmCount, AlarmCondition, COMPARISONS, DEFAULT_ALARMS, MAX_ALARMS_PER_GROUP } from "../components/alarms";
import { PLACEHOLDER_IMAGE } from "../components/buildspec";
import { ACTION_CONFIGURATION_VALUE_MAX, checkVariables, variablesValue } from "../components/CrossAccountPipeline";
import { defaultListenerPort } from "../components/EcsBlueGreenTarget";
import { CONNECTION_PROVIDERS, SELF_MANAGED_PROVIDERS } from "../components/SourceConnection";
import { CHATBOT_REGIONS, chatbotRegionFor } from "../components/PipelineNotifications";
import { isSupportedRegion, partitionOf, SUPPORTED_PARTITIONS } from "../components/policies/document";
import { isRootUser } from "../components/securityHub";
import { keptNames } from "./names";
import { checkRequest, LOAD_BALANCER_STAND_IN, unverifiableHttps, urlHost } from "./reach";
import { ConfigError, isBlock, Path, problemLines, valueAt } from "./configIssues";
import { oversizedPolicies } from "./limits";
import { convertSingleTarget } from "./singleTarget";

export { ConfigError, exampleOf, fieldOf, flow } from "./configIssues";

declare module "zod" {
    interface GlobalMeta {
        /** What a valid value looks like: the "expected" of an error line and the reference table. */
        expected?: string;
        /** A default computed from other keys, in words (a JSON Schema `default` must be a value). */
        derivedDefault?: string;
        /** Keys of a block of which exactly one is given: its refinement checks it, the JSON Schema says it too. */
        exactlyOne?: [string, string];
    }
}

/** CodePipeline's default manual approval timeout: 7 days (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html). */
export const DEFAULT_APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60;

/** What the rollback rule allows one deployment: its traffic shift, marks and checks take up to a day, then the termination wait. */
export const TRAFFIC_SHIFT_MINUTES = 24 * 60;
/** CodeDeploy's longest termination wait: an existing target's own is not known here. */
export const MAX_TERMINATION_WAIT_MINUTES = 2880;

/** What the rollback rule reads of a stack: its path, the approvals' timeout, the build's. */
export interface RollbackPath {
    targets: { name: string; wave?: string; approval?: boolean; create?: { terminationWaitMinutes: number } }[];
    approvalTimeoutMinutes: number;
    build: { timeoutMinutes: number };
}

/**
 * How long after its build a stage rollback may still read an execution's artifacts, in minutes.
 * A rollback redeploys the artifacts of the last execution that succeeded in the stage, so they must
 * outlive the next execution's failure there, and its rollback. Executions queue stage by stage
 * (QUEUED mode): with P(s) the longest an execution takes from its build out of stage s (each
 * approval on the way at its timeout, each deployment a day of traffic shift plus its targets'
 * longest termination wait), the next one, started before the last one succeeded in s (releases back
 * to back), builds (up to the build's timeout) and fails in s at most 2 × P(s) + build timeout after
 * the last one's build, when its rollback reads them at once: an approval is a stage of its own
 * before s, which the rollback of s does not run again. The longest of these over the stages.
 */
export function rollbackWindowMinutes(c: RollbackPath): number {
    let path = 0;
    let window = 0;
    for (const stage of pipelineStages(c.targets)) {
        const approval = stage.approval ? c.approvalTimeoutMinutes : 0;
        path += approval + TRAFFIC_SHIFT_MINUTES + Math.max(...stage.targets.map(t => t.create?.terminationWaitMinutes ?? MAX_TERMINATION_WAIT_MINUTES));
        window = Math.max(window, 2 * path);
    }
    return c.build.timeoutMinutes + window;
}

/** How long artifacts live when the stack file does not say (or longer: what a stage rollback needs). */
const DEFAULT_ARTIFACT_RETENTION_DAYS = 30;

/** The fewest days artifacts may live: the rollback window, in whole days (S3 expires an object N days after its creation, or later). */
export function minimumArtifactRetentionDays(c: RollbackPath): number {
    return Math.ceil(rollbackWindowMinutes(c) / (24 * 60));
}

/** Cross-field rules (at the end of the file) decide for themselves, with `valid`, what they can read. */
const ALWAYS = { when: () => true };

// Value types, each with what the user is told when a value does not fit.

const matching = (pattern: RegExp, expected: string) => z.string().regex(pattern).meta({ expected });
const wholeNumber = (min: number, max: number, unit: string) =>
    z.int().min(min).max(max).meta({ expected: `a whole number of ${unit} from ${min} to ${max}` });
const yesNo = () => z.boolean().meta({ expected: "true or false" });
const port = () => wholeNumber(1, 65535, "").meta({ expected: "a port from 1 to 65535" });

const accountId = () => matching(/^\d{12}$/, "a 12-digit AWS account id, quoted as a string");
const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@\/-]{1,64}$/;
const roleArn = () => matching(ROLE_ARN, "an IAM role ARN");
/** CodeCommit, CodeDeploy and deployment config names. */
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/**
 * A CodeConnections ARN under either service prefix: `codestar-connections` before AWS renamed the
 * service in July 2024, `codeconnections` after; both stay valid
 * (https://docs.aws.amazon.com/dtconsole/latest/userguide/security-iam.html).
 */
const CONNECTIONS_ARN = (type: string, id: string) =>
    new RegExp(`^arn:aws(-cn|-us-gov)?:(codeconnections|codestar-connections):[a-z0-9-]+:\\d{12}:${type}\\/${id}$`);
const resourceName = (what: string) =>
    matching(/^[A-Za-z0-9][\w.-]{0,99}$/, `${what} (letters, digits, . _ -; at most 100)`);
/** ECS cluster, service, family and container names. */
const ecsName = (what: string) => matching(/^[A-Za-z0-9][\w-]{0,99}$/, `${what} (letters, digits, - and _; at most 100)`);
const image = (expected: string) => matching(/^\S+$/, expected);
const logGroupName = () => matching(/^[\w.\/#-]{1,512}$/, "a CloudWatch log group name");
const ecrRepositoryName = () => matching(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
    "an ECR repository name (lowercase letters, digits, . _ - /)");

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const between = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, i) => min + i);
/** An IPv4 CIDR block with a prefix from `min` to `max` whose host bits are zero (as AWS requires). */
const cidr = (min: number, max: number) =>
    z.string().regex(new RegExp(`^(${OCTET}\\.){3}${OCTET}\\/(${between(min, max).join("|")})$`))
        .superRefine(networkAddress, ALWAYS)
        .meta({ expected: `an IPv4 CIDR block (octets 0-255, prefix /${min} to /${max})` });

/** A host name: dot-separated labels of letters, digits and inner hyphens, at most 253 characters (RFC 1123). */
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Fargate task sizes (Linux): memory in MiB by CPU units, as AWS documents them. */
const FARGATE_MEMORY: Record<number, number[]> = {
    256: [512, 1024, 2048],
    512: between(1, 4).map(gb => gb * 1024),
    1024: between(2, 8).map(gb => gb * 1024),
    2048: between(4, 16).map(gb => gb * 1024),
    4096: between(8, 30).map(gb => gb * 1024),
    8192: between(4, 15).map(gb4 => gb4 * 4096),
    16384: between(4, 15).map(gb8 => gb8 * 8192),
};
const CPU_UNITS = Object.keys(FARGATE_MEMORY).map(Number);

/** Every region @pulumi/aws knows in a partition the program supports. */
export const SUPPORTED_REGIONS = Object.values(Region).filter(isSupportedRegion) as [Region, ...Region[]];

/** A log group's retention: the values PutRetentionPolicy takes (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

// The blocks. Each is one named object, so later keys (a list of targets, more kinds of source,
// notifications) reuse them instead of repeating their keys.

const AccountSchema = z.strictObject({
    accountId: accountId().describe("The account's id; its provider refuses to act in any other account.")
        .meta({ examples: ["111111111111"] }),
    provisioningRoleArn: roleArn().optional()
        .describe("A role in this account to assume for provisioning; absent: the ambient credentials, as they are.")
        .meta({ examples: ["arn:aws:iam::111111111111:role/pulumi-provisioner"], derivedDefault: "none: ambient credentials" }),
}).superRefine(roleInOwnAccount, ALWAYS).meta({
    examples: [{ accountId: "111111111111", provisioningRoleArn: "arn:aws:iam::111111111111:role/pulumi-provisioner" }],
});

const branchName = () => z.string().regex(/^[\w.\/-]{1,100}$/).refine(isGitBranchName).meta({ expected: "a git branch name" });

const CodeCommitSourceSchema = z.strictObject({
    provider: z.literal("CodeCommit").default("CodeCommit")
        .meta({ expected: "CodeCommit (or no provider)", derivedDefault: "CodeCommit" })
        .describe("CodeCommit: a repository in the pipeline account, started by an EventBridge rule on pushes to `branch`.")
        .meta({ examples: ["CodeCommit"] }),
    repositoryName: resourceName("a CodeCommit repository name").describe("The repository's name, in the pipeline account.")
        .meta({ examples: ["my-service"] }),
    create: yesNo().default(true).meta({ expected: "true (create the repository) or false (use an existing one)" })
        .describe("Create the repository (true) or look up an existing one (false).").meta({ examples: [true] }),
    branch: branchName().default("main").describe("The branch whose pushes start the pipeline.").meta({ examples: ["main"] }),
}).meta({ examples: [{ repositoryName: "my-service", create: true, branch: "main" }] });

/** A list of trigger patterns as GitBranchFilterCriteria and its siblings take them: 1 to 8, each 1 to 255 characters. */
const patterns = (what: string, example: string) => z.array(z.string().min(1).max(255)).min(1).max(8)
    .meta({ expected: `a list of 1 to 8 ${what} patterns (globs such as ${example}, each 1 to 255 characters)`, examples: [[example]] });

/** Include and exclude patterns of one kind (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_GitBranchFilterCriteria.html). */
const criteria = (what: string, plural: string, include: string, exclude: string) => z.strictObject({
    includes: patterns(what, include).optional().describe(`${plural} that start the pipeline.`)
        .meta({ derivedDefault: "none: every one not excluded" }),
    excludes: patterns(what, exclude).optional().describe(`${plural} that never start it, even if included.`)
        .meta({ derivedDefault: "none" }),
}).superRefine(includesOrExcludes, ALWAYS).meta({ expected: "a block with includes, excludes or both", examples: [{ includes: [include] }] });

/**
 * One push filter of a V2 trigger. CodePipeline takes tags, branches, or branches with file paths
 * in one filter (https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-filter.html).
 */
const PushFilterSchema = z.strictObject({
    tags: criteria("tag", "Tags", "v*", "*-rc*").optional().describe("Start on a push of a matching tag (alone in its filter).")
        .meta({ derivedDefault: "none" }),
    branches: criteria("branch", "Branches", "main", "experimental/**").optional().describe("Start on a push to a matching branch.")
        .meta({ derivedDefault: "none" }),
    filePaths: criteria("file path", "File paths", "app/**", "**/*.md").optional()
        .describe("With branches: start only when a pushed commit changes a matching file.").meta({ derivedDefault: "none" }),
}).superRefine(pushFilterCombination, ALWAYS).meta({
    expected: "a block with tags, branches, or branches and filePaths",
    examples: [{ tags: { includes: ["v*"] } }, { branches: { includes: ["main"] }, filePaths: { includes: ["app/**"] } }],
});

const HostVpcSchema = z.strictObject({
    vpcId: matching(/^vpc-[0-9a-f]{8,17}$/, "a VPC id").describe("The VPC the server is reachable from.")
        .meta({ examples: ["vpc-0123456789abcdef0"] }),
    subnetIds: z.array(matching(/^subnet-[0-9a-f]{8,17}$/, "a subnet id")).min(1).max(10)
        .meta({ expected: "a list of 1 to 10 subnet ids of the VPC" }).describe("Subnets of the VPC that reach the server.")
        .meta({ examples: [["subnet-0123456789abcdef0"]] }),
    securityGroupIds: z.array(matching(/^sg-[0-9a-f]{8,17}$/, "a security group id")).min(1).max(10)
        .meta({ expected: "a list of 1 to 10 security group ids of the VPC" })
        .describe("Security groups that let CodeConnections reach the server over HTTPS.").meta({ examples: [["sg-0123456789abcdef0"]] }),
    tlsCertificate: z.string().max(16384).regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/)
        .meta({ expected: "a PEM certificate (-----BEGIN CERTIFICATE----- ...), at most 16384 characters" }).optional()
        .describe("The server's TLS certificate, when a private CA signed it.")
        .meta({ examples: ["-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----"], derivedDefault: "none: a public CA" }),
}).meta({ examples: [{ vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] }] });

/** https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_CreateHost.html */
const HostSchema = z.strictObject({
    arn: matching(CONNECTIONS_ARN("host", "[\\w.-]+"), "a CodeConnections host ARN").optional()
        .describe("An existing host, in the pipeline account and the stack's region (hosts are regional).")
        .meta({ examples: ["arn:aws:codeconnections:ap-northeast-2:111111111111:host/my-ghes-0a1b2c3d"],
            derivedDefault: "none: exactly one of arn and endpoint" }),
    endpoint: z.string().max(512).regex(/^https:\/\/[^\s\/]+(\/\S*)?$/).meta({ expected: "an https:// URL of the server, at most 512 characters" })
        .optional().describe("The server's URL: this program creates a host for it, PENDING until it is set up in the console.")
        .meta({ examples: ["https://github.example.com"], derivedDefault: "none: exactly one of arn and endpoint" }),
    vpc: HostVpcSchema.optional().describe("With endpoint: where a server that is not reachable from the internet is.")
        .meta({ derivedDefault: "none: the server is reachable from the internet" }),
}).superRefine(oneHost, ALWAYS).meta({ expected: "a block with arn (an existing host) or endpoint (a host to create)",
    examples: [{ endpoint: "https://github.example.com" }] });

const ConnectionSourceSchema = z.strictObject({
    provider: z.enum(CONNECTION_PROVIDERS).meta({ expected: `a source provider: CodeCommit, ${CONNECTION_PROVIDERS.join(", ")}` })
        .describe("Where the repository is, reached through a CodeConnections connection (CodePipeline's CodeStarSourceConnection action).")
        .meta({ examples: ["GitHub"] }),
    repository: matching(/^[\w.-]+(\/[\w.-]+)+$/, "owner/repository (GitLab: group/subgroup/project)")
        .describe("The repository, as the provider names it (FullRepositoryId).").meta({ examples: ["my-org/my-service"] }),
    branch: branchName().default("main")
        .describe("The default branch: pushes to it start the pipeline when there are no triggers; a manual start builds it.")
        .meta({ examples: ["main"] }),
    connectionArn: matching(CONNECTIONS_ARN("connection", UUID), "a CodeConnections connection ARN").optional()
        .describe("An existing connection: the pipeline account's, or a codeconnections one shared into it with AWS RAM.")
        .meta({ examples: ["arn:aws:codeconnections:us-east-1:111111111111:connection/0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d"],
            derivedDefault: "none: this stack creates a connection, PENDING until its one-time handshake in the console" }),
    host: HostSchema.optional().describe("GitHubEnterpriseServer and GitLabSelfManaged, with a created connection: the server's host.")
        .meta({ derivedDefault: "none" }),
    fullClone: yesNo().default(false)
        .describe("The build gets a full git clone (CODEBUILD_CLONE_REF), with history and tags; the build role may then use the connection.")
        .meta({ examples: [false] }),
    triggers: z.array(PushFilterSchema).min(1).max(3).meta({ expected: "a list of 1 to 3 push filters" }).optional()
        .describe("CodePipeline V2 push triggers: any one filter starts the pipeline; without them, pushes to `branch` do.")
        .meta({ examples: [[{ tags: { includes: ["v*"] } }]], derivedDefault: "none: every push to `branch`" }),
}).superRefine(connectionSourceComplete, ALWAYS).meta({
    examples: [{ provider: "GitHub", repository: "my-org/my-service", branch: "main" }],
});

/** CodeCommit (today's keys, with or without `provider`) or a repository reached through CodeConnections. */
const SourceSchema = z.discriminatedUnion("provider", [CodeCommitSourceSchema, ConnectionSourceSchema]).meta({
    expected: "a block: a CodeCommit repository (repositoryName) or, with provider " +
        `${CONNECTION_PROVIDERS.join(", ")}, a repository through CodeConnections`,
    examples: [{ repositoryName: "my-service", create: true, branch: "main" }],
});

const BuildSchema = z.strictObject({
    computeType: z.enum(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE",
        "BUILD_GENERAL1_2XLARGE"]).meta({ expected: "a CodeBuild compute type" }).default("BUILD_GENERAL1_SMALL")
        .describe("The CodeBuild compute type of the build.").meta({ examples: ["BUILD_GENERAL1_SMALL"] }),
    image: image("a CodeBuild image").default("aws/codebuild/amazonlinux2-x86_64-standard:5.0")
        .describe("The CodeBuild image the build runs in.").meta({ examples: ["aws/codebuild/amazonlinux2-x86_64-standard:5.0"] }),
    timeoutMinutes: wholeNumber(5, 480, "minutes").default(30)
        .describe("Minutes after which CodeBuild stops the build.").meta({ examples: [30] }),
    buildspec: matching(/^[\w.\/-]+\.ya?ml$/, "a path in the repository (omit it to use the generated buildspec)").optional()
        .describe("A buildspec in the repository, used instead of the generated one; it gets the same environment variables.")
        .meta({ examples: ["buildspec.yml"], derivedDefault: "none: the generated buildspec" }),
}).meta({ examples: [{ computeType: "BUILD_GENERAL1_SMALL", timeoutMinutes: 30 }] });

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

const NetworkSchema = z.strictObject({
    subnets: z.enum(["private", "public"])
        .meta({ expected: "private (tasks behind one NAT gateway) or public (tasks with public IPs, no NAT)" }).default("private")
        .describe("private: tasks in private subnets behind one NAT gateway; public: tasks with public IPs, no NAT (a sandbox).")
        .meta({ examples: ["private"] }),
    cidrBlock: cidr(16, 24).default("10.0.0.0/16").describe("The CIDR block of a created VPC.").meta({ examples: ["10.0.0.0/16"] }),
    availabilityZones: wholeNumber(2, 6, "zones").default(2)
        .describe("Availability zones of a created VPC; the load balancer needs two.").meta({ examples: [2] }),
    vpcId: matching(/^vpc-[0-9a-f]{8,17}$/, "an existing VPC id").optional()
        .describe("Use this VPC and the subnets below instead of creating a VPC.")
        .meta({ examples: ["vpc-0123456789abcdef0"], derivedDefault: "none: create a VPC" }),
    publicSubnetIds: subnetIds().describe("With vpcId: the subnets of the load balancer (and of public tasks)."),
    privateSubnetIds: subnetIds().describe("With vpcId and subnets: private: the subnets of the tasks."),
}).superRefine(existingVpcComplete, ALWAYS).meta({ examples: [{ subnets: "public" }] });

function cidrs() {
    return z.array(cidr(0, 32)).meta({ expected: "a list of IPv4 CIDR blocks (octets 0-255, prefix /0 to /32, host bits zero)" });
}

function subnetIds() {
    return z.array(matching(/^subnet-[0-9a-f]{8,17}$/, "a subnet id")).min(2)
        .meta({ expected: "a list of at least two subnet ids in different availability zones" }).optional()
        .meta({ examples: [["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]], derivedDefault: "none" });
}

/** A CloudWatch alarm name (in the target's account and region). */
const alarmName = () => z.string().regex(/^[\x20-\x7e]{1,255}$/).meta({ expected: "a CloudWatch alarm name (printable characters, at most 255)" });

/**
 * When an alarm fires: `datapointsToAlarm` of the last `evaluationPeriods` periods of `periodSeconds`
 * breach its threshold (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 * Load balancer and ECS metrics come once a minute, so a period is whole minutes.
 */
const threshold = () => z.number().min(0).meta({ expected: "a number from 0" })
    .describe("The value the statistic is compared with, per period.");
const alarmWindowFields = (defaults: Partial<AlarmCondition>) => ({
    periodSeconds: z.int().min(60).max(86400).multipleOf(60).meta({ expected: "seconds: a multiple of 60 from 60 to 86400" })
        .default(defaults.periodSeconds ?? 60).describe("One period of the statistic.").meta({ examples: [60] }),
    evaluationPeriods: wholeNumber(1, 1440, "periods").default(defaults.evaluationPeriods ?? 2)
        .describe("The periods the alarm looks back over (with periodSeconds, at most a day: CloudWatch's limit).").meta({ examples: [2] }),
    datapointsToAlarm: wholeNumber(1, 1440, "periods").optional()
        .describe("How many of those periods must breach (at most evaluationPeriods).")
        .meta({ examples: [2], derivedDefault: "evaluationPeriods: every one" }),
});

const tunedAlarm = (key: keyof typeof DEFAULT_ALARMS) => z.strictObject({
    threshold: threshold().default(DEFAULT_ALARMS[key].defaults.threshold).meta({ examples: [DEFAULT_ALARMS[key].defaults.threshold] }),
    ...alarmWindowFields(DEFAULT_ALARMS[key].defaults),
})
    .superRefine(alarmWindow, ALWAYS).prefault({})
    .describe(`Tunes the alarm on ${DEFAULT_ALARMS[key].means} (${DEFAULT_ALARMS[key].statistic} of ${DEFAULT_ALARMS[key].metric}` +
        `${DEFAULT_ALARMS[key].scope === "targetGroups" ? ", one alarm per target group" : ""}).`)
    .meta({ examples: [DEFAULT_ALARMS[key].defaults] });

const ExtraAlarmSchema = z.strictObject({
    name: matching(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "a short name: lowercase letters, digits and -, at most 40")
        .describe("Ends the alarm's name (`<serviceName>-<name>`, `-blue-<name>` and `-green-<name>` per target group).")
        .meta({ examples: ["p99-latency"] }),
    metric: matching(/^[\w.:\/#-]{1,255}$/, "a CloudWatch metric name").describe("The metric: one of Elastic Load Balancing's for " +
        "loadBalancer and targetGroups, one of ECS's for service.").meta({ examples: ["TargetResponseTime"] }),
    scope: z.enum(["loadBalancer", "targetGroups", "service"]).meta({ expected: "loadBalancer, targetGroups or service" })
        .describe("What the metric is about, which gives its namespace and dimensions: the load balancer (AWS/ApplicationELB, " +
            "LoadBalancer), each target group (one alarm per group: TargetGroup and LoadBalancer), or the service (AWS/ECS, " +
            "ClusterName and ServiceName).").meta({ examples: ["loadBalancer"] }),
    statistic: matching(/^(Average|Sum|Minimum|Maximum|SampleCount|p(\d{1,2}(\.\d{1,2})?|100))$/,
        "Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p99").describe("The statistic compared with threshold.")
        .meta({ examples: ["p99"] }),
    comparison: z.enum(COMPARISONS).meta({ expected: COMPARISONS.join(", ") }).default("GreaterThanThreshold")
        .describe("How the statistic is compared with threshold.").meta({ examples: ["GreaterThanThreshold"] }),
    threshold: threshold().meta({ examples: [2] }),
    ...alarmWindowFields({}),
}).superRefine(alarmWindow, ALWAYS).meta({
    examples: [{ name: "p99-latency", metric: "TargetResponseTime", scope: "loadBalancer", statistic: "p99", threshold: 2 }],
});

/**
 * CloudWatch alarms that stop a deployment of the target and roll it back (CodeDeploy's
 * DEPLOYMENT_STOP_ON_ALARM): the defaults, tuned, and any extra or existing ones, at most
 * CodeDeploy's limit per deployment group.
 */
const RollbackAlarmsSchema = z.strictObject({
    loadBalancer5xx: tunedAlarm("loadBalancer5xx"),
    target5xx: tunedAlarm("target5xx"),
    unhealthyHosts: tunedAlarm("unhealthyHosts"),
    extra: z.array(ExtraAlarmSchema).max(MAX_ALARMS_PER_GROUP).meta({ expected: `a list of alarms (with the others, at most ${MAX_ALARMS_PER_GROUP})` })
        .default([]).describe("More alarms on the target's own metrics.")
        .meta({ examples: [[{ name: "p99-latency", metric: "TargetResponseTime", scope: "loadBalancer", statistic: "p99", threshold: 2 }]] }),
    existing: z.array(alarmName()).max(MAX_ALARMS_PER_GROUP).meta({ expected: "a list of CloudWatch alarm names" }).default([])
        .describe("Metric alarms made elsewhere in the target's account and region (an application's own metrics), by name. " +
            "Not composite alarms: CodeDeploy documents alarms that watch one metric, its role may read only these alarms by ARN, " +
            "and CloudWatch returns a composite alarm only to DescribeAlarms allowed on * and asked for composite alarms " +
            "(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html). A name does not say which " +
            "kind an alarm is: each is looked up when the stack is previewed or updated (AWS Cloud Control, as an " +
            "AWS::CloudWatch::Alarm, in the target's account), and one that is not a metric alarm there stops it with the reason.")
        .meta({ examples: [["my-service-checkout-errors"]] }),
}).superRefine(alarmsWithinLimit, ALWAYS).meta({ examples: [{}, { target5xx: { threshold: 5 } }] });

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
const stageName = (what: string) => matching(/^[a-z](?:[a-z0-9-]{0,22}[a-z0-9])?$/,
    `${what} (lowercase letters, digits and -, starting with a letter; at most 24)`);

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

const TargetSchema = z.strictObject({
    name: stageName("a target name").describe("Unique in the path: it names the target's stage (without a wave), deploy action, " +
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

const ImagesSchema = z.strictObject({
    repositoryName: ecrRepositoryName().optional()
        .describe("The pipeline account's ECR repository that the build pushes to and the target pulls from.")
        .meta({ examples: ["my-service"], derivedDefault: "`<project>-<stack>`, lowercase" }),
    keep: wholeNumber(2, 1000, "images").default(30)
        .describe("Released images the lifecycle policy keeps per stage of the path (each image a stage deploys is tagged " +
            "`release...` for it): how far back that stage can roll back. Builds never released expire after `artifactRetentionDays` " +
            "+ 3 days, however many there are.")
        .meta({ examples: [30] }),
}).meta({ examples: [{ repositoryName: "my-service", keep: 30 }] });

/**
 * Kept resources with fixed names, adopted by their import ids (their names) instead of created:
 * after `pulumi destroy` kept them, creating them again fails with "already exists".
 */
const AdoptSchema = z.strictObject({
    sourceRepository: resourceName("the kept CodeCommit repository's name").optional()
        .describe("The source repository (with source.create): its name, source.repositoryName.")
        .meta({ examples: ["my-service"], derivedDefault: "none: create it" }),
    imageRepository: ecrRepositoryName().optional()
        .describe("The image repository, with its images: its name, images.repositoryName.")
        .meta({ examples: ["my-service"], derivedDefault: "none: create it" }),
    buildLogGroup: logGroupName().optional()
        .describe("The build's log group: `/aws/codebuild/<project>-<stack>`.")
        .meta({ examples: ["/aws/codebuild/cross-account-pipeline-prod"], derivedDefault: "none: create it" }),
}).meta({ examples: [{ imageRepository: "my-service", buildLogGroup: "/aws/codebuild/cross-account-pipeline-prod" }] });

const email = () => z.string().max(254)
    .regex(/^[A-Za-z0-9.!#$%&'*+\/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/)
    .meta({ expected: "an email address" });

/** A Slack channel that AWS Chatbot (Amazon Q Developer in chat applications) posts the notifications to. */
const SlackSchema = z.strictObject({
    workspaceId: matching(/^[0-9A-Z]{1,255}$/, "a Slack workspace id (uppercase letters and digits, such as T0123456789)")
        .describe("The Slack workspace (its team id), authorized once for AWS Chatbot in its console before the first `pulumi up`.")
        .meta({ examples: ["T0123456789"] }),
    channelId: matching(/^[A-Za-z0-9]{1,255}$/, "a Slack channel id (letters and digits, such as C0123456789)")
        .describe("The channel (its id, from the channel's details in Slack); invite the AWS app to a private channel.")
        .meta({ examples: ["C0123456789"] }),
    region: z.enum(CHATBOT_REGIONS).meta({ expected: `a region where AWS Chatbot's API runs: ${CHATBOT_REGIONS.join(", ")}` }).optional()
        .describe("Where the channel configuration is made: AWS Chatbot's API runs in a few regions only; the topic may be in any.")
        .meta({ examples: ["us-east-2"], derivedDefault: "the stack's region where Chatbot's API runs there, else us-east-2" }),
}).meta({ examples: [{ workspaceId: "T0123456789", channelId: "C0123456789" }] });

/**
 * Who is told, through one encrypted SNS topic of the pipeline account: a CodeStar Notifications
 * rule on the pipeline (failed executions, approvals needed, succeeded ones if asked) and every
 * manual approval's own request.
 */
const NotificationsSchema = z.strictObject({
    emails: z.array(email()).max(100).meta({ expected: "a list of at most 100 email addresses" }).default([])
        .describe("Addresses subscribed to the topic; each confirms once, from the email AWS sends after `pulumi up`.")
        .meta({ examples: [["platform-team@example.com"]] }),
    succeeded: yesNo().default(false).describe("Also tell when an execution succeeded (failed ones and approvals needed always).")
        .meta({ examples: [false] }),
    slack: SlackSchema.optional().describe("Also post them to a Slack channel through AWS Chatbot.").meta({ derivedDefault: "none" }),
}).superRefine(uniqueEmails, ALWAYS).meta({ examples: [{ emails: ["platform-team@example.com"] }] });

/** The project's config namespace: every key a stack file may set under `cross-account-pipeline:`. */
const ConfigShape = z.strictObject({
    region: z.enum(SUPPORTED_REGIONS)
        .meta({ expected: "an AWS region name" })
        .describe(`The pipeline's region (and its targets' unless they name another): a region of the ${SUPPORTED_PARTITIONS.join(", ")} ` +
            "partition.").meta({ examples: ["ap-northeast-2"] }),
    pipelineAccount: AccountSchema.describe("The tooling account: source, build, pipeline, artifacts, images."),
    targets: z.array(TargetSchema).min(1).meta({ expected: "a list of at least one target" })
        .describe("The release path, in order: each build deploys to these targets one stage after the other (a wave's together).")
        .meta({ examples: [[{ name: "staging", account: { accountId: "555555555555" }, create: { serviceName: "my-service-staging" } },
            { name: "prod", account: { accountId: "222222222222" }, approval: true, create: { serviceName: "my-service" } }]] }),
    allowSameAccount: yesNo().default(false)
        .describe("Allow targets in the pipeline account (a one-account sandbox).").meta({ examples: [false] }),
    source: SourceSchema.describe("The repository the pipeline builds from: CodeCommit, or GitHub, GitLab or Bitbucket through CodeConnections."),
    build: BuildSchema.prefault({}).describe("The CodeBuild project that builds the source."),
    images: ImagesSchema.prefault({}).describe("The image repository in the pipeline account."),
    grants: z.enum(["roles", "organization"]).meta({ expected: "roles (name each role) or organization (any role of the path's names in the organization)" })
        .default("roles")
        .describe("How the artifact stores, the image repository and the pipeline role admit the targets' roles: by their ARNs, " +
            "or (when the lists outgrow AWS's policy size limits) by `aws:PrincipalOrgID` plus the role-name pattern.")
        .meta({ examples: ["roles"] }),
    organizationId: matching(/^o-[a-z0-9]{10,32}$/, "an AWS Organizations id").optional()
        .describe("With grants: organization, the organization every account of the path belongs to.")
        .meta({ examples: ["o-a1b2c3d4e5"], derivedDefault: "none" }),
    approvalTimeoutMinutes: wholeNumber(5, 86400, "minutes").default(DEFAULT_APPROVAL_TIMEOUT_MINUTES)
        .describe("Minutes a manual approval waits before it fails (CodePipeline's default: 7 days). Artifact retention must " +
            "cover it (see artifactRetentionDays).")
        .meta({ examples: [DEFAULT_APPROVAL_TIMEOUT_MINUTES] }),
    notifications: NotificationsSchema.optional()
        .describe("Tell people: failed executions, approvals needed (and succeeded executions), by email and Slack.")
        .meta({ derivedDefault: "none: nobody is told" }),
    artifactRetentionDays: wholeNumber(1, 3650, "days").optional()
        .describe("Days after which artifacts (and their old versions) expire. At least what a stage rollback needs: the build's " +
            "timeout plus, at the slowest stage, twice the longest way out of it (each approval at approvalTimeoutMinutes, each " +
            "deployment a day plus its termination wait) (README: A release that rolls back by itself).")
        .meta({ examples: [30], derivedDefault: `${DEFAULT_ARTIFACT_RETENTION_DAYS}, or the least a stage rollback needs when that is more` }),
    retainOnDelete: yesNo().default(true)
        .describe("Keep the source repository, keys, artifact buckets, image repository, log groups and created targets' " +
            "network log buckets (and the buckets' and repository's guards) when they leave the stack.")
        .meta({ examples: [true] }),
    adopt: AdoptSchema.prefault({})
        .describe("After `pulumi destroy`: kept resources to adopt (Pulumi's `import`, by name) instead of creating them again."),
});
export const ConfigSchema = ConfigShape.superRefine(targetAccounts, ALWAYS).superRefine(targetResourcesInTargetAccount, ALWAYS)
    .superRefine(rolesInRegionPartition, ALWAYS)
    .superRefine(checksCanPass, ALWAYS).superRefine(releasePath, ALWAYS).superRefine(organizationGrants, ALWAYS)
    .superRefine(connectionUsableFromPipelineAccount, ALWAYS).superRefine(artifactsOutliveRollback, ALWAYS)
    .superRefine(chatbotInPartition, ALWAYS);

// Reading: derived defaults, the parse, the engine's config.

/** A stack's validated configuration, every default filled in: one complete pipeline. */
export type StackConfig = ReturnType<typeof withDerivedDefaults>;
/** An AWS account that this program provisions into. */
export type AccountConfig = StackConfig["pipelineAccount"];
/** One target of the release path. */
export type TargetConfig = StackConfig["targets"][number];
/** An existing CodeDeploy-for-ECS blue/green target, made outside this program. */
export type ExistingTargetConfig = NonNullable<TargetConfig["existing"]>;
/** A source through CodeConnections: GitHub, GitLab, Bitbucket or a server of the user's own. */
export type ConnectionSourceConfig = Exclude<StackConfig["source"], { provider: "CodeCommit" }>;

/** The defaults that depend on other keys or on the project and stack (the schema's `derivedDefault`s). */
function withDerivedDefaults(project: string, stack: string, c: z.output<typeof ConfigSchema>) {
    const prefix = `${project}-${stack}`;
    return {
        project,
        stack,
        ...c,
        // The program knows what a rollback needs: an absent key is never too short.
        artifactRetentionDays: c.artifactRetentionDays ?? Math.max(DEFAULT_ARTIFACT_RETENTION_DAYS, minimumArtifactRetentionDays(c)),
        targets: c.targets.map(t => ({ ...t, region: t.region ?? c.region, ...deployTarget(t, t.legacyNames ? prefix : `${prefix}-${t.name}`) })),
        images: { ...c.images, repositoryName: c.images.repositoryName ?? prefix.toLowerCase() },
        notifications: c.notifications && {
            ...c.notifications,
            slack: c.notifications.slack && { ...c.notifications.slack, region: c.notifications.slack.region ?? chatbotRegionFor(c.region) },
        },
    };
}

/** A target's create or existing block with its defaults: a created one's service is `serviceName` by default. */
function deployTarget({ create, existing }: z.output<typeof TargetSchema>, serviceName: string) {
    if (existing) {
        return { create: undefined, existing: { ...existing, logGroupName: existing.logGroupName ?? `/ecs/${existing.taskFamily}` } };
    }
    const t = { ...create!, serviceName: create!.serviceName ?? serviceName };
    const { vpcId, publicSubnetIds, privateSubnetIds, ...network } = t.network;
    return {
        existing: undefined,
        create: {
            ...t,
            taskFamily: t.taskFamily ?? t.serviceName,
            productionPort: t.productionPort ?? defaultListenerPort(t.certificateArn !== undefined),
            network: {
                ...network,
                existing: vpcId ? { vpcId, publicSubnetIds: publicSubnetIds!, privateSubnetIds: privateSubnetIds ?? [] } : undefined,
            },
        },
    };
}

/**
 * Validates raw config (the project's namespace, keys without the `project:` prefix) for one
 * stack. Pure: tests call it with plain objects. Throws a ConfigError listing every problem.
 * `otherKeys` are the stack's keys of other namespaces: one that looks like a missing key of
 * ours (`aws:region`) is named in that key's problem. A stack file of the single-target shape
 * (before `targets`) is refused with its conversion: the lines say which keys, the block below
 * them what to write instead, and the other problems are those of the converted file.
 */
export function parseConfig(project: string, stack: string, raw: Record<string, unknown>, otherKeys: string[] = []): StackConfig {
    const file = `Pulumi.${stack}.yaml`;
    const old = convertSingleTarget(project, stack, raw);
    const input = old?.converted ?? raw;
    const result = ConfigSchema.superRefine(adoptedNames(project, stack), ALWAYS).superRefine(policySizes(project, stack), ALWAYS)
        .safeParse(input);
    const problems = result.success ? [] : problemLines(file, project, ConfigShape, result.error.issues, input, otherKeys);
    if (old) {
        throw new ConfigError([...old.keys.map(key => `${file}: ${project}:${key}: expected the targets list, which replaced ` +
            `targetAccount, deployTarget and manualApproval; found the single-target key; for example the targets block below`),
        ...problems], old.block);
    }
    if (!result.success) {
        throw new ConfigError(problems);
    }
    return withDerivedDefaults(project, stack, result.data);
}

/** Reads and validates the current stack's config from the Pulumi engine. */
export function loadConfig(): StackConfig {
    const project = pulumi.getProject();
    const prefix = `${project}:`;
    const raw: Record<string, unknown> = {};
    const otherKeys: string[] = [];
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = decode(value);
        } else {
            otherKeys.push(key);
        }
    }
    return parseConfig(project, pulumi.getStack(), raw, otherKeys);
}

/** Decodes Pulumi's string config values: structured keys and booleans/numbers arrive as JSON text. */
function decode(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/** The account id in an ARN. */
export function arnAccount(arn: string): string {
    return arn.split(":")[4];
}

// Cross-field rules. Each runs whatever else failed (ALWAYS) and first asks `valid` whether the
// keys it reads parsed cleanly, so one mistake is reported once, at its own key, and never
// again as a mismatch with another key.

type Ctx = z.core.$RefinementCtx;

/** False when a value's issue (not an unknown key, not another rule's mismatch) is at, below or above one of these keys. */
function valid(ctx: Ctx, ...paths: Path[]): boolean {
    const overlaps = (a: PropertyKey[], b: Path) => a.slice(0, b.length).every((k, i) => k === b[i]) ||
        b.slice(0, a.length).every((k, i) => k === a[i]);
    return !ctx.issues.some(i => i.code !== "unrecognized_keys" && !(i.code === "custom" && i.params?.kind !== "value") &&
        paths.some(p => overlaps(i.path ?? [], p)));
}

/**
 * Reports a rule's problem: the key, what was expected there, and an example that would pass.
 * A cross-field problem leaves the values valid for other rules; one that `supersedes` hides
 * the problems below its key (inside a block that must go anyway).
 */
function problem(ctx: Ctx, path: Path, expected: string, example: string, kind: "value" | "crossField" | "supersedes" = "crossField") {
    ctx.addIssue({ code: "custom", path, message: expected, params: { expected, example, kind } });
}

function roleInOwnAccount(a: { accountId: string; provisioningRoleArn?: string }, ctx: Ctx) {
    if (valid(ctx, ["accountId"], ["provisioningRoleArn"]) && a.provisioningRoleArn &&
        arnAccount(a.provisioningRoleArn) !== a.accountId) {
        problem(ctx, ["provisioningRoleArn"], `a role in account ${a.accountId} (the block's accountId)`,
            `arn:aws:iam::${a.accountId}:role/pulumi-provisioner`);
    }
}

type Config = z.output<typeof ConfigShape>;

/** The targets that parsed, with their index: rules about targets skip a list that is not one. */
const targetsOf = (c: Config) => isBlock(c) && Array.isArray(c.targets)
    ? c.targets.map((t, i) => ({ t, i, at: (...path: Path) => ["targets", i, ...path] as Path })).filter(({ t }) => isBlock(t))
    : [];

/**
 * Targets in another account than the pipeline's (unless allowSameAccount), and one provisioning
 * role per account: the stack has one provider per account and region, which assumes one role.
 */
function targetAccounts(c: Config, ctx: Ctx) {
    const roles = new Map<string, { role?: string; key: string }>();
    if (valid(ctx, ["pipelineAccount"])) {
        roles.set(c.pipelineAccount.accountId, { role: c.pipelineAccount.provisioningRoleArn, key: "pipelineAccount" });
    }
    for (const { t, i, at } of targetsOf(c).filter(({ at }) => valid(ctx, at("account")))) {
        const { accountId, provisioningRoleArn } = t.account;
        if (valid(ctx, ["pipelineAccount", "accountId"], ["allowSameAccount"]) && !c.allowSameAccount &&
            accountId === c.pipelineAccount.accountId) {
            problem(ctx, at("account", "accountId"),
                "an account other than pipelineAccount.accountId (or set allowSameAccount: true for a one-account sandbox)",
                '"222222222222"');
        }
        const first = roles.get(accountId);
        if (first && first.role !== provisioningRoleArn && (accountId !== c.pipelineAccount?.accountId || c.allowSameAccount)) {
            problem(ctx, at("account", "provisioningRoleArn"), `the provisioning role ${first.key} names for account ${accountId} ` +
                "(the stack has one provider per account and region)", first.role ?? "(leave it out, as there)");
        }
        roles.set(accountId, first ?? { role: provisioningRoleArn, key: `targets[${i}].account` });
    }
}

/**
 * An existing target's roles are its account's; a certificate is its account's, in its region;
 * its region is one of the stack region's partition (one partition: one set of ARNs and accounts).
 */
function targetResourcesInTargetAccount(c: Config, ctx: Ctx) {
    if (!valid(ctx, ["region"])) {
        return;
    }
    const partition = partitionOf(c.region);
    for (const { t, at } of targetsOf(c).filter(({ at }) => valid(ctx, at("account", "accountId"), at("region")))) {
        const account = t.account.accountId;
        const region = t.region ?? c.region;
        if (partitionOf(region) !== partition) {
            problem(ctx, at("region"), `a region of the ${partition} partition, the stack region ${c.region}'s`, c.region, "value");
            continue;
        }
        for (const key of ["taskRoleArn", "executionRoleArn"] as const) {
            const arn = valid(ctx, at("existing", key)) ? t.existing?.[key] : undefined;
            if (arn && arnAccount(arn) !== account) {
                problem(ctx, at("existing", key), `a role in the target account ${account}`, `arn:aws:iam::${account}:role/my-service-task`);
            }
        }
        const certificate = valid(ctx, at("create", "certificateArn")) ? t.create?.certificateArn : undefined;
        if (certificate && certificate.split(":").slice(1, 5).join(":") !== `${partition}:acm:${region}:${account}`) {
            problem(ctx, at("create", "certificateArn"), `an ACM certificate ARN in the target account ${account} and the region ${region}`,
                `arn:${partition}:acm:${region}:${account}:certificate/0a1b2c3d-...`);
        }
    }
}

/**
 * A check can pass: by path only on a created target (the program knows no other's address); over
 * HTTPS only on a name a certificate can cover, never a load balancer's own (stacks/reach.ts).
 */
function checksCanPass(c: Config, ctx: Ctx) {
    for (const { t, at } of targetsOf(c).filter(({ t, at }) => t.check && valid(ctx, at("check"), at("create"), at("existing")))) {
        if (t.check!.path && !t.create) {
            problem(ctx, at("check", "path"), "with existing, a url (the program knows no address of a target it did not make)",
                "https://my-service.example.com/health");
        } else if (t.check!.path && t.create?.certificateArn && !t.create.domainName) {
            problem(ctx, at("create", "domainName"), "with certificateArn and check.path, a name the certificate covers: the check " +
                "would call https on the load balancer's own name (elb.amazonaws.com), which no certificate covers, and curl " +
                "would refuse the handshake", "staging.example.com");
        }
        const request = t.check!.url ? { url: t.check!.url } : t.create && t.check!.path && valid(ctx, at("create", "productionPort"))
            ? checkRequest({ ...t.create, productionPort: t.create.productionPort ?? defaultListenerPort(t.create.certificateArn !== undefined) }, t.check!.path,
                LOAD_BALANCER_STAND_IN) : undefined;
        const size = request && variablesValue(checkVariables(request)).length;
        if (size && size > ACTION_CONFIGURATION_VALUE_MAX) {
            problem(ctx, at("check"), `a check whose variables fit CodePipeline's ${ACTION_CONFIGURATION_VALUE_MAX} characters for an action's ` +
                `configuration value (its URL${request!.connectTo ? ", the domain" : ""} and the load balancer's name would take up to ${size})`,
                "{ path: /health }");
        }
        if (t.check!.url && unverifiableHttps(t.check!.url)) {
            problem(ctx, at("check", "url"), `an https URL on a name of your own domain: ${urlHost(t.check!.url)} is a load balancer's ` +
                "own name, which no certificate covers (ACM issues certificates only for domains you control), so curl would " +
                "refuse the handshake", "https://staging.example.com/health", "value");
        }
    }
}

/** Role ARNs name the partition of the stack's region (arn:aws-cn:... in China): a role of another partition cannot be assumed. */
function rolesInRegionPartition(c: Config, ctx: Ctx) {
    if (!valid(ctx, ["region"])) {
        return;
    }
    const partition = partitionOf(c.region);
    const roles: Path[] = [["pipelineAccount", "provisioningRoleArn"], ...targetsOf(c).flatMap(({ at }) =>
        [at("account", "provisioningRoleArn"), at("existing", "taskRoleArn"), at("existing", "executionRoleArn")])];
    for (const path of roles.filter(p => valid(ctx, p))) {
        const arn = valueAt(c, path);
        if (typeof arn === "string" && arn.split(":")[1] !== partition) {
            problem(ctx, path, `an ARN of the ${partition} partition, the region ${c.region}'s`, arn.replace(/^arn:[^:]+:/, `arn:${partition}:`));
        }
    }
}

/** CodePipeline's limits (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html): stages per pipeline, actions per stage. */
export const MAX_STAGES = 50;
export const MAX_ACTIONS_PER_STAGE = 50;
/** Stage names the pipeline itself uses before the targets' stages. */
const RESERVED_STAGES = ["source", "build"];

/**
 * The path as a pipeline: unique target names; a wave's targets consecutive; stage names (waves,
 * and targets without one) unique and not Source or Build; at most one target with legacy names;
 * no physical name twice in one account and region; within CodePipeline's limits.
 */
function releasePath(c: Config, ctx: Ctx) {
    const targets = targetsOf(c);
    const named = new Map<string, number>();
    for (const { t, i, at } of targets.filter(({ at }) => valid(ctx, at("name")))) {
        if (named.has(t.name)) {
            problem(ctx, at("name"), `a name no other target has (targets[${named.get(t.name)}] is ${t.name})`, `${t.name}-2`);
        }
        named.set(t.name, named.get(t.name) ?? i);
    }
    const stages = pipelineStages(targets.filter(({ at }) => valid(ctx, at("name"), at("wave"))).map(({ t, i }) => ({ ...t, i })));
    stages.forEach((stage, s) => {
        const at = (...path: Path) => ["targets", stage.targets[0].i, ...path] as Path;
        const earlier = stages.slice(0, s);
        if (stage.wave && earlier.some(o => o.wave === stage.wave)) {
            problem(ctx, at("wave"), `the wave's targets one after the other (other targets split wave ${stage.wave})`, `${stage.wave}-2`);
        } else if (RESERVED_STAGES.includes(stage.name) || earlier.some(o => o.name === stage.name && (o.wave || stage.wave))) {
            problem(ctx, at(stage.wave ? "wave" : "name"), `a stage name other than ${[...RESERVED_STAGES, ...earlier.map(o => o.name)].join(", ")} ` +
                "(a wave is a stage named after it)", `${stage.name}-2`);
        }
        if (stage.actions > MAX_ACTIONS_PER_STAGE) {
            problem(ctx, at("wave"), `at most ${MAX_ACTIONS_PER_STAGE} actions in a stage, CodePipeline's limit (the wave ${stage.name} ` +
                `has ${stage.actions}: its markers, deploys and checks); split it into two waves`, `${stage.name}-2`);
        }
    });
    const approvals = stages.filter(s => s.approval).length;
    if (RESERVED_STAGES.length + stages.length + approvals > MAX_STAGES) {
        problem(ctx, ["targets"], `at most ${MAX_STAGES} stages, CodePipeline's limit: Source, Build, one per target or wave and one ` +
            `per approval (found ${RESERVED_STAGES.length + stages.length + approvals}: ${stages.length} of targets, ${approvals} of ` +
            "approvals); deploy targets together in waves", "wave: prod");
    }
    const legacy = targets.filter(({ t }) => t.legacyNames === true);
    legacy.slice(1).forEach(({ at }) => problem(ctx, at("legacyNames"), `legacyNames on one target at most (targets[${legacy[0].i}] has it)`, "false"));
    const claimed = new Map<string, number>();
    for (const { t, i, at } of targets.filter(({ at }) => valid(ctx, at("account", "accountId"), at("region"), at("create"), at("existing")))) {
        const where = `account ${t.account.accountId} and ${t.region ?? c.region}`;
        const claims: [Path, string | undefined][] = t.create
            ? [[at("create", "serviceName"), t.create.serviceName && `the service ${t.create.serviceName}`],
                [at("create", "taskFamily"), (t.create.taskFamily ?? t.create.serviceName) && `the family ${t.create.taskFamily ?? t.create.serviceName}`]]
            : [[at("existing", "deploymentGroupName"), t.existing && `the group ${t.existing.applicationName}/${t.existing.deploymentGroupName}`]];
        for (const [path, claim] of claims.filter(([, claim]) => claim !== undefined)) {
            const other = claimed.get(`${where}: ${claim}`);
            if (other !== undefined) {
                problem(ctx, path, `a name of its own in ${where} (targets[${other}] has ${claim})`, "my-service-2");
            }
            claimed.set(`${where}: ${claim}`, other ?? i);
        }
    }
}

/** The pipeline's stages after Build: consecutive targets of one wave share one; each target without a wave has its own. */
export function pipelineStages<T extends { name: string; wave?: string; approval?: boolean; check?: object }>(targets: T[]) {
    /** `approval`: a target of the stage asks for one, which is a stage of its own before it. */
    const stages: { name: string; wave?: string; targets: T[]; actions: number; approval: boolean }[] = [];
    for (const t of targets) {
        const last = stages[stages.length - 1];
        if (t.wave !== undefined && last?.wave === t.wave) {
            last.targets.push(t);
        } else {
            stages.push({ name: t.wave ?? t.name, wave: t.wave, targets: [t], actions: 0, approval: false });
        }
    }
    // The release marker (and a wave's attempt marker), each deploy and each check; the approval has a stage of its own.
    stages.forEach(s => {
        s.actions = (s.targets.length > 1 ? 2 : 1) + s.targets.length + s.targets.filter(t => t.check).length;
        s.approval = s.targets.some(t => t.approval);
    });
    return stages;
}

/** grants: organization needs the organization's id; the id means nothing without it. */
function organizationGrants(c: Config, ctx: Ctx) {
    if (!valid(ctx, ["grants"], ["organizationId"])) {
        return;
    }
    if (c.grants === "organization" && !c.organizationId) {
        problem(ctx, ["organizationId"], "with grants: organization, the organization's id", "o-a1b2c3d4e5");
    }
    if (c.grants !== "organization" && c.organizationId) {
        problem(ctx, ["grants"], "organization, with organizationId (or leave organizationId out)", "organization");
    }
    // The organization's pattern admits a role of the pipeline account to every store and repository by itself (one
    // account: no second policy to agree); a sandbox target names its roles.
    const sandbox = valid(ctx, ["pipelineAccount", "accountId"]) ? targetsOf(c).find(({ t, at }) => valid(ctx, at("account", "accountId")) &&
        t.account.accountId === c.pipelineAccount.accountId) : undefined;
    if (c.grants === "organization" && sandbox) {
        problem(ctx, ["grants"], `roles while a target is in the pipeline account (targets[${sandbox.i}]): an organization-wide grant ` +
            "would let its roles use every region's store", "roles");
    }
}

/**
 * An adopted resource's import id is the name this stack gives it: another id would adopt another
 * resource (and rename or replace it), and a resource the stack does not create cannot be adopted.
 */
function adoptedNames(project: string, stack: string) {
    return (c: Config, ctx: Ctx) => {
        const asked: { path: Path; key: string; id: unknown; target?: string }[] = [
            ...Object.entries(isBlock(c.adopt) ? c.adopt : {}).map(([key, id]) => ({ path: ["adopt", key], key, id })),
            ...targetsOf(c).flatMap(({ t, at }) => Object.entries(isBlock(t.adopt) ? t.adopt : {})
                .map(([key, id]) => ({ path: at("adopt", key), key, id, target: t.name })))].filter(a => a.id !== undefined);
        if (asked.length === 0 || !valid(ctx, ["source"], ["images"], ["targets"])) {
            return;
        }
        const names = keptNames(withDerivedDefaults(project, stack, c as z.output<typeof ConfigSchema>));
        for (const { path, key, id, target } of asked.filter(a => valid(ctx, a.path))) {
            const name = target === undefined ? names[key as "sourceRepository"] : names.taskLogGroups[target];
            if (name === undefined) {
                const lookedUp = c.source.provider === "CodeCommit"
                    ? "no key: with source.create false the repository is looked up, never created"
                    : `no key: a ${c.source.provider} source has no CodeCommit repository`;
                problem(ctx, path, key === "sourceRepository" ? lookedUp
                    : "no key: with existing the stack creates no container log group", `(remove adopt.${key})`);
            } else if (id !== name) {
                problem(ctx, path, `the name this stack gives it, ${name}`, name);
            }
        }
    };
}

/** The keys the growing documents are computed from (stacks/limits.ts, through the derived defaults). */
const DOCUMENT_KEYS = ["region", "pipelineAccount", "targets", "allowSameAccount", "source", "build", "images", "grants", "organizationId",
    "approvalTimeoutMinutes", "notifications", "artifactRetentionDays"];

/**
 * Resource and inline policies stay within AWS's size limits, computed on the documents the
 * program would register (stacks/limits.ts). A list that outgrows one names the opt-in
 * organization-wide grant; the program never switches by itself.
 */
function policySizes(project: string, stack: string) {
    return (c: Config, ctx: Ctx) => {
        // Whatever else is wrong, as long as the keys the documents are made of are valid: every problem in one run.
        // (A target with neither or both of create and existing is a problem of its own, and no document can be made of it.)
        if (isBlock(c) && valid(ctx, ...DOCUMENT_KEYS.map(k => [k])) && targetsOf(c).every(({ t }) => !t.create !== !t.existing)) {
            for (const { document, size, limit, grants } of oversizedPolicies(withDerivedDefaults(project, stack, c as z.output<typeof ConfigSchema>))) {
                const remedy = grants && c.grants !== "organization"
                    ? ["grants", "grant by organization instead (grants: organization, with organizationId)", "organization"]
                    : ["targets", "fewer targets in one stack (split the path into two stacks)", "[ ...fewer targets ]"];
                problem(ctx, [remedy[0]], `policies within AWS's size limits: the ${document} would have ${size} characters, over ${limit}; ` +
                    remedy[1], remedy[2]);
            }
        }
    };
}

/** Exactly one of create and existing: with both, the problem is the second block (and what is wrong inside it is beside the point). */
function exactlyOneTarget(t: { create?: object; existing?: object }, ctx: Ctx) {
    const expected = "a target with exactly one of create (a target this program makes) or existing (one made elsewhere)";
    if (isBlock(t) && t.create !== undefined && t.existing !== undefined) {
        problem(ctx, ["existing"], expected, "(remove existing, or create)", "supersedes");
    } else if (isBlock(t) && t.create === undefined && t.existing === undefined) {
        problem(ctx, [], expected, "{ name: prod, account: { accountId: \"222222222222\" }, create: { serviceName: my-service } }");
    }
}

function exactlyOneOfPathAndUrl(check: { path?: string; url?: string }, ctx: Ctx) {
    if (isBlock(check) && (check.path === undefined) === (check.url === undefined)) {
        problem(ctx, [], "a block with exactly one of path (of a created target's URL) and url", "{ path: /health }");
    }
}

/**
 * Regions where CodePipeline has no CodeStarSourceConnection action, as AWS lists them
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html;
 * the China regions' edition of that page excludes both China regions). A region AWS adds later is
 * not refused here: `pulumi preview` would be the first to know.
 */
export const NO_CONNECTION_SOURCE_REGIONS: readonly string[] = ["ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
    "ap-northeast-3", "af-south-1", "me-south-1", "me-central-1", "eu-south-2", "eu-central-2", "il-central-1", "us-gov-west-1",
    "cn-north-1", "cn-northwest-1"];

/** What the connection rules read of a source block (written out: the schema refers to the rules). */
interface ConnectionSourceKeys {
    provider: string;
    repository: string;
    connectionArn?: string;
    host?: { arn?: string; endpoint?: string; vpc?: object };
    fullClone?: boolean;
}

/**
 * The connection and host are usable from the pipeline account: the region has the source action;
 * a connection is the pipeline account's, or a `codeconnections` one shared into it (AWS RAM shares
 * no `codestar-connections` connections: https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-share.html);
 * a host is the pipeline account's, in the stack's region (hosts are regional, connections global:
 * https://docs.aws.amazon.com/dtconsole/latest/userguide/welcome-connections-how-it-works-global.html).
 */
function connectionUsableFromPipelineAccount(c: Config, ctx: Ctx) {
    if (!valid(ctx, ["region"], ["source", "provider"]) || !(CONNECTION_PROVIDERS as readonly string[]).includes(c.source.provider)) {
        return;
    }
    const source = c.source as ConnectionSourceKeys;
    if (NO_CONNECTION_SOURCE_REGIONS.includes(c.region)) {
        problem(ctx, ["source", "provider"], `CodeCommit: CodePipeline has no CodeStarSourceConnection action in ${c.region}`, "CodeCommit");
        return;
    }
    if (!valid(ctx, ["pipelineAccount", "accountId"])) {
        return;
    }
    const partition = partitionOf(c.region);
    const account = c.pipelineAccount.accountId;
    const connection = ["source", "connectionArn"];
    if (source.connectionArn && valid(ctx, connection)) {
        const [, arnPartition, service, , owner] = source.connectionArn.split(":");
        if (arnPartition !== partition) {
            problem(ctx, connection, `a connection of the ${partition} partition, the region ${c.region}'s`,
                `arn:${partition}:${service}:${c.region}:${owner}:connection/0a1b2c3d-...`);
        } else if (owner !== account && service === "codestar-connections") {
            problem(ctx, connection, `a connection of the pipeline account ${account}, or a codeconnections one shared into it ` +
                "with AWS RAM (RAM does not share codestar-connections connections)",
                `arn:${partition}:codeconnections:${c.region}:${account}:connection/0a1b2c3d-...`);
        }
    }
    const host = ["source", "host", "arn"];
    if (source.host?.arn && valid(ctx, host)) {
        const [, arnPartition, , region, owner] = source.host.arn.split(":");
        if (`${arnPartition}:${region}:${owner}` !== `${partition}:${c.region}:${account}`) {
            problem(ctx, host, `a host of the pipeline account ${account} in the region ${c.region} (hosts are regional)`,
                `arn:${partition}:codeconnections:${c.region}:${account}:host/my-ghes-0a1b2c3d`);
        }
    }
}

/** GitHub and Bitbucket name a repository owner/name; GitLab nests groups. A host belongs to a created connection to a server. */
function connectionSourceComplete(s: ConnectionSourceKeys, ctx: Ctx) {
    if (!isBlock(s)) {
        return;
    }
    const selfManaged = (SELF_MANAGED_PROVIDERS as readonly string[]).includes(s.provider);
    if (valid(ctx, ["provider"], ["repository"]) && !s.provider.startsWith("GitLab") && s.repository.split("/").length !== 2) {
        problem(ctx, ["repository"], `owner/repository: ${s.provider} names a repository by its owner and its name`, "my-org/my-service");
    }
    if (!valid(ctx, ["provider"], ["connectionArn"], ["host"])) {
        return;
    }
    if (s.connectionArn && s.host) {
        problem(ctx, ["host"], "no host with connectionArn: an existing connection has its host already", "(remove source.host)");
    } else if (s.host && !selfManaged) {
        problem(ctx, ["host"], `no host: ${s.provider} is a cloud service; hosts are for ${SELF_MANAGED_PROVIDERS.join(" and ")}`,
            "(remove source.host)");
    } else if (!s.connectionArn && selfManaged && !s.host) {
        problem(ctx, ["host"], `with provider ${s.provider} and no connectionArn, the host of your server (its endpoint, or an existing host's arn)`,
            "{ endpoint: https://github.example.com }");
    }
    // With a full clone the build itself runs `git clone` against the server
    // (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html, "Full clone"),
    // from CodeBuild's network: the build project has no VPC, so a server reachable only in a VPC is out of its reach.
    if (s.host?.vpc && s.fullClone === true && valid(ctx, ["fullClone"])) {
        problem(ctx, ["fullClone"], "false with host.vpc: a full clone is made by the build, which runs outside the server's VPC and " +
            "cannot reach it (the source archive is fetched by CodeConnections, through the host's VPC)", "false");
    }
}

/** CodePipeline's valid push filters: tags alone, branches, or branches with file paths. */
function pushFilterCombination(f: { tags?: object; branches?: object; filePaths?: object }, ctx: Ctx) {
    if (!isBlock(f)) {
        return;
    }
    if (f.tags && (f.branches || f.filePaths)) {
        problem(ctx, ["tags"], "tags in a filter of their own: CodePipeline filters on tags, branches, or branches with filePaths",
            "a second filter: [{ tags: { includes: [\"v*\"] } }, { branches: { includes: [main] } }]");
    } else if (f.filePaths && !f.branches) {
        problem(ctx, ["filePaths"], "filePaths beside branches: CodePipeline filters file paths only on the branches it names",
            "{ branches: { includes: [main] }, filePaths: { includes: [\"app/**\"] } }");
    } else if (!f.tags && !f.branches) {
        problem(ctx, [], "a block with tags, branches, or branches and filePaths", "{ tags: { includes: [\"v*\"] } }", "value");
    }
}

function includesOrExcludes(c: { includes?: string[]; excludes?: string[] }, ctx: Ctx) {
    if (isBlock(c) && c.includes === undefined && c.excludes === undefined) {
        problem(ctx, [], "a block with includes, excludes or both", "{ includes: [main] }", "value");
    }
}

function oneHost(h: { arn?: string; endpoint?: string; vpc?: object }, ctx: Ctx) {
    if (!isBlock(h)) {
        return;
    }
    if ((h.arn === undefined) === (h.endpoint === undefined)) {
        problem(ctx, [], "a block with exactly one of arn (an existing host) or endpoint (a host to create)",
            "{ endpoint: https://github.example.com }", "supersedes");
    } else if (h.arn && h.vpc) {
        problem(ctx, ["vpc"], "no vpc with arn: an existing host has its own", "(remove source.host.vpc)");
    }
}

/** Fargate offers fixed CPU and memory pairs; any other pair would fail only when ECS registers the task definition. */
function fargateTaskSize(t: { cpu: number; memory: number }, ctx: Ctx) {
    if (!valid(ctx, ["cpu"], ["memory"])) {
        return;
    }
    const offered = FARGATE_MEMORY[t.cpu];
    if (!offered.includes(t.memory)) {
        problem(ctx, ["memory"], `a memory size Fargate offers with ${t.cpu} CPU units: ${sizes(offered)} MiB`, String(offered[0]));
    }
}

/**
 * ECS lets no user but root listen below port 1024 (aws/containers-roadmap#1721): a container that
 * is not root would fail to start and ECS would replace it in a loop.
 */
function portForUser(t: { containerPort: number; containerUser: string }, ctx: Ctx) {
    if (valid(ctx, ["containerPort"], ["containerUser"]) && t.containerPort < 1024 && !isRootUser(t.containerUser)) {
        problem(ctx, ["containerPort"], `a port from 1024, as containerUser ${t.containerUser} is not root ` +
            "(or containerUser: \"0\", a documented exception to Security Hub ECS.20)", "8080");
    }
}

/** A domain is for TLS (a name the certificate covers); it resolves only when there is one. */
function domainWithCertificate(t: { certificateArn?: string; domainName?: string; domainResolves: boolean }, ctx: Ctx) {
    if (!valid(ctx, ["certificateArn"], ["domainName"], ["domainResolves"])) {
        return;
    }
    if (t.domainName && !t.certificateArn) {
        problem(ctx, ["domainName"], "no domainName without certificateArn: it names what the certificate covers (plain HTTP " +
            "reaches the load balancer's own name)", "(remove domainName, or add certificateArn)");
    } else if (t.domainResolves && !t.domainName) {
        problem(ctx, ["domainResolves"], "domainResolves only with domainName, the name DNS resolves", "false");
    }
}

type Network = { vpcId?: string; publicSubnetIds?: string[]; privateSubnetIds?: string[]; subnets: string };

/** With vpcId, the load balancer's subnets (and the tasks' private ones) are needed; without it, subnet ids mean nothing. */
function existingVpcComplete(n: Network, ctx: Ctx) {
    if (!valid(ctx, ["vpcId"], ["publicSubnetIds"], ["privateSubnetIds"])) {
        return;
    }
    const example = '["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]';
    if (n.vpcId && !n.publicSubnetIds) {
        problem(ctx, ["publicSubnetIds"], "with vpcId, a list of at least two public subnet ids for the load balancer", example);
    }
    if (n.vpcId && !n.privateSubnetIds && valid(ctx, ["subnets"]) && n.subnets === "private") {
        problem(ctx, ["privateSubnetIds"], "with vpcId and subnets: private, a list of at least two private subnet ids", example);
    }
    if (!n.vpcId && (n.publicSubnetIds || n.privateSubnetIds)) {
        problem(ctx, ["vpcId"], `the VPC of ${n.publicSubnetIds ? "publicSubnetIds" : "privateSubnetIds"}`, "vpc-0123456789abcdef0");
    }
}

/** AWS refuses a CIDR block with host bits set (10.0.0.1/16); the example is the block's network. */
function networkAddress(block: string, ctx: Ctx) {
    if (!valid(ctx, [])) {
        return;
    }
    const [address, prefix] = block.split("/");
    const bits = address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
    const network = bits - bits % 2 ** (32 - Number(prefix));
    if (network !== bits) {
        const octets = [24, 16, 8, 0].map(shift => Math.floor(network / 2 ** shift) % 256);
        problem(ctx, [], "a network address: the block's host bits zero", `${octets.join(".")}/${prefix}`, "value");
    }
}

// git check-ref-format rules that matter for a branch name typed into a stack file.
function isGitBranchName(name: string): boolean {
    return !/(^[.\/-])|(\/\/)|(\.\.)|([.\/]$)|(\.lock$)|@\{/.test(name);
}

/** Memory sizes as AWS lists them: a few values, or a range in steps. */
function sizes(values: number[]): string {
    const step = values[1] - values[0];
    return values.length > 3 ? `${values[0]} to ${values[values.length - 1]} in steps of ${step}` : values.join(", ");
}

/** CloudWatch's window: the periods an alarm looks back over span at most a day, and it fires on some of them. */
function alarmWindow(a: AlarmCondition, ctx: Ctx) {
    if (!isBlock(a)) {
        return;
    }
    if (valid(ctx, ["periodSeconds"], ["evaluationPeriods"]) && a.periodSeconds * a.evaluationPeriods > 86400) {
        problem(ctx, ["evaluationPeriods"], `at most ${Math.floor(86400 / a.periodSeconds)} periods of ${a.periodSeconds} seconds ` +
            "(CloudWatch evaluates at most a day)", String(Math.min(a.evaluationPeriods, Math.floor(86400 / a.periodSeconds))));
    }
    if (a.datapointsToAlarm !== undefined && valid(ctx, ["datapointsToAlarm"], ["evaluationPeriods"]) && a.datapointsToAlarm > a.evaluationPeriods) {
        problem(ctx, ["datapointsToAlarm"], `at most evaluationPeriods (${a.evaluationPeriods})`, String(a.evaluationPeriods));
    }
}

/** At most CodeDeploy's alarms per deployment group, each named once (a target group alarm counts twice: blue and green). */
function alarmsWithinLimit(a: { extra: { name: string; scope: "loadBalancer" | "targetGroups" | "service" }[]; existing: string[] }, ctx: Ctx) {
    if (!isBlock(a) || !valid(ctx, ["extra"], ["existing"])) {
        return;
    }
    const count = alarmCount(a);
    if (count > MAX_ALARMS_PER_GROUP) {
        problem(ctx, ["extra"], `at most ${MAX_ALARMS_PER_GROUP} alarms per deployment group, CodeDeploy's limit (found ${count}: ` +
            "5 defaults, an extra one per target group scope twice, and the existing ones)", "[ ...fewer alarms ]");
    }
    const taken = new Set<string>(Object.values(DEFAULT_ALARMS).map(d => d.name));
    a.extra.forEach((x, i) => {
        if (taken.has(x.name)) {
            problem(ctx, ["extra", i, "name"], `a name no other alarm of the target has (${[...taken].join(", ")} are taken)`, `${x.name}-2`);
        }
        taken.add(x.name);
    });
    a.existing.forEach((name, i) => {
        if (a.existing.indexOf(name) !== i) {
            problem(ctx, ["existing"], "each alarm once", "[my-service-checkout-errors]");
        }
    });
}

function uniqueEmails(n: { emails: string[] }, ctx: Ctx) {
    if (isBlock(n) && valid(ctx, ["emails"])) {
        const lower = n.emails.map(e => e.toLowerCase());
        const twice = lower.find((e, i) => lower.indexOf(e) !== i);
        if (twice) {
            problem(ctx, ["emails"], `each address once (${twice} is there twice)`, `[${twice}]`);
        }
    }
}

/** Artifacts outlive what a stage rollback needs of them: minimumArtifactRetentionDays, from the approvals and their timeout. */
function artifactsOutliveRollback(c: Config, ctx: Ctx) {
    if (!isBlock(c) || !valid(ctx, ["artifactRetentionDays"], ["approvalTimeoutMinutes"], ["targets"], ["build"])) {
        return;
    }
    const minimum = minimumArtifactRetentionDays(c);
    if (c.artifactRetentionDays !== undefined && c.artifactRetentionDays < minimum) {
        problem(ctx, ["artifactRetentionDays"], `at least ${minimum} days: a stage rollback may read an execution's artifacts that long ` +
            `after its build, with this path's approvals (${c.approvalTimeoutMinutes} minutes each), deployments and build ` +
            "(or a shorter approvalTimeoutMinutes)", String(minimum));
    }
}

/** AWS Chatbot's API runs in regions of the aws partition only (https://docs.aws.amazon.com/chatbot/latest/APIReference/Welcome.html). */
function chatbotInPartition(c: Config, ctx: Ctx) {
    if (isBlock(c) && isBlock(c.notifications) && c.notifications.slack && valid(ctx, ["region"], ["notifications", "slack"]) &&
        partitionOf(c.region) !== "aws") {
        problem(ctx, ["notifications", "slack"], `no Slack channel in the ${partitionOf(c.region)} partition: AWS Chatbot's API runs in ` +
            `${CHATBOT_REGIONS.join(", ")} only (emails work everywhere)`, "(remove notifications.slack)");
    }
}
