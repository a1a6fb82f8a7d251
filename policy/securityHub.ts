// The AWS Foundational Security Best Practices (FSBP) controls of AWS Security Hub that apply to
// what the program creates, one rule each. Every control is data: the resource types it
// evaluates and why a resource fails it, read from the resource's properties (and, for a stack
// rule, from the resources that configure it). A resource may fail a control only if its
// `security-hub-exceptions` tag declares it (SECURITY.md gives the reason); a declaration a
// resource does not need fails too. SECURITY.md's control table is generated from these checks.
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    AUTHORIZED_PUBLIC_PORTS, declaredExceptions, EXCEPTION_TAG, HIGH_RISK_PORTS, isInternet, isRootUser,
} from "../components/securityHub";
import { configuring, label, list, read, UNKNOWN } from "./props";

export interface FsbpControl {
    /** Security Hub's control id: `ECS.12`. */
    id: string;
    /** Security Hub's title of the control. */
    title: string;
    /** The rule's name where it predates this list; else `security-hub-<id>`. */
    name?: string;
    /** What the rule checks, in the program's terms. */
    checks: string;
    /** The Pulumi types of the resources the control evaluates. */
    types: string[];
    /** Of those types, the resources it evaluates; all of them when absent. */
    appliesTo?(r: PolicyResource): boolean;
    /** The check reads other resources of the stack: a stack rule (after the update); else a resource rule (before it). */
    stack?: true;
    /** Why a resource fails the control; none when it passes. Values not known yet (preview) fail nothing. */
    failures(r: PolicyResource, stack: PolicyResource[]): string[];
    /** The controls a resource declares as exceptions, where not in its own tags. */
    declared?(r: PolicyResource): string[];
}

export type Status = "pass" | "exception" | "fail";

/** How one resource stands against one control, and what the pack reports about it. */
export function verdict(c: FsbpControl, r: PolicyResource, stack: PolicyResource[]): { status: Status; messages: string[] } {
    const failures = c.failures(r, stack);
    const tags = read(() => r.props.tags);
    const declared = (c.declared ? c.declared(r) : declaredExceptions(tags === UNKNOWN ? undefined : tags)).includes(c.id);
    const where = label(r.type, r.name);
    if (failures.length > 0) {
        return declared ? { status: "exception", messages: [] } : {
            status: "fail",
            messages: failures.map(f => `${where} fails Security Hub ${c.id} (${c.title}): ${f}. Fix it, or declare ${c.id} in its ` +
                `${EXCEPTION_TAG} tag and give the reason in SECURITY.md.`),
        };
    }
    return declared
        ? { status: "fail", messages: [`${where} declares an exception to Security Hub ${c.id} but passes it; ` +
            `remove ${c.id} from its ${EXCEPTION_TAG} tag.`] }
        : { status: "pass", messages: [] };
}

/** Whether a control evaluates a resource. */
export const applies = (c: FsbpControl, r: PolicyResource) => c.types.includes(r.type) && (c.appliesTo?.(r) ?? true);

export const ruleName = (c: FsbpControl) => c.name ?? `security-hub-${c.id.toLowerCase().replace(".", "-")}`;

/** The pack's rule for a control: mandatory, a resource rule unless the check reads the stack. */
export function ruleOf(c: FsbpControl): ResourceValidationPolicy | StackValidationPolicy {
    const common = {
        name: ruleName(c),
        description: `Security Hub ${c.id}, "${c.title}": ${c.checks} A resource whose ${EXCEPTION_TAG} tag lists ${c.id} ` +
            "fails it by the stack's choice (a documented exception).",
        enforcementLevel: "mandatory" as const,
    };
    if (c.stack) {
        return {
            ...common,
            validateStack: (args, report) => {
                for (const r of args.resources.filter(x => applies(c, x))) {
                    verdict(c, r, args.resources).messages.forEach(m => report(m, r.urn));
                }
            },
        };
    }
    return {
        ...common,
        validateResource: (args, report) => {
            const r: PolicyResource = { type: args.type, name: args.name, urn: args.urn, props: args.props, opts: args.opts,
                dependencies: [], propertyDependencies: {}, isType: args.isType, asType: args.asType };
            if (applies(c, r)) {
                verdict(c, r, []).messages.forEach(m => report(m));
            }
        },
    };
}

