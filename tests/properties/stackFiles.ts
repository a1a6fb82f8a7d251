// Valid stack files, generated: the whole config space a user may write, not just the two
// committed stacks. One arbitrary per block of the stack file, so a new config key gets its
// generator next to its block's (and a new block its own arbitrary, joined in `stackFiles`).
// Only configurations AWS would accept: regions of the partitions the program supports,
// Fargate task sizes from AWS's table, CIDRs on their network boundary, names within limits.
import * as aws from "@pulumi/aws";
import fc from "fast-check";
import * as yaml from "js-yaml";
import { RawConfig, stackFileConfig } from "../../offline/engine/engine";
import { CONNECTION_PROVIDERS, SELF_MANAGED_PROVIDERS } from "../../components/SourceConnection";
import { alarmCount, COMPARISONS, MAX_ALARMS_PER_GROUP } from "../../components/alarms";
import { CHATBOT_REGIONS } from "../../components/PipelineNotifications";
import { minimumArtifactRetentionDays } from "../../stacks/config/releasePath";
import { StackConfig } from "../../stacks/config/stackConfig";
import { parseConfig } from "../../stacks/validation/parse";
import { NO_CONNECTION_SOURCE_REGIONS } from "../../stacks/validation/rules";
import { keptNames, stackNames } from "../../stacks/names";
import { partitionOfRegion, SUPPORTED } from "../support/partitions";

/** A stack file as a user writes it, with the project it belongs to. */
export interface StackFile {
    /** The `name:` of Pulumi.yaml: the namespace of the config keys. */
    project: string;
    stack: string;
    /** The `config:` block of Pulumi.<stack>.yaml. */
    config: RawConfig;
}

/** The regions `@pulumi/aws` knows in the partitions the program supports, by AWS's own partitions data. */
export const REGIONS: string[] = Object.values(aws.Region).filter(r => SUPPORTED.includes(partitionOfRegion(r).id));
/** A region's partition as ARNs name it. */
export const partitionName = (region: string) => partitionOfRegion(region).outputs.name;

/** An account id the access table keeps for "a third account": never one of the stack's. */
const THIRD_ACCOUNT = "999999999999";

/**
 * Fargate's task sizes: CPU units and the memory (MiB) each allows.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
const steps = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
export const FARGATE_SIZES: [cpu: number, memory: number][] = [
    [256, [512, 1024, 2048]], [512, steps(1024, 4096, 1024)], [1024, steps(2048, 8192, 1024)],
    [2048, steps(4096, 16384, 1024)], [4096, steps(8192, 30720, 1024)], [8192, steps(16384, 61440, 4096)],
    [16384, steps(32768, 122880, 8192)],
].flatMap(([cpu, memories]) => (memories as number[]).map(memory => [cpu as number, memory] as [number, number]));

const text = (chars: string, minLength: number, maxLength: number) =>
    fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const ALNUM = `${LOWER}${LOWER.toUpperCase()}0123456789`;
const HEX = "0123456789abcdef";
const word = text(`${LOWER}0123456789`, 1, 12);
/** Words joined by one of `separators`, at most `max` characters. */
const joined = (separators: string, max: number, words = word) =>
    fc.tuple(fc.array(words, { minLength: 1, maxLength: 8 }), fc.constantFrom(...separators))
        .map(([ws, sep]) => ws.join(sep).slice(0, max).replace(/[^a-z0-9]+$/i, ""))
        .filter(s => s.length > 0);
/** A key that may be left out of the stack file (its default applies). */
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

/** Without the keys that were left out, and without a block that is left empty. */
function compact<T extends Record<string, unknown>>(block: T): Partial<T> | undefined {
    const kept = Object.entries(block).filter(([, v]) => v !== undefined);
    return kept.length ? Object.fromEntries(kept) as Partial<T> : undefined;
}

/**
 * Project and stack names as Pulumi allows them: 1 to 100 letters, digits, `-`, `_`, `.`;
 * readable ones, long ones, and any mix of those characters.
 */
const PULUMI_NAME_CHARS = `${ALNUM}-_.`;
const padding = fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 100 }) });
export const pulumiName = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(joined("-_.", 100), padding).map(([s, pad]) => (pad ? `${s}-${"x".repeat(pad)}` : s).slice(0, 100)) },
    { weight: 1, arbitrary: text(PULUMI_NAME_CHARS, 1, 100) },
);
export const projectName = fc.oneof({ weight: 2, arbitrary: fc.constant("cross-account-pipeline") }, { weight: 1, arbitrary: pulumiName });

export const region = fc.constantFrom(...REGIONS);

export const accountId = text("0123456789", 12, 12).filter(id => id !== THIRD_ACCOUNT);
const roleName = fc.tuple(fc.constantFrom("", "/", "/ci/", "/platform/deploy/"), text(`${ALNUM}+=,.@_-`, 1, 40))
    .map(([path, name]) => `${path === "" ? "" : path.replace(/^\//, "")}${name}`);
