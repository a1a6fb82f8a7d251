import * as pulumi from "@pulumi/pulumi";
import { PLACEHOLDER_IMAGE } from "../components/buildspec";

/** An AWS account that this program provisions into. */
export interface AccountConfig {
    /** The 12-digit account id; the account's provider refuses to act anywhere else. */
    accountId: string;
    /** A role in that account to assume for provisioning; omit to use the ambient credentials as they are. */
    provisioningRoleArn?: string;
}

/** The CodeCommit repository the pipeline builds from. */
export interface SourceConfig {
    repositoryName: string;
    /** false: the repository exists already and is only looked up. */
    create: boolean;
    branch: string;
}

/** The CodeBuild project that builds the source. */
export interface BuildConfig {
    computeType: string;
    image: string;
    timeoutMinutes: number;
    /**
     * Path of a buildspec in the repository, used instead of the one this program generates.
     * It gets the same environment variables (see docs/target.md). Absent: the generated one.
     */
    buildspec?: string;
}

/** What the build renders into taskdef.json and appspec.yaml; the same in both target modes. */
export interface TaskConfig {
    /** Task definition family; every deployment registers a new revision of it. */
    taskFamily: string;
    /** The container that receives the new image and the load balancer's traffic. */
    containerName: string;
    containerPort: number;
    /** Fargate task size: CPU units and MiB. */
    cpu: number;
    memory: number;
    deploymentConfigName: string;
}

/** An existing CodeDeploy-for-ECS blue/green target in the target account, made outside this program. */
export interface ExistingTargetConfig extends TaskConfig {
    applicationName: string;
    deploymentGroupName: string;
    /** The ECS task role and task execution role that the deployment passes to ECS. */
    taskRoleArn: string;
    executionRoleArn: string;
    /** The awslogs log group of the container (in the target account). */
    logGroupName: string;
}

/** Where a created target's tasks and load balancer run. */
export interface NetworkConfig {
    /** private: tasks in private subnets behind one NAT gateway; public: tasks with public IPs, no NAT (a sandbox). */
    subnets: "private" | "public";
    /** CIDR of a created VPC. */
    cidrBlock: string;
    availabilityZones: number;
    /** Use this VPC and these subnets instead of creating a VPC. */
    existing?: { vpcId: string; publicSubnetIds: string[]; privateSubnetIds: string[] };
}

/** An ECS blue/green target that this program creates in the target account. */
export interface CreatedTargetConfig extends TaskConfig {
    /** Physical name of the cluster, service, CodeDeploy application and deployment group. */
    serviceName: string;
    desiredCount: number;
    healthCheckPath: string;
    /** ACM certificate for an HTTPS production listener; absent: HTTP. */
    certificateArn?: string;
    productionPort: number;
    /** The port where CodeDeploy exposes the new version before traffic moves to it. */
    testPort: number;
    /** Who may reach the production listener. */
    ingressCidrs: string[];
    /** Who may reach the test listener; nobody by default. */
    testCidrs: string[];
    /** Minutes the old (blue) tasks keep running after traffic moved, for a fast manual rollback. */
    terminationWaitMinutes: number;
    logRetentionDays: number;
    /** Image of the task definition until the first deployment replaces it. */
    initialImage: string;
    network: NetworkConfig;
}

/** The deploy target: exactly one of a created one and an existing one. */
export type DeployTargetConfig =
    | { create: CreatedTargetConfig; existing?: undefined }
    | { existing: ExistingTargetConfig; create?: undefined };

/** The DEV (pipeline account) ECR repository that the build pushes to and the target pulls from. */
export interface ImagesConfig {
    repositoryName: string;
    /** How many images the lifecycle policy keeps: the rollback depth. */
    keep: number;
}