// ---------------------------------------------------------------- reading

/** A property by path; UNKNOWN while it is not known (preview). */
function at(r: PolicyResource, ...path: string[]): unknown {
    return read(() => path.reduce<any>((v, k) => v?.[k], r.props));
}

/** The container definitions of a task definition (a JSON string, as the provider takes them). */
function containers(r: PolicyResource): Record<string, any>[] {
    const value = at(r, "containerDefinitions");
    if (typeof value === "string") {
        try {
            return list(JSON.parse(value));
        } catch {
            return [];
        }
    }
    return Array.isArray(value) ? value : [];
}

/** A CodeBuild project's environment variables; a value not known yet (an ARN, in preview) is UNKNOWN. */
function environmentOf(r: PolicyResource): Record<string, { value: unknown; type: unknown }> {
    const variables = at(r, "environment", "environmentVariables");
    return Object.fromEntries(list(variables === UNKNOWN ? [] : variables as any[])
        .map(v => [v.name, { value: read(() => v.value), type: read(() => v.type) }]));
}

/** The failure when `bad` holds for a known value. */
const when = (value: unknown, bad: (v: any) => boolean, failure: string): string[] => value !== UNKNOWN && bad(value) ? [failure] : [];

// ---------------------------------------------------------------- types

const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
const BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl";
const KEY = "aws:kms/key:Key";
const REPOSITORY = "aws:ecr/repository:Repository";
const LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
const PROJECT = "aws:codebuild/project:Project";
const VPCS = ["aws:ec2/vpc:Vpc", "awsx:ec2:Vpc"];
const AWSX_VPC = "awsx:ec2:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const LOAD_BALANCERS = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
const LISTENERS = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
const CLUSTER = "aws:ecs/cluster:Cluster";
const SERVICE = "aws:ecs/service:Service";
const TASK_SET = "aws:ecs/taskSet:TaskSet";
const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";

/** A VPC's id as other resources name it: awsx's `vpcId` output, or the VPC resource's `id`. */
const VPC_KEYS = ["vpcId", "id"];
const ofVpc = (vpc: PolicyResource, type: string, stack: PolicyResource[]) => configuring(vpc, type, stack, "vpcId", VPC_KEYS);
const ofBucket = (bucket: PolicyResource, type: string, stack: PolicyResource[]) =>
    configuring(bucket, type, stack, "bucket", ["bucket", "id"]);

// ---------------------------------------------------------------- S3 and KMS

/** A Deny for everyone of all S3 actions on the bucket and its objects without TLS (any one bucket while its name is unknown). */
function deniesInsecureTransport(s: any, bucketName: string | undefined): boolean {
    const resources = list<string>(s.Resource);
    const name = bucketName?.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") ?? "[^/]+";
    const covers = (suffix: string) => resources.some(r => new RegExp(`:s3:::${name}${suffix}$`).test(r));
    const insecure = Object.entries(s.Condition ?? {}).filter(([op]) => op.toLowerCase() === "bool")
        .flatMap(([, keys]) => Object.entries(keys as object).filter(([k]) => k.toLowerCase() === "aws:securetransport"))
        .flatMap(([, v]) => list(v)).map(v => String(v).toLowerCase());
    const everyone = s.Principal === "*" || list(s.Principal?.AWS).includes("*");
    return s.Effect === "Deny" && everyone && list<string>(s.Action).some(a => a === "*" || a.toLowerCase() === "s3:*")
        && covers("") && covers("/\\*") && insecure.length > 0 && insecure.every(v => v === "false");
}