const roleArn = (partitionName: string, account: string) => roleName.map(name => `arn:${partitionName}:iam::${account}:role/${name}`);

/** An account block: its id and, maybe, the role to provision it with. */
const accountBlock = (regionName: string, id: string) =>
    fc.record({ accountId: fc.constant(id), provisioningRoleArn: optional(roleArn(partitionName(regionName), id)) }).map(compact);

/**
 * `pipelineAccount`, `allowSameAccount`, and the accounts the targets share: one to three others,
 * and in one stack in ten the pipeline's own too (a sandbox, with `allowSameAccount`). An account
 * has one block, so the targets in it name one provisioning role, as the validator wants.
 */
export const accounts = (regionName: string) => fc.tuple(accountId, fc.uniqueArray(accountId, { minLength: 1, maxLength: 3 }),
    fc.integer({ min: 0, max: 9 })).chain(([pipeline, ids, mode]) => {
    const others = ids.filter(id => id !== pipeline);
    // Shrinking may leave no other account: then a sandbox too.
    const oneAccount = mode === 9 || others.length === 0;
    return fc.record({
        pipelineAccount: accountBlock(regionName, pipeline),
        others: fc.tuple(...others.map(id => accountBlock(regionName, id))),
        allowSameAccount: oneAccount ? fc.constant(true) : optional(fc.boolean()),
    }).map(({ pipelineAccount, others, allowSameAccount }) => ({
        pipelineAccount, allowSameAccount, pool: oneAccount ? [pipelineAccount!, ...others] : others,
    }));
});

/** A branch name git accepts: segments joined by `/`. */
const branch = fc.oneof(fc.constantFrom("main", "develop", "trunk"), joined("/", 100, joined("-_.", 30)))
    .filter(name => !/\.lock(\/|$)/.test(name));
/** `source` with CodeCommit: the repository, created or existing; `provider` written or left out (it is the default). */
const codeCommitSource = fc.record({
    provider: optional(fc.constant("CodeCommit")),
    repositoryName: text(`${ALNUM}_.-`, 1, 99).map(s => `r${s}`).filter(s => !s.endsWith(".git")),
    create: optional(fc.boolean()),
    branch: optional(branch),
}).map(compact);

const UUID_GROUPS = [8, 4, 4, 4, 12];
const connectionId = fc.tuple(...UUID_GROUPS.map(n => text(HEX, n, n))).map(groups => groups.join("-"));
/** A region of the same partition: connections are global, their ARN names the region they were made in. */
const regionOfPartition = (regionName: string) => fc.constantFrom(...REGIONS.filter(r => partitionName(r) === partitionName(regionName)));
const connectionArn = (regionName: string, prefix: string, account: fc.Arbitrary<string>) =>
    fc.tuple(regionOfPartition(regionName), account, connectionId)
        .map(([r, a, id]) => `arn:${partitionName(regionName)}:${prefix}:${r}:${a}:connection/${id}`);

/**
 * An existing connection: the pipeline account's, under either service prefix; or a `codeconnections`
 * one another account (the target account, or one of the organization's) shares with AWS RAM.
 */
const existingConnection = (regionName: string, pipelineAccount: string, targetAccount: string) => fc.oneof(
    connectionArn(regionName, "codeconnections", fc.constant(pipelineAccount)),
    connectionArn(regionName, "codestar-connections", fc.constant(pipelineAccount)),
    connectionArn(regionName, "codeconnections", fc.oneof(fc.constant(targetAccount), accountId.filter(a => a !== pipelineAccount))),
);