/** A stack's validated configuration: one complete pipeline. */
export interface StackConfig {
    project: string;
    stack: string;
    region: string;
    /** The tooling account: source, build, pipeline, artifacts. */
    pipelineAccount: AccountConfig;
    /** The account the pipeline deploys into (PROD; staging in a rehearsal stack). */
    targetAccount: AccountConfig;
    source: SourceConfig;
    build: BuildConfig;
    manualApproval: boolean;
    deployTarget: DeployTargetConfig;
    images: ImagesConfig;
    /** Days after which artifacts (and their old versions) expire; at least MIN_ARTIFACT_RETENTION_DAYS. */
    artifactRetentionDays: number;
    /** Keep the repository, key and bucket when they are deleted from the stack. */
    retainOnDelete: boolean;
}

/** Raised for bad stack configuration: one line per problem, no stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map(p => `  - ${p}`).join("\n"));
    }
}

type Check<T> = (value: unknown) => T | undefined;

interface Rule {
    expected: string;
    example: string;
}

/**
 * Artifacts must outlive two back-to-back releases: a manual approval may hold a build's
 * artifacts for 7 days before the deploy reads them, and a rollback of the next release
 * (which may wait 7 days for its own approval) redeploys the previous release's artifacts.
 */
export const MIN_ARTIFACT_RETENTION_DAYS = 14;

const accountIdRule: Rule = { expected: "a 12-digit AWS account id, quoted as a string", example: '"111111111111"' };
const roleArnRule: Rule = { expected: "an IAM role ARN", example: "arn:aws:iam::111111111111:role/pulumi-provisioner" };

/**
 * Reads and validates the project's config namespace in one pass, collecting every problem
 * before failing, so a user fixes a stack file once instead of once per key.
 */
class ConfigReader {
    readonly problems: string[] = [];

    constructor(private readonly file: string, private readonly project: string, readonly raw: Record<string, unknown>) {}

    /** Records one problem; `found` is a value, described for the reader. */
    problem(key: string, rule: Rule, found: unknown, foundText = describe(found)) {
        this.problems.push(`${this.file}: ${this.project}:${key}: expected ${rule.expected}; found ${foundText}; ` +
            `for example ${rule.example}`);
    }

    /** A value checked by `check`; `fallback` when absent (a required key has none). */
    read<T>(key: string, rule: Rule, check: Check<T>, fallback?: T): T {
        const value = lookup(this.raw, key);
        if (value === undefined) {
            if (fallback === undefined) {
                this.problem(key, rule, undefined);
            }
            return fallback as T;
        }
        const result = check(value);
        if (result === undefined) {
            this.problem(key, rule, value);
            return fallback as T;
        }
        return result;
    }
}

function lookup(raw: Record<string, unknown>, key: string): unknown {
    let value: unknown = raw;
    for (const part of key.split(".")) {
        if (!isObject(value)) {
            return undefined;
        }
        value = value[part];
    }
    return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
    if (value === undefined) {
        return "nothing (the key is missing)";
    }
    if (typeof value === "string") {
        return `the string ${JSON.stringify(value)}`;
    }
    return `${Array.isArray(value) ? "a list" : typeof value} ${JSON.stringify(value)}`;
}

const matching = (pattern: RegExp): Check<string> =>
    v => typeof v === "string" && pattern.test(v) ? v : undefined;
const boolean: Check<boolean> = v => typeof v === "boolean" ? v : undefined;
const integer = (min: number, max: number): Check<number> =>
    v => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : undefined;