/**
 * A bucket policy's statements. Read plainly: a policy not known yet (preview) throws, and the
 * engine reports that the rule could not run instead of a pass or a false failure.
 */
function policyStatements(policy: PolicyResource): any[] {
    const text = policy.props.policy;
    const doc = typeof text === "string" ? JSON.parse(text) : text;
    return doc ? list(doc.Statement) : [];
}

const s3RequireTls: FsbpControl = {
    id: "S3.5", title: "S3 general purpose buckets should require requests to use SSL", name: "s3-buckets-require-tls",
    checks: "every bucket has a bucket policy that denies s3:* to everyone on the bucket and its objects when aws:SecureTransport is false.",
    types: [BUCKET], stack: true,
    failures: (bucket, stack) => {
        const name = at(bucket, "bucket");
        const statements = ofBucket(bucket, BUCKET_POLICY, stack).flatMap(policyStatements);
        const arn = `arn:...:s3:::${typeof name === "string" ? name : "<bucket>"}`;
        return statements.some(s => deniesInsecureTransport(s, typeof name === "string" ? name : undefined)) ? []
            : [`no bucket policy denies s3:* on ${arn} and ${arn}/* when aws:SecureTransport is false`];
    },
};

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

const s3BlockPublicAccess: FsbpControl = {
    id: "S3.8", title: "S3 general purpose buckets should block public access", name: "s3-buckets-block-public-access",
    checks: "every bucket has a public access block with all four settings true.",
    types: [BUCKET], stack: true,
    failures: (bucket, stack) => {
        const blocks = ofBucket(bucket, PUBLIC_ACCESS_BLOCK, stack);
        return blocks.length === 0 ? [`it has no ${PUBLIC_ACCESS_BLOCK}`] : blocks.flatMap(b => {
            const off = PUBLIC_ACCESS_FLAGS.filter(flag => at(b, flag) !== true && at(b, flag) !== UNKNOWN);
            return off.length > 0 ? [`${label(b.type, b.name)} must set ${off.join(", ")} to true`] : [];
        });
    },
};

const s3NoAcls: FsbpControl = {
    id: "S3.12", title: "ACLs should not be used to manage user access to S3 general purpose buckets",
    checks: "every bucket's ownership controls are BucketOwnerEnforced (ACLs off) and no BucketAcl configures it.",
    types: [BUCKET], stack: true,
    failures: (bucket, stack) => {
        const enforced = ofBucket(bucket, OWNERSHIP, stack)
            .some(o => [UNKNOWN, "BucketOwnerEnforced"].includes(at(o, "rule", "objectOwnership") as any));
        return [...enforced ? [] : ["its object ownership is not BucketOwnerEnforced, so ACLs apply"],
            ...ofBucket(bucket, BUCKET_ACL, stack).map(a => `${label(a.type, a.name)} sets an ACL`)];
    },
};

const kmsRotation: FsbpControl = {
    id: "KMS.4", title: "AWS KMS key rotation should be enabled", name: "kms-keys-rotate",
    checks: "every KMS key sets enableKeyRotation: true.",
    types: [KEY],
    failures: key => when(at(key, "enableKeyRotation"), v => v !== true, "enableKeyRotation is not true"),
};

// ---------------------------------------------------------------- ECR and CodeBuild

const ecrScanOnPush: FsbpControl = {
    id: "ECR.1", title: "ECR private repositories should have image scanning configured",
    checks: "every repository scans images on push.",
    types: [REPOSITORY],
    failures: r => when(at(r, "imageScanningConfiguration", "scanOnPush"), v => v !== true, "imageScanningConfiguration.scanOnPush is not true"),
};

const ecrImmutableTags: FsbpControl = {
    id: "ECR.2", title: "ECR private repositories should have tag immutability configured",
    checks: "every repository's tags are immutable.",
    types: [REPOSITORY],
    failures: r => when(at(r, "imageTagMutability"), v => !String(v).startsWith("IMMUTABLE"), "imageTagMutability is not IMMUTABLE"),
};