/** A server's host: an existing one of the pipeline account in the stack's region, or one to create (maybe in a VPC). */
const host = (regionName: string, pipelineAccount: string) => fc.oneof(
    fc.record({ arn: fc.tuple(fc.constantFrom("codeconnections", "codestar-connections"), joined("-", 40), text(HEX, 8, 8))
        .map(([prefix, name, id]) => `arn:${partitionName(regionName)}:${prefix}:${regionName}:${pipelineAccount}:host/${name}-${id}`) }),
    fc.record({
        endpoint: fc.tuple(joined(".", 60), fc.constantFrom("", "/git", "/scm/")).map(([domain, path]) => `https://${domain}.example.com${path}`),
        vpc: optional(fc.record({
            vpcId: resourceId("vpc"),
            subnetIds: fc.uniqueArray(resourceId("subnet"), { minLength: 1, maxLength: 10 }),
            securityGroupIds: fc.uniqueArray(resourceId("sg"), { minLength: 1, maxLength: 10 }),
            tlsCertificate: optional(text(`${ALNUM}+/`, 64, 256).map(body => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`)),
        }).map(compact)),
    }).map(compact),
);

/** Trigger patterns: globs as people write them, up to CodePipeline's 255 characters, 1 to 8 of them. */
const patterns = fc.array(fc.oneof(
    fc.tuple(joined("/", 60, joined("-_.", 20)), fc.constantFrom("", "*", "/**", "/**/*.ts", "-*")).map(([p, glob]) => `${p}${glob}`),
    text(`${ALNUM}*?/._-`, 1, 255),
), { minLength: 1, maxLength: 8 });
/** Includes, excludes, or both. */
const criteria = fc.oneof(
    fc.record({ includes: patterns }), fc.record({ excludes: patterns }), fc.record({ includes: patterns, excludes: patterns }),
);
/** One push filter, in each combination CodePipeline takes: tags, branches, branches with file paths. */
const pushFilter = fc.oneof(
    fc.record({ tags: criteria }), fc.record({ branches: criteria }), fc.record({ branches: criteria, filePaths: criteria }),
);

/** `source` through a CodeConnections connection: any provider, a created or an existing connection, triggers or none. */
const connectionSource = (regionName: string, pipelineAccount: string, targetAccount: string) => fc.record({
    provider: fc.constantFrom(...CONNECTION_PROVIDERS),
    segments: fc.array(text(`${ALNUM}_.-`, 1, 40), { minLength: 2, maxLength: 4 }),
    branch: optional(branch),
    connectionArn: optional(existingConnection(regionName, pipelineAccount, targetAccount)),
    host: host(regionName, pipelineAccount),
    fullClone: optional(fc.boolean()),
    triggers: optional(fc.array(pushFilter, { minLength: 1, maxLength: 3 })),
}).map(({ provider, segments, host: server, ...keys }) => {
    // A created connection to a server of one's own goes through its host.
    const host = SELF_MANAGED_PROVIDERS.includes(provider) && !keys.connectionArn ? server : undefined;
    return compact({
        provider,
        // GitHub and Bitbucket: owner/name; GitLab nests groups.
        repository: (provider.startsWith("GitLab") ? segments : segments.slice(0, 2)).join("/"),
        host,
        ...keys,
        // The build cannot reach a server in a VPC for a full clone (validation refuses it).
        fullClone: host && "vpc" in host && host.vpc ? undefined : keys.fullClone,
    });
});

/** `source`: CodeCommit, or (where the region has CodeStarSourceConnection) a repository through a connection. */
export const source = (regionName: string, pipelineAccount: string, targetAccount: string) =>
    NO_CONNECTION_SOURCE_REGIONS.includes(regionName) ? codeCommitSource
        : fc.oneof(codeCommitSource, connectionSource(regionName, pipelineAccount, targetAccount));

/** `build`: the CodeBuild project (x86 images: the project's environment is LINUX_CONTAINER). */
export const build = fc.record({
    computeType: optional(fc.constantFrom(...["SMALL", "MEDIUM", "LARGE", "XLARGE", "2XLARGE"].map(s => `BUILD_GENERAL1_${s}`))),
    image: optional(fc.constantFrom("aws/codebuild/amazonlinux2-x86_64-standard:5.0", "aws/codebuild/standard:7.0")),
    timeoutMinutes: optional(fc.integer({ min: 5, max: 480 })),
    buildspec: optional(fc.tuple(joined("/", 60, joined("-_.", 20)), fc.constantFrom(".yml", ".yaml")).map(([path, ext]) => `${path}${ext}`)),
}).map(compact);

/** An IPv4 CIDR block on its network boundary. */
const cidr = (minPrefix: number, maxPrefix: number, first = fc.integer({ min: 0, max: 255 })) =>
    fc.tuple(first, fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: minPrefix, max: maxPrefix })).map(([a, rest, prefix]) => {
        const address = ((a << 24) | rest) >>> 0;
        const network = prefix === 0 ? 0 : (address & (~0 << (32 - prefix))) >>> 0;
        return `${[24, 16, 8, 0].map(shift => (network >>> shift) & 255).join(".")}/${prefix}`;
    });
const resourceId = (kind: string) => text(HEX, 17, 17).map(id => `${kind}-${id}`);
const ecsName = text(`${ALNUM}_-`, 1, 99).map(s => `s${s}`);
const port = fc.integer({ min: 1, max: 65535 });
const taskSize = fc.option(fc.constantFrom(...FARGATE_SIZES), { nil: undefined });
const deploymentConfigName = optional(fc.constantFrom("CodeDeployDefault.ECSAllAtOnce", "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes", "CodeDeployDefault.ECSCanary10Percent5Minutes", "CodeDeployDefault.ECSCanary10Percent15Minutes"));
/** A container user: a uid, uid:gid, a name or name:group; root in some of them (a documented exception). */
const containerUser = fc.constantFrom("1000:1000", "65534", "node", "app:app", "1001:0", "root", "0", "0:0");
const rootUser = (user: string | undefined) => user !== undefined && ["root", "0"].includes(user.split(":")[0]);
/**
 * The task keys both kinds of target have; cpu and memory as a pair Fargate offers, or neither. A
 * user that is not root (the default's, 1000:1000) listens from port 1024: below, the user is root.
 */
const task = (required: boolean) => fc.record({
    taskFamily: required ? ecsName : optional(ecsName),
    containerName: required ? ecsName : optional(ecsName),
    containerPort: required ? port : optional(port),
    size: taskSize,
    deploymentConfigName,
    readonlyRootFilesystem: optional(fc.boolean()),
    containerUser: optional(containerUser),
    rootForLowPort: fc.constantFrom("root", "0", "0:1000"),
}).map(({ size, rootForLowPort, ...keys }) => ({
    ...keys, cpu: size?.[0], memory: size?.[1],
    containerUser: (keys.containerPort ?? 8080) < 1024 && !rootUser(keys.containerUser) ? rootForLowPort : keys.containerUser,
}));

/** `deployTarget.create.network`: a VPC created in private or public subnets, or an existing one. */
const network = fc.oneof(
    fc.record({
        subnets: optional(fc.constantFrom("private", "public")),
        cidrBlock: optional(cidr(16, 24, fc.constantFrom(10, 172, 192))),
        // Every supported region has at least two zones; some have only that many.
        availabilityZones: optional(fc.constant(2)),
    }),
    fc.record({ subnets: fc.constantFrom("private", "public"), vpcId: resourceId("vpc") }).chain(({ subnets, vpcId }) => fc.record({
        subnets: fc.constant(subnets),
        vpcId: fc.constant(vpcId),
        publicSubnetIds: fc.uniqueArray(resourceId("subnet"), { minLength: 2, maxLength: 4 }),
        privateSubnetIds: subnets === "private" ? fc.uniqueArray(resourceId("subnet"), { minLength: 2, maxLength: 4 }) : fc.constant(undefined),
    })),
).map(compact);

/** An alarm's window (CloudWatch evaluates at most a day), and how many of its periods must breach. */
const alarmWindow = fc.record({
    periodSeconds: fc.constantFrom(60, 120, 300, 900, 3600),
    evaluationPeriods: fc.integer({ min: 1, max: 24 }),
    datapointsFraction: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
}).map(({ periodSeconds, evaluationPeriods, datapointsFraction }) => compact({
    periodSeconds, evaluationPeriods,
    datapointsToAlarm: datapointsFraction === undefined ? undefined : 1 + Math.floor(datapointsFraction * (evaluationPeriods - 1)),
})!);
const tuning = fc.record({ threshold: optional(fc.double({ min: 0, max: 1000, noNaN: true })), window: optional(alarmWindow) })
    .map(({ threshold, window }) => compact({ threshold, ...window }) ?? {});
const extraAlarm = fc.record({
    name: fc.tuple(fc.constantFrom(...LOWER), text(`${LOWER}0123456789-`, 0, 38)).map(([a, b]) => `${a}${b}`.replace(/-+$/, "")),
    metric: fc.constantFrom("TargetResponseTime", "RequestCount", "HTTPCode_Target_4XX_Count", "CPUUtilization", "MemoryUtilization"),
    scope: fc.constantFrom("loadBalancer", "targetGroups", "service"),
    statistic: fc.constantFrom("Average", "Sum", "Maximum", "Minimum", "SampleCount", "p99", "p95.5", "p50"),
    comparison: optional(fc.constantFrom(...COMPARISONS)),
    threshold: fc.double({ min: 0, max: 1000, noNaN: true }),
    window: optional(alarmWindow),
}).map(({ window, ...alarm }) => compact({ ...alarm, ...window })!);
/**
 * `rollbackAlarms`: the defaults, some tuned, extra ones (names unique, none a default's) and existing
 * ones, cut to CodeDeploy's limit of 10 per deployment group.
 */
const rollbackAlarms = fc.record({
    loadBalancer5xx: optional(tuning), target5xx: optional(tuning), unhealthyHosts: optional(tuning),
    extra: optional(fc.uniqueArray(extraAlarm, { maxLength: 5, selector: a => a.name })
        .map(list => list.filter(a => !["elb-5xx", "target-5xx", "unhealthy-hosts"].includes(a.name as string)))),
    existing: optional(fc.uniqueArray(fc.tuple(joined("-_.", 60), fc.constantFrom("", " errors", "/p99")).map(([n, tail]) => `${n}${tail}`),
        { maxLength: 5 })),
}).map(a => {
    const extra = [...a.extra ?? []];
    const existing = [...a.existing ?? []];
    while (alarmCount({ extra: extra as { scope: "loadBalancer" }[], existing }) > MAX_ALARMS_PER_GROUP) {
        (existing.length ? existing : extra).pop();
    }
    return compact({ ...a, extra: a.extra && extra, existing: a.existing && existing }) ?? {};
});

/** `create`: an ECS blue/green target this program creates, in its account and region. */
const createdTarget = (regionName: string, targetAccount: string) => fc.record({
    task: task(false),
    serviceName: optional(ecsName),
    desiredCount: optional(fc.integer({ min: 1, max: 100 })),
    healthCheckPath: optional(joined("/", 100, joined("-_.", 20)).map(p => `/${p}`)),
    certificateArn: optional(text(HEX, 8, 8).map(id => `arn:${partitionName(regionName)}:acm:${regionName}:${targetAccount}:certificate/${id}-0000-4000-8000-000000000000`)),
    // A name the certificate covers (never without one), and whether DNS points it at the load balancer.
    domain: optional(fc.record({ domainName: fc.constantFrom("staging.example.com", "app-1.eu.example.org"), domainResolves: optional(fc.boolean()) })),
    ports: fc.tuple(optional(port), optional(port)),
    ingressCidrs: optional(fc.array(cidr(0, 32), { maxLength: 3 })),
    testCidrs: optional(fc.array(cidr(0, 32), { maxLength: 3 })),
    terminationWaitMinutes: optional(fc.integer({ min: 0, max: 2880 })),
    deletionProtection: optional(fc.boolean()),
    networkLogRetentionDays: optional(fc.integer({ min: 1, max: 3650 })),
    logRetentionDays: optional(fc.constantFrom(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)),
    initialImage: optional(fc.constantFrom("public.ecr.aws/nginx/nginx:stable-alpine", "public.ecr.aws/docker/library/httpd:2.4")),
    network: optional(network),
    rollbackAlarms: optional(rollbackAlarms),
}).filter(t => {
    // The two listeners of one load balancer need two ports.
    const production = t.ports[0] ?? (t.certificateArn ? 443 : 80);
    return production !== (t.ports[1] ?? 9000);
}).map(({ task: keys, ports: [productionPort, testPort], domain, ...rest }) =>
    compact({ ...keys, ...rest, ...rest.certificateArn ? domain : {}, productionPort, testPort }) ?? {});

/** `existing`: an ECS blue/green target made elsewhere, named by config. */
const existingTarget = (regionName: string, targetAccount: string) => fc.record({
    task: task(true),
    applicationName: text(`${ALNUM}_.-`, 1, 99).map(s => `a${s}`),
    deploymentGroupName: text(`${ALNUM}_.-`, 1, 99).map(s => `g${s}`),
    taskRoleArn: roleArn(partitionName(regionName), targetAccount),
    executionRoleArn: roleArn(partitionName(regionName), targetAccount),
    logGroupName: optional(joined("/", 200, joined("-_.#", 40)).map(p => `/${p}`)),
}).map(({ task: keys, ...rest }) => compact({ ...keys, ...rest }));

/** A target's `create` or `existing` block: exactly one. */
const deployBlock = (regionName: string, targetAccount: string): fc.Arbitrary<{ create?: Record<string, any>; existing?: Record<string, any> }> => fc.oneof(
    { weight: 3, arbitrary: createdTarget(regionName, targetAccount).map(create => ({ create })) },
    { weight: 2, arbitrary: existingTarget(regionName, targetAccount).map(existing => ({ existing })) },
);

/** The regions of a partition: a target may be in any of its stack region's partition. */
const partitionRegions = (regionName: string) => REGIONS.filter(r => partitionName(r) === partitionName(regionName));

/** A target's name made unique by its place `i`, after `internal-` where it starts so. */
const placed = (name: string, i: number) =>
    (name.startsWith("internal-") ? `internal-t${i}${name.slice("internal-".length)}` : `t${i}${name}`).slice(0, 24).replace(/-+$/, "");

/**
 * One target: its account (of the pool), region (or the stack's), approval, check, deploy block,
 * and what places it in a wave (joining the one before, or a wave of its own). Its name is made
 * unique by its place; `i` is that place.
 */
const target = (regionName: string, pool: Record<string, any>[], i: number) => fc.record({
    name: stageName,
    account: fc.constantFrom(...pool),
    region: optional(fc.constantFrom(...partitionRegions(regionName))),
    approval: optional(fc.boolean()),
    joinsWave: i > 0 ? fc.boolean() : fc.constant(false),
    wave: optional(stageName),
    checkPath: fc.boolean(),
    // Candidates for a collision: the name before's, followed by a tail the program derives names with;
    // or the name of one of the pipeline's own actions, without case.
    named: optional(i === 0 ? fc.constant({ literal: "markreleased" })
        : fc.constantFrom<{ tail: string } | { literal: string }>(...DERIVED_TAILS.map(tail => ({ tail })), ...i === 1 ? [{ literal: "markattempt" }] : [])),
}).chain(t => deployBlock(t.region ?? regionName, t.account.accountId).chain(block => fc.record({
    check: optional<object>(block.create && t.checkPath ? fc.record({ path: fc.constantFrom("/", "/health", "/ready?probe=check") })
        : fc.record({ url: fc.constantFrom("https://staging.example.com/health", "http://10.0.0.1:8080/") })),
}).map(({ check }) => ({ ...t, ...withCheckDomain(block, check), name: placed(t.name, i), check }))));

/** A check by path over HTTPS needs a name the certificate covers (the load balancer's own has none). */
const withCheckDomain = (block: { create?: Record<string, any>; existing?: Record<string, any> }, check?: { path?: string }) =>
    check?.path && block.create?.certificateArn && !block.create.domainName
        ? { ...block, create: { ...block.create, domainName: "check.example.com" } } : block;

/** Tails the program appends to a target's name (actions, logical names, roles), and so a target's name may end with. */
const DERIVED_TAILS = ["check", "target", "deploy", "task", "task-execution", "codedeploy", "approve"];

/**
 * A target or wave name: lowercase letters, digits and `-`, starting with a letter; up to the schema's 24 characters;
 * sometimes `internal-...`, which ELB reserves at the start of a load balancer's name.
 */
const stageName = fc.tuple(fc.oneof({ arbitrary: fc.constantFrom(...LOWER), weight: 4 }, { arbitrary: fc.constant("internal-"), weight: 1 }),
    text(`${LOWER}0123456789-`, 0, 23))
    .map(([first, rest]) => `${first}${rest}`.slice(0, 24).replace(/-+$/, ""));

/**
 * `targets`: one to four targets in path order. Consecutive targets that join a wave share one
 * (named `w<place>...`, so no wave is named like a target, `t<place>...`); at most one keeps
 * legacy names. Names of services and groups that could clash in one account and region end with
 * the target's place.
 */
export const targets = (regionName: string, pool: Record<string, any>[]) => fc.integer({ min: 1, max: 4 })
    .chain(n => fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => target(regionName, pool, i))), fc.option(fc.nat(n - 1), { nil: undefined })))
    .map(([list, legacy]) => {
        const waves: (string | undefined)[] = [];
        list.forEach((t, i) => {
            if (t.joinsWave) {
                waves[i] = waves[i - 1] = waves[i - 1] ?? `w${i - 1}`;
            } else {
                waves[i] = t.wave && `w${i}${t.wave}`.slice(0, 24).replace(/-+$/, "");
            }
        });
        // A name the one before has, with a tail (when it fits), or a literal one: both unique in the path.
        list.forEach((t, i) => {
            const name = t.named && ("literal" in t.named ? t.named.literal : `${list[i - 1].name}-${t.named.tail}`);
            if (name && name.length <= 24) {
                t.name = name;
            }
        });
        return list.map(({ joinsWave, checkPath, wave, named, ...t }, i) => {
            const unique = (block: Record<string, any> | undefined, keys: string[]) => block &&
                { ...block, ...Object.fromEntries(keys.filter(k => block[k] !== undefined).map(k => [k, `${block[k].slice(0, 90)}-${i}`])) };
            return compact({
                ...t, wave: waves[i],
                legacyNames: legacy === i ? true : undefined,
                create: unique(t.create, ["serviceName", "taskFamily"]),
                existing: unique(t.existing, ["deploymentGroupName"]),
            })!;
        });
    });

/** `images`: the ECR repository. */
export const images = fc.record({
    repositoryName: optional(fc.tuple(fc.option(joined("._-", 30), { nil: undefined }), joined("._-", 60))
        .map(([namespace, name]) => namespace ? `${namespace}/${name}` : name)),
    keep: optional(fc.integer({ min: 2, max: 1000 })),
}).map(compact);

/**
 * `artifactRetentionDays`: from what a stage rollback of this path needs (its approvals, deployments
 * and build) to 3650, or left out (the program derives it: 30, or that minimum when it is more).
 */
const retention = (project: string, stack: string, keys: Record<string, any>) => {
    const minimum = minimumArtifactRetentionDays(parseConfig(project, stack, { ...keys, artifactRetentionDays: 3650 }));
    return fc.option(fc.integer({ min: minimum, max: 3650 }), { nil: undefined, freq: 2 }).map(days =>
        days === undefined ? keys : { ...keys, artifactRetentionDays: days });
};

/**
 * `adopt` (and each target's): after `pulumi destroy` kept them, the kept resources to adopt instead
 * of creating them again, by the names this stack gives them (the only ids the validator accepts), some or all.
 */
export const adopt = (project: string, stack: string, keys: Record<string, any>) => {
    const { taskLogGroups, ...pipeline } = keptNames(parseConfig(project, stack, keys));
    const kept = [...Object.entries(pipeline).map(([key, name]) => ({ key, name, target: undefined as string | undefined })),
        ...Object.entries(taskLogGroups).map(([target, name]) => ({ key: "taskLogGroup", name, target }))].filter(k => k.name !== undefined);
    return fc.subarray(kept, { minLength: 1 }).map(entries => ({
        ...keys,
        ...entries.some(e => !e.target) ? { adopt: Object.fromEntries(entries.filter(e => !e.target).map(e => [e.key, e.name])) } : {},
        targets: (keys.targets as Record<string, any>[]).map(t => {
            const own = entries.find(e => e.target === t.name);
            return own ? { ...t, adopt: { taskLogGroup: own.name } } : t;
        }),
    }));
};

const emailAddress = fc.tuple(joined("._-+", 30), joined("-", 30), fc.constantFrom("com", "example", "co.uk"))
    .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);
/** `notifications`: emails, succeeded executions, and (AWS Chatbot's API is the aws partition's) a Slack channel, made in any of its regions. */
const notifications = (regionName: string) => fc.record({
    emails: optional(fc.uniqueArray(emailAddress, { maxLength: 3, selector: e => e.toLowerCase() })),
    succeeded: optional(fc.boolean()),
    slack: partitionName(regionName) === "aws" ? optional(fc.record({
        workspaceId: text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 1, 11).map(id => `T${id}`),
        channelId: text(ALNUM, 1, 11).map(id => `C${id}`),
        region: optional(fc.constantFrom(...CHATBOT_REGIONS)),
    }).map(compact)) : fc.constant(undefined),
}).map(n => compact(n) ?? {});

/**
 * Every key of the project's namespace, as `key -> value` (left-out keys absent). `grants:
 * organization` in one stack in five (never with a target in the pipeline account, which the
 * validator refuses).
 */
export const projectConfig = region.chain(regionName => accounts(regionName).chain(({ pool, ...accountKeys }) => fc.record({
    region: fc.constant(regionName),
    ...Object.fromEntries(Object.entries(accountKeys).map(([k, v]) => [k, fc.constant(v)])),
    // A shared connection comes from an account of the pool (a target's, maybe) or another one.
    source: source(regionName, accountKeys.pipelineAccount!.accountId!, (pool as Record<string, any>[])[0].accountId),
    build: optional(build),
    targets: targets(regionName, pool as Record<string, any>[]),
    images: optional(images),
    organization: fc.option(text(`${LOWER}0123456789`, 10, 32).map(id => `o-${id}`), { freq: 4, nil: undefined }),
    approvalTimeoutMinutes: optional(fc.oneof(fc.integer({ min: 5, max: 1440 }), fc.integer({ min: 1440, max: 86400 }))),
    notifications: optional(notifications(regionName)),
    retainOnDelete: optional(fc.boolean()),
}))).map(({ organization, ...keys }: Record<string, any>) => {
    const sandbox = keys.targets.some((t: { account: { accountId: string } }) => t.account.accountId === keys.pipelineAccount.accountId);
    return compact({ ...keys, ...organization && !sandbox ? { grants: "organization", organizationId: organization } : {} })!;
});

/**
 * Whole stack files: a project, a stack, and its config block as a user writes it. The
 * project's keys are written with their namespace (`<project>:region`), without it (`region`,
 * which the Pulumi CLI reads as the project's), or some each way.
 */
export const stackFiles: fc.Arbitrary<StackFile> = fc.record({
    project: projectName, stack: pulumiName, keys: projectConfig, namespaces: fc.constantFrom("all", "none", "some"),
}).chain(file => retention(file.project, file.stack, file.keys).map(keys => ({ ...file, keys })),
).chain(file => optional(adopt(file.project, file.stack, file.keys)).map(adopted => ({ ...file, keys: adopted ?? file.keys })),
).map(({ project, stack, keys, namespaces }) => ({
    project,
    stack,
    config: {
        "pulumi:disable-default-providers": ["aws"],
        ...Object.fromEntries(Object.entries(keys).map(([k, v], i) =>
            [namespaces === "all" || (namespaces === "some" && i % 2 === 0) ? `${project}:${k}` : k, v])),
    },
}));

/** The config of a stack file as the Pulumi CLI reads the pasted file (un-namespaced keys are the project's). */
export function configAsRead(file: StackFile): RawConfig {
    return stackFileConfig(`Pulumi.${file.stack}.yaml`, stackFileText(file), file.project);
}

/** The stack file as a user would paste it into Pulumi.<stack>.yaml. */
export function stackFileText(file: StackFile): string {
    return [
        `# Pulumi.${file.stack}.yaml${file.project === "cross-account-pipeline" ? "" : ` (with name: ${file.project} in Pulumi.yaml)`}`,
        yaml.dump({ config: file.config }, { lineWidth: -1, noRefs: true }).trimEnd(),
    ].join("\n");
}

/** The source's options a stack file exercises. */
function sourceFeatures({ source, pipelineAccount }: StackConfig): string[] {
    if (source.provider === "CodeCommit") {
        return ["CodeCommit source", source.create ? "created repository" : "existing repository"];
    }
    const [, , prefix, , owner] = source.connectionArn?.split(":") ?? [];
    const filters = source.triggers?.map(f => f.tags ? "tags" : f.filePaths ? "branches and file paths" : "branches") ?? [];
    return [
        `${source.provider} source`,
        !source.connectionArn ? "created connection" : owner !== pipelineAccount.accountId ? "shared connection" : `own ${prefix} connection`,
        ...(source.host ? [source.host.arn ? "existing host" : source.host.vpc ? "created host in a VPC" : "created host"] : []),
        source.fullClone ? "full clone" : "source archive",
        ...(filters.length ? filters.map(f => `trigger on ${f}`) : ["no triggers"]),
    ];
}

/** The notification options a stack file exercises. */
function notificationFeatures({ notifications: n, region }: StackConfig): string[] {
    if (!n) {
        return ["no notifications"];
    }
    return [n.emails.length ? "email subscriptions" : "a topic without subscriptions", ...n.succeeded ? ["told of succeeded executions"] : [],
        ...n.slack ? ["Slack channel", n.slack.region === region ? "Slack configuration in the stack's region" : "Slack configuration in another region"] : []];
}

/** The rollback alarm options a created target exercises. */
function alarmFeatures(a: NonNullable<StackConfig["targets"][number]["create"]>["rollbackAlarms"]): string[] {
    if (!a) {
        return ["no rollback alarms"];
    }
    return ["rollback alarms", ...a.extra.map(x => `extra alarm on ${x.scope}`), ...a.existing.length ? ["existing alarms"] : [],
        ...alarmCount(a) === MAX_ALARMS_PER_GROUP ? ["alarms at CodeDeploy's limit"] : [],
        ...a.target5xx.threshold !== 10 || a.unhealthyHosts.evaluationPeriods !== 2 ? ["tuned alarm"] : []];
}

/**
 * What a stack file exercises, as the program reads it: the generator must reach every
 * documented option and combination (tests/properties.test.ts checks that it does).
 */
export function features(file: StackFile, config: StackConfig): string[] {
    const accounts = new Set(config.targets.map(t => t.account.accountId));
    const stages = stackNames(config).stages;
    return [
        `partition ${partitionName(config.region)}`,
        config.targets.length === 1 ? "one target" : "several targets",
        ...config.targets.flatMap(t => {
            const network = t.create?.network;
            const task = t.create ?? t.existing!;
            return [
                t.create ? "created target" : "existing target",
                ...(network ? [`${network.subnets} subnets`, network.existing ? "existing VPC" : "created VPC"] : []),
                ...(t.create ? [t.create.certificateArn ? "HTTPS" : "HTTP", `deletion protection ${t.create.deletionProtection ? "on" : "off"}`,
                    ...alarmFeatures(t.create.rollbackAlarms)] : []),
                `root file system ${task.readonlyRootFilesystem ? "read-only" : "writable"}`,
                `${rootUser(task.containerUser) ? "root" : "non-root"} user`,
                `approval ${t.approval ? "on" : "off"}`,
                `target provisioning role ${t.account.provisioningRoleArn ? "present" : "absent"}`,
                ...(t.check ? [`check by ${t.check.path ? "path" : "url"}`] : []),
                ...(t.check?.path && t.create?.domainName ? ["check through a domain name"] : []),
                ...(config.targets.some(o => DERIVED_TAILS.some(tail => t.name === `${o.name}-${tail}`)) ? ["target named like another's derived name"] : []),
                ...(/^mark(released|attempt)$/.test(t.name) ? ["target named like a pipeline action"] : []),
                ...(t.create && !t.legacyNames && /^internal(-|$)/.test(t.name) ? ["created target named internal"] : []),
                ...(t.create && t.name.length > 11 ? ["created target named past its load balancer's auto-name room"] : []),
                ...(t.create?.domainName ? [`domain ${t.create.domainResolves ? "resolves" : "not in DNS"}`] : []),
                ...(t.region !== config.region ? ["target in another region"] : []),
                ...(t.legacyNames ? ["legacy names"] : []),
                ...(t.account.accountId === config.pipelineAccount.accountId ? ["target in the pipeline account"] : []),
            ];
        }),
        `pipeline provisioning role ${config.pipelineAccount.provisioningRoleArn ? "present" : "absent"}`,
        ...(accounts.size < config.targets.length ? ["targets sharing an account"] : []),
        ...(accounts.size > 1 ? ["targets in several accounts"] : []),
        ...(stages.some(s => s.targets.length > 1) ? ["wave"] : []),
        `grants by ${config.grants}`,
        ...notificationFeatures(config),
        config.approvalTimeoutMinutes === 10080 ? "default approval timeout" : "approval timeout set",
        ...config.artifactRetentionDays === minimumArtifactRetentionDays(config) ? ["artifact retention at its minimum"] : [],
        ...file.config[Object.keys(file.config).find(k => k.endsWith("artifactRetentionDays")) ?? ""] === undefined
            ? [config.artifactRetentionDays > 30 ? "artifact retention derived above the default" : "artifact retention derived"] : [],
        ...sourceFeatures(config),
        config.build.buildspec ? "own buildspec" : "generated buildspec",
        `retain on delete ${config.retainOnDelete ? "on" : "off"}`,
        Object.keys(config.adopt).length || config.targets.some(t => t.adopt.taskLogGroup) ? "adopting kept resources" : "creating kept resources",
        file.project === "cross-account-pipeline" ? "default project" : "other project",
        ...Object.keys(file.config).some(k => !k.includes(":")) ? ["keys without a namespace"] : [],
        ...[...new Set(`${file.project}${file.stack}`.match(/[._-]/g) ?? [])].map(c => `name with ${c}`),
        ...(`${file.project}-${file.stack}`.length > 100 ? ["long names"] : []),
    ];
}