const accountId = matching(/^\d{12}$/);
const roleArn = matching(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@\/-]{1,64}$/);
const region = matching(/^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-[a-z]+-\d$/);
// git check-ref-format rules that matter for a branch name typed into a stack file.
const branch: Check<string> = v => typeof v === "string" && /^[\w.\/-]{1,100}$/.test(v) &&
    !/(^[.\/-])|(\/\/)|(\.\.)|([.\/]$)|(\.lock$)|@\{/.test(v) ? v : undefined;
const resourceName = (max: number) => matching(new RegExp(`^[A-Za-z0-9][\\w.-]{0,${max - 1}}$`));

const list = <T>(check: Check<T>, min = 0): Check<T[]> =>
    v => Array.isArray(v) && v.length >= min && v.every(x => check(x) !== undefined) ? v as T[] : undefined;
const oneOf = <T extends string>(...values: T[]): Check<T> => v => values.find(x => x === v);
const cidr = matching(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/);
// ECS cluster, service, family and container names: letters, digits, - and _.
const ecsName = matching(/^[A-Za-z0-9][\w-]{0,99}$/);

/**
 * Every key of this project's namespace. A block maps its keys to nested blocks (null for a
 * plain value); a list is a block whose keys all hold plain values.
 */
interface Schema { [key: string]: Schema | string[] | null }
const TASK_KEYS = ["taskFamily", "containerName", "containerPort", "cpu", "memory", "deploymentConfigName"];
const SCHEMA: Schema = {
    region: null,
    pipelineAccount: ["accountId", "provisioningRoleArn"],
    targetAccount: ["accountId", "provisioningRoleArn"],
    allowSameAccount: null,
    source: ["repositoryName", "create", "branch"],
    build: ["computeType", "image", "timeoutMinutes", "buildspec"],
    manualApproval: null,
    deployTarget: {
        create: {
            ...Object.fromEntries([...TASK_KEYS, "serviceName", "desiredCount", "healthCheckPath", "certificateArn",
                "productionPort", "testPort", "ingressCidrs", "testCidrs", "terminationWaitMinutes", "logRetentionDays",
                "initialImage"].map(k => [k, null])),
            network: ["subnets", "cidrBlock", "availabilityZones", "vpcId", "publicSubnetIds", "privateSubnetIds"],
        },
        existing: [...TASK_KEYS, "applicationName", "deploymentGroupName", "taskRoleArn", "executionRoleArn", "logGroupName"],
    },
    images: ["repositoryName", "keep"],
    artifactRetentionDays: null,
    retainOnDelete: null,
};

/** Decodes Pulumi's string config values: structured keys and booleans/numbers arrive as JSON text. */
function decode(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/**
 * Validates raw config (the project's namespace, keys without the `project:` prefix) for one
 * stack. Pure: tests call it with plain objects. Throws a ConfigError listing every problem.
 */
export function parseConfig(project: string, stack: string, raw: Record<string, unknown>): StackConfig {
    const r = new ConfigReader(`Pulumi.${stack}.yaml`, project, raw);
    const account = (key: string): AccountConfig => {
        const id = r.read(`${key}.accountId`, accountIdRule, accountId);
        const role = r.read(`${key}.provisioningRoleArn`, roleArnRule, roleArn, "") || undefined;
        if (id && role && arnAccount(role) !== id) {
            r.problem(`${key}.provisioningRoleArn`,
                { expected: `a role in account ${id} (${key}.accountId)`, example: `arn:aws:iam::${id}:role/pulumi-provisioner` }, role);
        }
        return { accountId: id, provisioningRoleArn: role };
    };

    checkKeys(r, raw);

    const pipelineAccount = account("pipelineAccount");
    const targetAccount = account("targetAccount");
    const allowSameAccount = r.read("allowSameAccount", { expected: "true or false", example: "false" }, boolean, false);
    if (!allowSameAccount && pipelineAccount.accountId && pipelineAccount.accountId === targetAccount.accountId) {
        r.problem("targetAccount.accountId", {
            expected: "an account other than pipelineAccount.accountId (or set allowSameAccount: true for a one-account sandbox)",
            example: '"222222222222"',
        }, targetAccount.accountId);
    }

    const config: StackConfig = {
        project,
        stack,
        region: r.read("region", { expected: "an AWS region name", example: "ap-northeast-2" }, region),
        pipelineAccount,
        targetAccount,
        source: {
            repositoryName: r.read("source.repositoryName",
                { expected: "a CodeCommit repository name (letters, digits, . _ -; at most 100)", example: "my-service" },
                resourceName(100)),
            create: r.read("source.create", { expected: "true (create the repository) or false (use an existing one)", example: "true" }, boolean, true),
            branch: r.read("source.branch", { expected: "a git branch name", example: "main" }, branch, "main"),
        },
        build: {
            computeType: r.read("build.computeType", { expected: "a CodeBuild compute type", example: "BUILD_GENERAL1_SMALL" },
                matching(/^BUILD_GENERAL1_(SMALL|MEDIUM|LARGE|XLARGE|2XLARGE)$/), "BUILD_GENERAL1_SMALL"),
            image: r.read("build.image", { expected: "a CodeBuild image", example: "aws/codebuild/amazonlinux2-x86_64-standard:5.0" },
                matching(/^\S+$/), "aws/codebuild/amazonlinux2-x86_64-standard:5.0"),
            timeoutMinutes: r.read("build.timeoutMinutes", { expected: "a whole number of minutes from 5 to 480", example: "30" },
                integer(5, 480), 30),
            buildspec: r.read("build.buildspec",
                { expected: "a path in the repository (omit it to use the generated buildspec)", example: "buildspec.yml" },
                matching(/^[\w.\/-]+\.ya?ml$/), "") || undefined,
        },
        manualApproval: r.read("manualApproval", { expected: "true or false", example: "true" }, boolean, true),
        deployTarget: deployTarget(r, `${project}-${stack}`, targetAccount.accountId),
        images: {
            repositoryName: r.read("images.repositoryName",
                { expected: "an ECR repository name (lowercase letters, digits, . _ - /)", example: "my-service" },
                matching(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/), `${project}-${stack}`.toLowerCase()),
            keep: r.read("images.keep", { expected: "a whole number of images from 2 to 1000", example: "30" }, integer(2, 1000), 30),
        },
        artifactRetentionDays: r.read("artifactRetentionDays", { expected: `a whole number of days from ${MIN_ARTIFACT_RETENTION_DAYS} to 3650`, example: "30" },
            integer(MIN_ARTIFACT_RETENTION_DAYS, 3650), 30),
        retainOnDelete: r.read("retainOnDelete", { expected: "true or false", example: "true" }, boolean, true),
    };
    if (r.problems.length > 0) {
        throw new ConfigError(r.problems);
    }
    return config;
}

/** A role ARN that must be in the target account. */
function roleIn(r: ConfigReader, key: string, account: string): string {
    const arn = r.read(key, roleArnRule, roleArn);
    if (arn && account && arnAccount(arn) !== account) {
        r.problem(key, { expected: `a role in the target account ${account}`, example: `arn:aws:iam::${account}:role/my-service-task` }, arn);
    }
    return arn;
}

/** The deploy target: exactly one of `deployTarget.create` and `deployTarget.existing`. */
function deployTarget(r: ConfigReader, defaultName: string, targetAccountId: string): DeployTargetConfig {
    const block = lookup(r.raw, "deployTarget");
    const has = (key: string) => isObject(block) && block[key] !== undefined;
    if (has("create") === has("existing")) {
        r.problem("deployTarget", {
            expected: "a block with exactly one of create (a target this program makes) or existing (one made elsewhere)",
            example: "deployTarget: { create: { serviceName: my-service } }",
        }, block);
        return { create: undefined as never };
    }
    const task = (prefix: string, name: string | undefined): TaskConfig => ({
        taskFamily: r.read(`${prefix}.taskFamily`, { expected: "an ECS task definition family", example: "my-service" }, ecsName, name),
        containerName: r.read(`${prefix}.containerName`, { expected: "an ECS container name", example: "app" }, ecsName,
            name ? "app" : undefined),
        containerPort: r.read(`${prefix}.containerPort`, { expected: "a port from 1 to 65535", example: "8080" }, integer(1, 65535),
            name ? 8080 : undefined),
        cpu: r.read(`${prefix}.cpu`, { expected: "Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384", example: "256" },
            v => [256, 512, 1024, 2048, 4096, 8192, 16384].includes(v as number) ? v as number : undefined, 256),
        memory: r.read(`${prefix}.memory`, { expected: "Fargate memory in MiB, from 512 to 122880", example: "512" },
            integer(512, 122880), 512),
        deploymentConfigName: r.read(`${prefix}.deploymentConfigName`,
            { expected: "a CodeDeploy ECS deployment config name", example: "CodeDeployDefault.ECSAllAtOnce" },
            resourceName(100), "CodeDeployDefault.ECSAllAtOnce"),
    });

    if (has("existing")) {
        const p = "deployTarget.existing";
        const t = task(p, undefined);
        return {
            existing: {
                ...t,
                applicationName: r.read(`${p}.applicationName`,
                    { expected: "a CodeDeploy application name", example: "my-service" }, resourceName(100)),
                deploymentGroupName: r.read(`${p}.deploymentGroupName`,
                    { expected: "a CodeDeploy deployment group name", example: "my-service-prod" }, resourceName(100)),
                taskRoleArn: roleIn(r, `${p}.taskRoleArn`, targetAccountId),
                executionRoleArn: roleIn(r, `${p}.executionRoleArn`, targetAccountId),
                logGroupName: r.read(`${p}.logGroupName`, { expected: "a CloudWatch log group name", example: "/ecs/my-service" },
                    matching(/^[\w.\/#-]{1,512}$/), `/ecs/${t.taskFamily}`),
            },
        };
    }

    const p = "deployTarget.create";
    const serviceName = r.read(`${p}.serviceName`,
        { expected: "an ECS service name (letters, digits, - and _; at most 100)", example: "my-service" }, ecsName, defaultName);
    const certificateArn = r.read(`${p}.certificateArn`,
        { expected: `an ACM certificate ARN in the target account${targetAccountId ? ` ${targetAccountId}` : ""}`,
            example: `arn:aws:acm:ap-northeast-2:${targetAccountId || "222222222222"}:certificate/0a1b2c3d-...` },
        // An invalid account id is reported once, at its own key, not again here.
        v => typeof v === "string" && /^arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(v) &&
            (!targetAccountId || arnAccount(v) === targetAccountId) ? v : undefined, "") || undefined;
    const port = (key: string, fallback: number) =>
        r.read(`${p}.${key}`, { expected: "a port from 1 to 65535", example: String(fallback) }, integer(1, 65535), fallback);
    const cidrs = (key: string, fallback: string[]) =>
        r.read(`${p}.${key}`, { expected: "a list of IPv4 CIDR blocks", example: '["203.0.113.0/24"]' }, list(cidr), fallback);
    return {
        create: {
            ...task(p, serviceName),
            serviceName,
            desiredCount: r.read(`${p}.desiredCount`, { expected: "a whole number of tasks from 1 to 100", example: "2" },
                integer(1, 100), 2),
            healthCheckPath: r.read(`${p}.healthCheckPath`, { expected: "an HTTP path starting with /", example: "/health" },
                matching(/^\/[\x21-\x7e]{0,1023}$/), "/health"),
            certificateArn,
            productionPort: port("productionPort", certificateArn ? 443 : 80),
            testPort: port("testPort", 9000),
            ingressCidrs: cidrs("ingressCidrs", ["0.0.0.0/0"]),
            testCidrs: cidrs("testCidrs", []),
            terminationWaitMinutes: r.read(`${p}.terminationWaitMinutes`,
                { expected: "a whole number of minutes from 0 to 2880", example: "5" }, integer(0, 2880), 5),
            logRetentionDays: r.read(`${p}.logRetentionDays`, { expected: "a CloudWatch retention in days", example: "30" },
                v => [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]
                    .includes(v as number) ? v as number : undefined, 30),
            initialImage: r.read(`${p}.initialImage`,
                { expected: "a container image the task can pull before the first deployment", example: "public.ecr.aws/nginx/nginx:stable" },
                matching(/^\S+$/), PLACEHOLDER_IMAGE),
            network: network(r, `${p}.network`),
        },
    };
}

function network(r: ConfigReader, p: string): NetworkConfig {
    const subnets = r.read(`${p}.subnets`,
        { expected: "private (tasks behind one NAT gateway) or public (tasks with public IPs, no NAT)", example: "private" },
        oneOf("private", "public"), "private");
    const vpcId = r.read(`${p}.vpcId`, { expected: "an existing VPC id", example: "vpc-0123456789abcdef0" },
        matching(/^vpc-[0-9a-f]{8,17}$/), "");
    const subnetIds = (key: string, needed: boolean) => {
        const ids = r.read(`${p}.${key}`, { expected: "a list of at least two subnet ids in different availability zones",
            example: '["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]' }, list(matching(/^subnet-[0-9a-f]{8,17}$/), 2),
            needed ? undefined : []);
        if (!vpcId && ids.length > 0) {
            r.problem(`${p}.vpcId`, { expected: `the VPC of ${p}.${key}`, example: "vpc-0123456789abcdef0" }, undefined);
        }
        return ids;
    };
    const existing = {
        vpcId,
        publicSubnetIds: subnetIds("publicSubnetIds", !!vpcId),
        privateSubnetIds: subnetIds("privateSubnetIds", !!vpcId && subnets === "private"),
    };
    return {
        subnets,
        cidrBlock: r.read(`${p}.cidrBlock`, { expected: "an IPv4 CIDR block from /16 to /24", example: "10.0.0.0/16" },
            v => cidr(v) && Number((v as string).split("/")[1]) >= 16 && Number((v as string).split("/")[1]) <= 24 ? v as string : undefined,
            "10.0.0.0/16"),
        availabilityZones: r.read(`${p}.availabilityZones`, { expected: "a whole number from 2 to 6", example: "2" }, integer(2, 6), 2),
        existing: vpcId ? existing : undefined,
    };
}

/** Reports blocks that are not blocks, and keys the schema does not know, with the nearest known key. */
function checkKeys(r: ConfigReader, raw: Record<string, unknown>) {
    const check = (schema: Schema, block: Record<string, unknown>, path: string) => {
        const known = Object.keys(schema);
        const prefix = path ? `${path}.` : "";
        for (const [key, value] of Object.entries(block)) {
            const nested = schema[key];
            if (nested === undefined) {
                const near = nearest(key, known);
                r.problem(`${prefix}${key}`, {
                    expected: `a known key (${known.join(", ")})`,
                    example: near ? `${prefix}${near}, the nearest known key` : `${prefix}${known[0]}`,
                }, undefined, "an unknown key");
            } else if (nested !== null) {
                const inner: Schema = Array.isArray(nested) ? Object.fromEntries(nested.map(k => [k, null])) : nested;
                const name = `${prefix}${key}`;
                if (isObject(value)) {
                    check(inner, value, name);
                } else {
                    const keys = Object.keys(inner);
                    r.problem(name, { expected: `a block with the keys ${keys.join(", ")}`, example: `${key}: { ${keys[0]}: ... }` }, value);
                }
            }
        }
    };
    check(SCHEMA, raw, "");
}

/** The account id in an ARN. */
export function arnAccount(arn: string): string {
    return arn.split(":")[4];
}

/** The closest known key by edit distance, if it is close enough to be a typo. */
function nearest(key: string, known: string[]): string | undefined {
    const scored = known.map(k => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
        .sort((a, b) => a.d - b.d);
    return scored[0] && scored[0].d <= Math.max(2, Math.floor(key.length / 3)) ? scored[0].k : undefined;
}

function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) {
            row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = row;
    }
    return prev[b.length];
}

/** Reads and validates the current stack's config from the Pulumi engine. */
export function loadConfig(): StackConfig {
    const project = pulumi.getProject();
    const prefix = `${project}:`;
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = decode(value);
        }
    }
    return parseConfig(project, pulumi.getStack(), raw);
}