const ecrLifecycle: FsbpControl = {
    id: "ECR.3", title: "ECR repositories should have at least one lifecycle policy configured",
    checks: "every repository has a lifecycle policy.",
    types: [REPOSITORY], stack: true,
    failures: (r, stack) => configuring(r, LIFECYCLE_POLICY, stack, "repository", ["name"]).length > 0 ? []
        : ["no lifecycle policy names it"],
};

const codeBuildNoCredentials: FsbpControl = {
    id: "CodeBuild.2", title: "CodeBuild project environment variables should not contain clear text credentials",
    checks: "no project has a plain-text AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY environment variable.",
    types: [PROJECT],
    failures: r => Object.entries(environmentOf(r))
        .filter(([name, v]) => ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].includes(name) && [undefined, "PLAINTEXT"].includes(v.type as any))
        .map(([name]) => `its environment has ${name} in plain text`),
};

const codeBuildEncryptedS3Logs: FsbpControl = {
    id: "CodeBuild.3", title: "CodeBuild S3 logs should be encrypted",
    checks: "no project writes S3 logs with encryption disabled.",
    types: [PROJECT],
    failures: r => when(at(r, "logsConfig", "s3Logs"), v => v?.status === "ENABLED" && v?.encryptionDisabled === true,
        "logsConfig.s3Logs turns encryption off"),
};

const codeBuildLogging: FsbpControl = {
    id: "CodeBuild.4", title: "CodeBuild project environments should have a logging AWS Configuration",
    checks: "every project logs to CloudWatch Logs or S3.",
    types: [PROJECT],
    failures: r => when(at(r, "logsConfig"), v => v?.cloudwatchLogs?.status === "DISABLED" && v?.s3Logs?.status !== "ENABLED",
        "logsConfig turns off both CloudWatch Logs and S3 logs"),
};

const codeBuildUnprivileged: FsbpControl = {
    id: "CodeBuild.5", title: "CodeBuild project environments should not have privileged mode enabled",
    checks: "no project runs in privileged mode.",
    types: [PROJECT],
    failures: r => when(at(r, "environment", "privilegedMode"), v => v === true, "environment.privilegedMode is true"),
};

// ---------------------------------------------------------------- the network

const vpcDefaultGroupClosed: FsbpControl = {
    id: "EC2.2", title: "VPC default security groups should not allow inbound or outbound traffic",
    checks: "every VPC the stack creates has its default security group adopted by a DefaultSecurityGroup without rules.",
    types: VPCS, stack: true,
    failures: (vpc, stack) => {
        const groups = ofVpc(vpc, DEFAULT_SECURITY_GROUP, stack);
        if (groups.length === 0) {
            return ["no aws:ec2/defaultSecurityGroup:DefaultSecurityGroup removes the rules of its default security group"];
        }
        return groups.filter(g => [at(g, "ingress"), at(g, "egress")].some(rules => rules !== UNKNOWN && list(rules as any[]).length > 0))
            .map(g => `${label(g.type, g.name)} leaves rules in the default security group`);
    },
};

const vpcFlowLogs: FsbpControl = {
    id: "EC2.6", title: "VPC flow logging should be enabled in all VPCs",
    checks: "every VPC the stack creates has a flow log.",
    types: VPCS, stack: true,
    failures: (vpc, stack) => ofVpc(vpc, FLOW_LOG, stack).length > 0 ? [] : ["no flow log records its traffic"],
};

/** awsx's subnet specs, or its default layout (a public and a private subnet per zone) without them. */
const subnetSpecs = (vpc: PolicyResource) => {
    const specs = at(vpc, "subnetSpecs");
    return specs === UNKNOWN ? [] : specs === undefined ? [{ type: "Public" }, { type: "Private" }] : list(specs as any[]);
};
const publicSpecs = (vpc: PolicyResource) => subnetSpecs(vpc).filter(s => String(s.type).toLowerCase() === "public");

