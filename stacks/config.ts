import * as pulumi from "@pulumi/pulumi";

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
    /** Path of the buildspec in the repository. */
    buildspec: string;
}

/** An existing CodeDeploy-for-ECS blue/green target in the target account. */
export interface DeployTargetConfig {
    applicationName: string;
    deploymentGroupName: string;
    deploymentConfigName: string;
    /** The ECS task role and task execution role that the deployment passes to ECS. */
    taskRoleArn: string;
    executionRoleArn: string;
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

    constructor(private readonly file: string, private readonly project: string, private readonly raw: Record<string, unknown>) {}

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

/** Every key of this project's namespace; a block lists the keys it may hold. */
const SCHEMA: Record<string, string[] | null> = {
    region: null,
    pipelineAccount: ["accountId", "provisioningRoleArn"],
    targetAccount: ["accountId", "provisioningRoleArn"],
    allowSameAccount: null,
    source: ["repositoryName", "create", "branch"],
    build: ["computeType", "image", "timeoutMinutes", "buildspec"],
    manualApproval: null,
    deployTarget: ["applicationName", "deploymentGroupName", "deploymentConfigName", "taskRoleArn", "executionRoleArn"],
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
    const roleIn = (key: string, account: string): string => {
        const arn = r.read(key, roleArnRule, roleArn);
        if (arn && account && arnAccount(arn) !== account) {
            r.problem(key, { expected: `a role in the target account ${account}`, example: `arn:aws:iam::${account}:role/my-service-task` }, arn);
        }
        return arn;
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
            buildspec: r.read("build.buildspec", { expected: "a path in the repository", example: "buildspec.yml" },
                matching(/^[\w.\/-]+\.ya?ml$/), "buildspec.yml"),
        },
        manualApproval: r.read("manualApproval", { expected: "true or false", example: "true" }, boolean, true),
        deployTarget: {
            applicationName: r.read("deployTarget.applicationName",
                { expected: "a CodeDeploy application name", example: "my-service" }, resourceName(100)),
            deploymentGroupName: r.read("deployTarget.deploymentGroupName",
                { expected: "a CodeDeploy deployment group name", example: "my-service-prod" }, resourceName(100)),
            deploymentConfigName: r.read("deployTarget.deploymentConfigName",
                { expected: "a CodeDeploy ECS deployment config name", example: "CodeDeployDefault.ECSAllAtOnce" },
                resourceName(100), "CodeDeployDefault.ECSAllAtOnce"),
            taskRoleArn: roleIn("deployTarget.taskRoleArn", targetAccount.accountId),
            executionRoleArn: roleIn("deployTarget.executionRoleArn", targetAccount.accountId),
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

/** Reports blocks that are not blocks, and keys the schema does not know, with the nearest known key. */
function checkKeys(r: ConfigReader, raw: Record<string, unknown>) {
    const unknownKey = (key: string, known: string[], prefix: string) => {
        const near = nearest(key, known);
        r.problem(`${prefix}${key}`, {
            expected: `a known key (${known.join(", ")})`,
            example: near ? `${prefix}${near}, the nearest known key` : `${prefix}${known[0]}`,
        }, undefined, "an unknown key");
    };
    for (const [key, value] of Object.entries(raw)) {
        const nested = SCHEMA[key];
        if (nested === undefined) {
            unknownKey(key, Object.keys(SCHEMA), "");
        } else if (nested !== null && !isObject(value)) {
            r.problem(key, { expected: `a block with the keys ${nested.join(", ")}`, example: `${key}: { ${nested[0]}: ... }` }, value);
        } else if (nested !== null) {
            Object.keys(value as object).filter(k => !nested.includes(k)).forEach(k => unknownKey(k, nested, `${key}.`));
        }
    }
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