const subnetsNoPublicIps: FsbpControl = {
    id: "EC2.15", title: "EC2 subnets should not automatically assign public IP addresses",
    checks: "no subnet maps public IPs on launch; an awsx VPC's public subnets always do (awsx takes no setting for it).",
    types: [SUBNET, AWSX_VPC],
    failures: r => r.type === AWSX_VPC
        ? publicSpecs(r).length > 0 ? ["awsx sets mapPublicIpOnLaunch on its public subnets"] : []
        : when(at(r, "mapPublicIpOnLaunch"), v => v === true, "mapPublicIpOnLaunch is true"),
    // An awsx VPC declares it on the subnets it makes: every public subnet spec's tags.
    declared: r => r.type === AWSX_VPC
        ? publicSpecs(r).length > 0 && publicSpecs(r).every(s => declaredExceptions(s.tags).includes("EC2.15")) ? ["EC2.15"] : []
        : declaredExceptions(at(r, "tags")),
};

/** The TCP/UDP port ranges a security group opens to the whole internet, from its inline and separate ingress rules. */
function internetPorts(group: PolicyResource, stack: PolicyResource[]): [number, number][] {
    const range = (rule: Record<string, any>, protocol: unknown): [number, number] =>
        ["-1", "all"].includes(String(protocol)) ? [0, 65535] : [Number(rule.fromPort), Number(rule.toPort)];
    const inline = list(at(group, "ingress") === UNKNOWN ? [] : at(group, "ingress") as any[])
        .filter(r => [...list(r.cidrBlocks), ...list(r.ipv6CidrBlocks)].some(isInternet)).map(r => range(r, r.protocol));
    const separate = configuring(group, INGRESS_RULE, stack, "securityGroupId", ["id"])
        .filter(r => isInternet(at(r, "cidrIpv4")) || isInternet(at(r, "cidrIpv6"))).map(r => range(r.props, at(r, "ipProtocol")));
    const legacy = configuring(group, SECURITY_GROUP_RULE, stack, "securityGroupId", ["id"])
        .filter(r => at(r, "type") === "ingress" && [...list(at(r, "cidrBlocks") as any), ...list(at(r, "ipv6CidrBlocks") as any)].some(isInternet))
        .map(r => range(r.props, at(r, "protocol")));
    return [...inline, ...separate, ...legacy];
}
const ports = ([from, to]: [number, number]) => from === to ? `${from}` : `${from}-${to}`;

const groupsAuthorizedPortsOnly: FsbpControl = {
    id: "EC2.18", title: "Security groups should only allow unrestricted incoming traffic for authorized ports",
    checks: `no security group opens a port other than ${AUTHORIZED_PUBLIC_PORTS.join(" or ")} to 0.0.0.0/0 or ::/0.`,
    types: [SECURITY_GROUP], stack: true,
    failures: (group, stack) => internetPorts(group, stack)
        .filter(([from, to]) => !(from === to && AUTHORIZED_PUBLIC_PORTS.includes(from)))
        .map(r => `it opens port ${ports(r)} to the internet`),
};

const groupsNoHighRiskPorts: FsbpControl = {
    id: "EC2.19", title: "Security groups should not allow unrestricted access to ports with high risk",
    checks: `no security group opens a high-risk port (${HIGH_RISK_PORTS.join(", ")}) to 0.0.0.0/0 or ::/0.`,
    types: [SECURITY_GROUP], stack: true,
    failures: (group, stack) => internetPorts(group, stack)
        .filter(([from, to]) => HIGH_RISK_PORTS.some(p => p >= from && p <= to))
        .map(r => `it opens the high-risk port range ${ports(r)} to the internet`),
};

// ---------------------------------------------------------------- load balancers

const isApplication = (lb: PolicyResource) => [undefined, "application"].includes(at(lb, "loadBalancerType") as any);

const elbRedirectHttp: FsbpControl = {
    id: "ELB.1", title: "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
    checks: "every HTTP listener of an application load balancer only redirects to HTTPS.",
    types: LOAD_BALANCERS, stack: true,
    failures: (lb, stack) => !isApplication(lb) ? [] : LISTENERS
        .flatMap(type => configuring(lb, type, stack, "loadBalancerArn", ["arn"]))
        .filter(l => at(l, "protocol") === "HTTP")
        .filter(l => { const actions = at(l, "defaultActions"); return actions !== UNKNOWN &&
            !list(actions as any[]).every(a => a.type === "redirect" && a.redirect?.protocol === "HTTPS"); })
        .map(l => `${label(l.type, l.name)} serves plain HTTP instead of redirecting to HTTPS`),
};

const elbDropInvalidHeaders: FsbpControl = {
    id: "ELB.4", title: "Application Load Balancer should be configured to drop invalid http headers",
    checks: "every application load balancer sets dropInvalidHeaderFields: true.",
    types: LOAD_BALANCERS,
    failures: lb => isApplication(lb) ? when(at(lb, "dropInvalidHeaderFields"), v => v !== true, "dropInvalidHeaderFields is not true") : [],
};

const elbAccessLogs: FsbpControl = {
    id: "ELB.5", title: "Application and Classic Load Balancers logging should be enabled",
    checks: "every application load balancer writes access logs to a bucket.",
    types: LOAD_BALANCERS,
    failures: lb => isApplication(lb) ? when(at(lb, "accessLogs"), v => v?.enabled !== true || !v?.bucket, "its access logs are off") : [],
};

const elbDeletionProtection: FsbpControl = {
    id: "ELB.6", title: "Application, Gateway, and Network Load Balancers should have deletion protection enabled",
    checks: "every load balancer sets enableDeletionProtection: true.",
    types: LOAD_BALANCERS,
    failures: lb => when(at(lb, "enableDeletionProtection"), v => v !== true, "enableDeletionProtection is not true"),
};

const elbDesyncMitigation: FsbpControl = {
    id: "ELB.12", title: "Application Load Balancer should be configured with defensive or strictest desync mitigation mode",
    checks: "no application load balancer sets desyncMitigationMode to monitor (AWS's default is defensive).",
    types: LOAD_BALANCERS,
    failures: lb => isApplication(lb)
        ? when(at(lb, "desyncMitigationMode"), v => v !== undefined && !["defensive", "strictest"].includes(v), "desyncMitigationMode is monitor")
        : [],
};

const elbMultipleZones: FsbpControl = {
    id: "ELB.13", title: "Application, Network and Gateway Load Balancers should span multiple Availability Zones",
    checks: "every load balancer has subnets (or subnet mappings) in at least two zones.",
    types: LOAD_BALANCERS,
    failures: lb => {
        const subnets = [at(lb, "subnets"), at(lb, "subnetMappings")];
        return subnets.includes(UNKNOWN) || subnets.some(s => list(s as any[]).length >= 2) ? [] : ["it has fewer than two subnets"];
    },
};

// ---------------------------------------------------------------- ECS

const insights: FsbpControl = {
    id: "ECS.12", title: "ECS clusters should use Container Insights",
    checks: "every cluster sets containerInsights to enabled or enhanced.",
    types: [CLUSTER],
    failures: c => when(at(c, "settings"),
        v => !list(v as any[]).some(s => s.name === "containerInsights" && ["enabled", "enhanced"].includes(s.value)),
        "its containerInsights setting is not enabled"),
};

const assignsPublicIp = (r: PolicyResource) => at(r, "networkConfiguration", "assignPublicIp");

const servicesNoPublicIps: FsbpControl = {
    id: "ECS.2", title: "ECS services should not have public IP addresses assigned to them automatically",
    checks: "no service sets networkConfiguration.assignPublicIp.",
    types: [SERVICE],
    failures: s => when(assignsPublicIp(s), v => v === true, "its tasks get public IPs (assignPublicIp)"),
};

const taskSetsNoPublicIps: FsbpControl = {
    id: "ECS.16", title: "ECS task sets should not automatically assign public IP addresses",
    checks: "no task set assigns public IPs; a service deployed by CodeDeploy (or an external controller) gets task sets with its own network.",
    types: [SERVICE, TASK_SET],
    failures: r => r.type === SERVICE && !["CODE_DEPLOY", "EXTERNAL"].includes(at(r, "deploymentController", "type") as any) ? []
        : when(assignsPublicIp(r), v => v === true, r.type === SERVICE ? "the task sets of its deployments get public IPs" : "it assigns public IPs"),
};

/** A build that renders task definitions: one per entry of the targets' list in its project's environment. */
const renders = (r: PolicyResource) => r.type === PROJECT && "DEPLOY_TARGETS_PARTS" in environmentOf(r);
/**
 * The targets a build renders task definitions for: the list's parts DEPLOY_TARGETS_1 ..
 * DEPLOY_TARGETS_<DEPLOY_TARGETS_PARTS> joined in order; undefined while a part is not known (a
 * preview); "unreadable" when the parts do not join to one JSON list (a part missing, cut wrong).
 */
function rendered(r: PolicyResource): Record<string, any>[] | "unreadable" | undefined {
    const environment = environmentOf(r);
    const count = environment.DEPLOY_TARGETS_PARTS?.value;
    const parts = count === UNKNOWN ? [UNKNOWN] : Array.from({ length: Number(count) || 0 }, (_, i) => environment[`DEPLOY_TARGETS_${i + 1}`]?.value);
    if (parts.includes(UNKNOWN)) {
        return undefined;
    }
    try {
        const targets = parts.length > 0 && parts.every(p => typeof p === "string") ? JSON.parse(parts.join("")) : undefined;
        return Array.isArray(targets) ? targets : "unreadable";
    } catch {
        return "unreadable";
    }
}
/** Each rendered task definition that `bad` finds, as a failure; a list that does not read fails too (the build would not render). */
const eachRendered = (bad: (t: Record<string, any>) => boolean, failure: string) => (r: PolicyResource) => {
    const targets = rendered(r);
    return targets === undefined ? [] : targets === "unreadable"
        ? ["its targets' list (DEPLOY_TARGETS_1 .. DEPLOY_TARGETS_<DEPLOY_TARGETS_PARTS>) does not join to one JSON list"]
        : targets.filter(bad).map(t => `the task definition it renders in ${t.files?.taskDefinition} ${failure}`);
};
const eachContainer = (check: (c: Record<string, any>) => string | undefined) => (r: PolicyResource) =>
    containers(r).map(check).filter((f): f is string => !!f);

const taskDefinitionRule = (id: string, title: string, checks: string, check: (c: Record<string, any>) => string | undefined,
    task?: (r: PolicyResource) => string[]): FsbpControl =>
    ({ id, title, checks, types: [TASK_DEFINITION], failures: r => [...task?.(r) ?? [], ...eachContainer(check)(r)] });

const noHostPid = taskDefinitionRule("ECS.3", "ECS task definitions should not share the host's process namespace",
    "no task definition sets pidMode: host.", () => undefined,
    r => when(at(r, "pidMode"), v => v === "host", "pidMode is host"));

const unprivilegedContainers = taskDefinitionRule("ECS.4", "ECS containers should run as non-privileged",
    "no container of a task definition is privileged.", c => c.privileged === true ? `container ${c.name} is privileged` : undefined);

const noSecretsInEnvironment = taskDefinitionRule("ECS.8", "Secrets should not be passed as container environment variables",
    "no container has AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or ECS_ENGINE_AUTH_DATA in its environment.",
    c => list(c.environment).map((v: any) => v.name).find(n => ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"].includes(n))
        ? `container ${c.name} has a credential in its environment` : undefined);

const containersLog = taskDefinitionRule("ECS.9", "ECS task definitions should have a logging configuration",
    "every container has a logConfiguration with a log driver.", c => c.logConfiguration?.logDriver ? undefined : `container ${c.name} has no log driver`);

const noHostNetwork = taskDefinitionRule("ECS.17", "ECS task definitions should not use host network mode",
    "no task definition sets networkMode: host.", () => undefined,
    r => when(at(r, "networkMode"), v => v === "host", "networkMode is host"));

const readOnlyRoot: FsbpControl = {
    id: "ECS.5", title: "ECS containers should be limited to read-only access to root filesystems",
    checks: "every container of a task definition sets readonlyRootFilesystem: true, and so does every task definition a build " +
        "renders (each entry of the targets' list in the project's environment, DEPLOY_TARGETS_<n>, has readonlyRootFilesystem: true).",
    types: [TASK_DEFINITION, PROJECT],
    appliesTo: r => r.type !== PROJECT || renders(r),
    failures: r => r.type === PROJECT
        ? eachRendered(t => t.readonlyRootFilesystem !== true, "has a writable root file system")(r)
        : eachContainer(c => c.readonlyRootFilesystem === true ? undefined : `container ${c.name} has a writable root file system`)(r),
};

const nonRootUser: FsbpControl = {
    id: "ECS.20", title: "ECS Task Definitions should configure non-root users in Linux container definitions",
    checks: "every container of a Linux task definition names a user that is not root, and so does every task definition a build " +
        "renders (each entry's containerUser in the targets' list, DEPLOY_TARGETS_<n>).",
    types: [TASK_DEFINITION, PROJECT],
    appliesTo: r => r.type !== PROJECT || renders(r),
    failures: r => {
        if (r.type === PROJECT) {
            return eachRendered(t => typeof t.containerUser !== "string" || t.containerUser === "" || isRootUser(t.containerUser), "runs as root")(r);
        }
        const family = at(r, "runtimePlatform", "operatingSystemFamily");
        return family !== undefined && family !== "LINUX" ? [] : eachContainer(c =>
            typeof c.user === "string" && c.user !== "" && !isRootUser(c.user) ? undefined : `container ${c.name} runs as root`)(r);
    },
};

const fargateLatest: FsbpControl = {
    id: "ECS.10", title: "ECS Fargate services should run on the latest Fargate platform version",
    checks: "every Fargate service leaves platformVersion unset or LATEST.",
    types: [SERVICE],
    failures: s => at(s, "launchType") !== "FARGATE" ? []
        : when(at(s, "platformVersion"), v => v !== undefined && v !== "LATEST", "platformVersion pins an older Fargate platform"),
};

/** The FSBP controls that apply to what the program creates, in Security Hub's order. */
export const FSBP_CONTROLS: FsbpControl[] = [
    codeBuildNoCredentials, codeBuildEncryptedS3Logs, codeBuildLogging, codeBuildUnprivileged,
    vpcDefaultGroupClosed, vpcFlowLogs, subnetsNoPublicIps, groupsAuthorizedPortsOnly, groupsNoHighRiskPorts,
    ecrScanOnPush, ecrImmutableTags, ecrLifecycle,
    servicesNoPublicIps, noHostPid, unprivilegedContainers, readOnlyRoot, noSecretsInEnvironment, containersLog, fargateLatest,
    insights, taskSetsNoPublicIps, noHostNetwork, nonRootUser,
    elbRedirectHttp, elbDropInvalidHeaders, elbAccessLogs, elbDeletionProtection, elbDesyncMitigation, elbMultipleZones,
    kmsRotation, s3RequireTls, s3BlockPublicAccess, s3NoAcls,
];
