// The rules of the policy pack, as plain data. policy/index.ts hands them to a PolicyPack;
// tests call each rule's validateResource / validateStack directly. Only types come from
// @pulumi/policy here, so loading this module never starts the policy server.
import type { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../components/policies/logDelivery";
import {
    accountsOf, actionMatches, awsPrincipals, conditionValues, eachAllowStatement, parsePrincipal, policyDocuments, principalIsEveryone,
    ROLE_ARN, Statement,
} from "./documents";
import { configuring, label, list, providerList, read, UNKNOWN } from "./props";
import { FSBP_CONTROLS, ruleOf } from "./securityHub";

// ---------------------------------------------------------------- resource rules

const MANDATORY = "mandatory" as const;

export const awsProvidersPinAccounts: ResourceValidationPolicy = {
    name: "aws-providers-pin-allowed-account-ids",
    description: "Every AWS provider sets allowedAccountIds, so credentials for the wrong account fail instead of deploying there.",
    enforcementLevel: MANDATORY,
    validateResource: (args, report) => {
        if (args.type !== "pulumi:providers:aws") {
            return;
        }
        const ids = read(() => providerList(args.props.allowedAccountIds));
        if (ids === UNKNOWN) {
            return;
        }
        if (ids.length === 0 || !ids.every(id => /^\d{12}$/.test(String(id)))) {
            report(`AWS provider "${args.name}" must set allowedAccountIds to the 12-digit id of its account (found ${JSON.stringify(ids)}).`);
        }
    },
};

export const noWildcardActions: ResourceValidationPolicy = {
    name: "iam-no-wildcard-actions",
    description: "No policy document of any resource allows \"*\", \"<service>:*\" or NotAction: every grant names its actions.",
    enforcementLevel: MANDATORY,
    validateResource: eachAllowStatement((s, where, _args, report) => {
        if (s.NotAction !== undefined) {
            report(`${where} allows NotAction, which grants every other action; list the actions instead.`);
        }
        for (const action of list(s.Action).filter(a => a === "*" || /^[\w-]+:\*$/.test(a))) {
            report(`${where} allows action "${action}"; list the actions it needs instead.`);
        }
    }),
};

export const noPassRoleOnAnyResource: ResourceValidationPolicy = {
    name: "iam-no-passrole-on-any-resource",
    description: "No policy document allows iam:PassRole on Resource \"*\": a role may only pass the roles it names.",
    enforcementLevel: MANDATORY,
    validateResource: eachAllowStatement((s, where, _args, report) => {
        const passes = list(s.Action).some(a => actionMatches(a, "iam:PassRole"));
        const anyResource = list(s.Resource).includes("*") || s.NotResource !== undefined;
        if (passes && anyResource) {
            report(`${where} allows iam:PassRole on any resource; name the roles that may be passed.`);
        }
    }),
};

const AWS_MANAGED_POLICY = /^arn:[\w-]+:iam::aws:policy\//;

export const noAwsManagedPolicies: ResourceValidationPolicy = {
    name: "iam-no-aws-managed-policies",
    description: "No role, user or group gets an AWS managed policy (arn:aws:iam::aws:policy/...): they grant far more than this pipeline needs.",
    enforcementLevel: MANDATORY,
    validateResource: (args, report) => {
        if (!args.type.startsWith("aws:iam/")) {
            return;
        }
        // Role.managedPolicyArns, RolePolicyAttachment/PolicyAttachment.policyArn, *AttachmentsExclusive.policyArns.
        for (const key of ["managedPolicyArns", "policyArn", "policyArns"]) {
            const value = read(() => list(args.props[key] as string | string[]));
            if (value === UNKNOWN) {
                continue;
            }
            for (const arn of value.filter(v => AWS_MANAGED_POLICY.test(String(v)))) {
                report(`${label(args.type, args.name)} attaches the AWS managed policy ${arn} (${key}); grant what it needs in an inline policy.`);
            }
        }
    },
};

export const crossAccountPrincipalsScopedToRoles: ResourceValidationPolicy = {
    name: "cross-account-principals-scoped-to-roles",
    description: "An Allow to an AWS principal of another account (trust, key, bucket or repository policy) names a role, or "
        + "the account root with an aws:PrincipalArn condition naming specific roles; never a bare account. The one exception is "
        + "AWS's own: a region's Elastic Load Balancing log-delivery account, in a bucket policy, for s3:PutObject only.",
    enforcementLevel: MANDATORY,
    validateResource: eachAllowStatement((s, where, args, report) => {
        const own = accountsOf(args.provider);
        const scopedTo = conditionValues(s, ["ArnEquals", "ArnLike", "StringEquals", "StringLike"], "aws:PrincipalArn");
        const scopedToRoles = scopedTo.length > 0
            && scopedTo.every(arn => typeof arn === "string" && ROLE_ARN.test(arn) && !/[*?]/.test(arn));
        for (const p of awsPrincipals(s.Principal)) {
            const parsed = parsePrincipal(p);
            if (!parsed) {
                report(`${where} allows the AWS principal "${p}", whose account cannot be told; use a role ARN.`);
            } else if (own.includes(parsed.account) || isElbLogDelivery(parsed, s, args.type)) {
                continue;
            } else if (parsed.kind === "root" && !scopedToRoles) {
                const unknownOwn = own.length === 0 ? " (this resource's account is unknown: pin its provider's allowedAccountIds)" : "";
                report(`${where} trusts account ${parsed.account} as a whole${unknownOwn}; add an ArnEquals aws:PrincipalArn condition naming its roles.`);
            } else if (parsed.kind === "role" && /[*?]/.test(p)) {
                report(`${where} allows roles matching "${p}" of account ${parsed.account}; name one role.`);
            } else if (parsed.kind === "other") {
                report(`${where} allows "${p}" of account ${parsed.account}; another account may only be trusted through a role.`);
            }
        }
    }),
};

const ELB_ACCOUNTS = new Set(Object.values(ELB_LOG_DELIVERY_ACCOUNTS));

/** AWS's documented access-log grant: an ELB log-delivery account's root may put objects in a bucket, nothing else. */
function isElbLogDelivery(p: { account: string; kind: string }, s: Statement, type: string): boolean {
    return type === "aws:s3/bucketPolicy:BucketPolicy" && p.kind === "root" && ELB_ACCOUNTS.has(p.account)
        && list(s.Action).every(a => a === "s3:PutObject");
}

/** Condition keys that limit who (or which account, org or network) a statement applies to. */
const NARROWING_KEYS = ["aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner", "aws:SourceVpc", "aws:SourceVpce", "kms:CallerAccount"];

export const noPublicPrincipals: ResourceValidationPolicy = {
    name: "no-public-principals",
    description: "No policy document allows Principal \"*\" (or NotPrincipal) without a condition that narrows it to known accounts, roles or networks.",
    enforcementLevel: MANDATORY,
    validateResource: eachAllowStatement((s, where, _args, report) => {
        if (s.NotPrincipal !== undefined) {
            report(`${where} allows NotPrincipal, which admits everyone else; name the principals instead.`);
        }
        const narrowed = NARROWING_KEYS.some(key =>
            conditionValues(s, ["StringEquals", "StringLike", "ArnEquals", "ArnLike"], key).some(v => v !== "*"));
        if (principalIsEveryone(s.Principal) && !narrowed) {
            report(`${where} allows Principal "*" without narrowing it (e.g. aws:PrincipalArn, aws:SourceAccount); that is public access.`);
        }
    }),
};

/** What lets a principal reach repositories through a connection: using it, or handing it to a service. */
const CONNECTION_ACTIONS = ["UseConnection", "PassConnection"];
const CONNECTION_PREFIXES = ["codeconnections", "codestar-connections"];
/** A connection's ARN: `arn:<partition>:<prefix>:<region>:<account>:connection/<id>`. */
const CONNECTION_ARN = /^arn:[\w-]+:([\w-]+):[\w-]*:\d{12}:connection\/[\w-]+$/;
/** A resource pattern that could match some connection: `*`, or an ARN whose service may be a connections prefix. */
const mayMatchConnections = (r: string) => r === "*" || new RegExp(`^arn:[^:]*:(${CONNECTION_PREFIXES.join("|")}|[^:]*[*?][^:]*):`).test(r);

export const connectionsNamedByArn: ResourceValidationPolicy = {
    name: "connections-used-by-arn",
    description: "A grant to use or pass a CodeConnections connection (codeconnections: or codestar-connections:) names the "
        + "connections by ARN, under the action's own service prefix: never \"*\" or a wildcard, which reaches every repository "
        + "of every connection in the account, and never the other prefix's ARN, which IAM does not match.",
    enforcementLevel: MANDATORY,
    validateResource: eachAllowStatement((s, where, _args, report) => {
        for (const prefix of CONNECTION_PREFIXES) {
            const actions = list(s.Action).filter(a => CONNECTION_ACTIONS.some(c => actionMatches(a, `${prefix}:${c}`)));
            if (actions.length === 0) {
                continue;
            }
            if (s.NotResource !== undefined) {
                report(`${where} allows ${actions.join(", ")} with NotResource, which reaches every other connection; name the connection's ARN.`);
            }
            for (const resource of list(s.Resource)) {
                const arn = CONNECTION_ARN.exec(resource);
                if (/[*?]/.test(resource) && mayMatchConnections(resource)) {
                    report(`${where} allows ${actions.join(", ")} on "${resource}"; name the connection's ARN.`);
                } else if (arn && arn[1] !== prefix) {
                    report(`${where} allows ${actions.join(", ")} on ${resource}, a ${arn[1]} ARN: IAM matches a connection only under `
                        + `the action's own prefix, so this grants nothing; name it as arn:...:${prefix}:...`);
                }
            }
        }
    }),
};

/** An Allow's service principals. */
const servicePrincipals = (s: Statement): string[] => typeof s.Principal === "object" && s.Principal !== null
    ? list((s.Principal as Record<string, string | string[]>).Service) : [];

export const servicePrincipalsNarrowed: ResourceValidationPolicy = {
    name: "service-principals-narrowed",
    description: "An Allow to an AWS service principal says for whom or how: outside a key policy, aws:SourceAccount or aws:SourceArn "
        + "(the service acts for this account only: no confused deputy); in a KMS key policy, kms:ViaService (the key is used "
        + "through that service only). The one exception is AWS's own: ELB log delivery, which sends neither, writing access logs.",
    enforcementLevel: MANDATORY,
    validateResource: eachAllowStatement((s, where, args, report) => {
        const services = servicePrincipals(s);
        if (services.length === 0) {
            return;
        }
        if (args.type === "aws:kms/key:Key") {
            if (conditionValues(s, ["StringEquals", "StringLike"], "kms:ViaService").length === 0) {
                report(`${where} lets ${services.join(", ")} use the key directly; add a kms:ViaService condition naming the service it goes through.`);
            }
            return;
        }
        const narrowed = conditionValues(s, ["StringEquals", "ArnEquals", "ArnLike", "StringLike"], "aws:SourceAccount").length > 0
            || conditionValues(s, ["ArnEquals", "ArnLike", "StringEquals", "StringLike"], "aws:SourceArn").length > 0;
        if (!narrowed && !services.every(p => /^logdelivery\.elasticloadbalancing\./.test(p))) {
            report(`${where} lets ${services.join(", ")} act for any account; add an aws:SourceAccount (or aws:SourceArn) condition.`);
        }
    }),
};

/** CloudWatch actions on alarms: reading them, changing them, silencing them. */
const ALARM_ACTIONS = ["DescribeAlarms", "DescribeAlarmHistory", "SetAlarmState", "DisableAlarmActions", "EnableAlarmActions", "DeleteAlarms",
    "PutMetricAlarm", "PutCompositeAlarm"].map(a => `cloudwatch:${a}`);

export const alarmsNamedByArn: ResourceValidationPolicy = {
    name: "cloudwatch-alarms-named-by-arn",
    description: "A grant on CloudWatch alarms (reading, changing or silencing them) names the alarms by ARN, never \"*\" or a pattern: "
        + "CodeDeploy's role reads the alarms that stop its deployments, not every alarm of the account.",
    enforcementLevel: MANDATORY,
    validateResource: eachAllowStatement((s, where, _args, report) => {
        const actions = list(s.Action).filter(a => ALARM_ACTIONS.some(alarm => actionMatches(a, alarm)));
        if (actions.length === 0) {
            return;
        }
        const wide = [...list(s.Resource).filter(r => /[*?]/.test(r)), ...s.NotResource !== undefined ? ["NotResource"] : []];
        if (wide.length > 0) {
            report(`${where} allows ${actions.join(", ")} on ${wide.join(", ")}; name the alarms by ARN.`);
        }
    }),
};

/** The CodeDeploy deployment group's limit on alarms (https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html). */
const MAX_GROUP_ALARMS = 10;

export const deploymentGroupsRollBack: ResourceValidationPolicy = {
    name: "codedeploy-groups-roll-back",
    description: "Every CodeDeploy deployment group rolls back a failed deployment by itself; one with alarms (1 to 10, CodeDeploy's "
        + "limit) also stops and rolls back when one fires (DEPLOYMENT_STOP_ON_ALARM), and never deploys on when it cannot read them.",
    enforcementLevel: MANDATORY,
    validateResource: (args, report) => {
        if (args.type !== "aws:codedeploy/deploymentGroup:DeploymentGroup") {
            return;
        }
        const where = label(args.type, args.name);
        const rollback = read(() => args.props.autoRollbackConfiguration);
        const alarms = read(() => args.props.alarmConfiguration);
        if (rollback === UNKNOWN || alarms === UNKNOWN) {
            return;
        }
        const events = list(rollback?.events as string[]);
        if (!rollback?.enabled || !events.includes("DEPLOYMENT_FAILURE")) {
            report(`${where} does not roll back a failed deployment; set autoRollbackConfiguration { enabled: true, events: [DEPLOYMENT_FAILURE] }.`);
        }
        if (!alarms?.enabled) {
            return;
        }
        const names = read(() => list(alarms.alarms as string[]));
        if (names !== UNKNOWN && (names.length === 0 || names.length > MAX_GROUP_ALARMS)) {
            report(`${where} has ${names.length} alarms; CodeDeploy takes 1 to ${MAX_GROUP_ALARMS}.`);
        }
        if (!events.includes("DEPLOYMENT_STOP_ON_ALARM")) {
            report(`${where} has alarms but does not roll back when one stops a deployment; add DEPLOYMENT_STOP_ON_ALARM to its rollback events.`);
        }
        if (alarms.ignorePollAlarmFailure) {
            report(`${where} deploys on when it cannot read its alarms (ignorePollAlarmFailure); a deployment nobody watches should stop.`);
        }
    },
};

const CHAT_CONFIGURATIONS = ["aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
    "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration"];

export const chatGuardrailsCustomerManaged: ResourceValidationPolicy = {
    name: "chatbot-guardrails-customer-managed",
    description: "Every AWS Chatbot channel configuration names its guardrails, each a customer-managed policy: without them AWS "
        + "Chatbot caps the channel at AdministratorAccess, and an AWS managed policy is never this pipeline's least privilege.",
    enforcementLevel: MANDATORY,
    validateResource: (args, report) => {
        if (!CHAT_CONFIGURATIONS.includes(args.type)) {
            return;
        }
        const guardrails = read(() => list(args.props.guardrailPolicyArns as string[]));
        if (guardrails === UNKNOWN) {
            return;
        }
        const where = label(args.type, args.name);
        if (guardrails.length === 0) {
            report(`${where} names no guardrail, so AWS Chatbot applies AdministratorAccess; name a customer-managed policy.`);
        }
        for (const arn of guardrails.filter(a => AWS_MANAGED_POLICY.test(String(a)))) {
            report(`${where} is capped by the AWS managed policy ${arn}; use a customer-managed guardrail of this stack.`);
        }
    },
};

const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";

export const topicsDenyOtherPublishers: StackValidationPolicy = {
    name: "sns-topics-encrypted-and-closed",
    description: "Every SNS topic is encrypted with a customer-managed key of this stack (never the AWS managed aws/sns, which no "
        + "service principal may use), and has a topic policy that denies sns:Publish to every IAM principal but the ones it names.",
    enforcementLevel: MANDATORY,
    validateStack: (args, report) => {
        const keys = args.resources.filter(r => r.type === KMS_KEY).flatMap(k => ["arn", "keyId", "id"].map(p => read(() => k.props[p])));
        for (const topic of args.resources.filter(r => r.type === "aws:sns/topic:Topic")) {
            const where = label(topic.type, topic.name);
            const key = read(() => topic.props.kmsMasterKeyId);
            const fromStackKey = (topic.propertyDependencies?.kmsMasterKeyId ?? []).some(d => d.type === KMS_KEY);
            if (key !== UNKNOWN ? !(typeof key === "string" && keys.includes(key)) : !fromStackKey) {
                report(`${where} is not encrypted with a customer-managed key of this stack (kmsMasterKeyId ${JSON.stringify(key === UNKNOWN ? "unknown" : key ?? null)}).`, topic.urn);
            }
            const policies = configuring(topic, TOPIC_POLICY, args.resources, "arn", ["arn", "id"]);
            const denies = policies.flatMap(p => policyDocuments(p.props)).flatMap(d => d.statements).some(st => st.Effect === "Deny"
                && list(st.Action).some(a => actionMatches(a, "sns:Publish")) && conditionValues(st, ["ArnNotEquals", "ArnNotLike"], "aws:PrincipalArn").length > 0);
            if (!denies) {
                report(`${where} has no topic policy that denies sns:Publish to other IAM principals (ArnNotEquals aws:PrincipalArn); ` +
                    "any role of the account whose policies allow it could publish.", topic.urn);
            }
        }
    },
};

// ---------------------------------------------------------------- stack rules: buckets and what configures them

const BUCKET = "aws:s3/bucket:Bucket";

/** The resources of `type` configuring `bucket` through their `bucket` property. */
const configuringBucket = (bucket: PolicyResource, type: string, resources: PolicyResource[]) =>
    configuring(bucket, type, resources, "bucket", ["bucket", "id"]);

/** A check of every bucket in the stack; reports against the bucket's URN. */
function eachBucket(check: (bucket: PolicyResource, where: string, args: StackValidationArgs, report: (m: string) => void) => void) {
    return (args: StackValidationArgs, report: ReportViolation) => {
        for (const bucket of args.resources.filter(r => r.type === BUCKET)) {
            check(bucket, label(bucket.type, bucket.name), args, m => report(m, bucket.urn));
        }
    };
}

const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const KMS_KEY = "aws:kms/key:Key";
const KMS_ALIAS = "aws:kms/alias:Alias";

/** Load balancers that write their access logs to this bucket (ELB log delivery supports SSE-S3 only). */
function accessLogSources(bucket: PolicyResource, resources: PolicyResource[]): PolicyResource[] {
    return configuring(bucket, "aws:lb/loadBalancer:LoadBalancer", resources, "accessLogs", [])
        .concat(resources.filter(r => r.type === "aws:lb/loadBalancer:LoadBalancer" && !r.propertyDependencies?.accessLogs?.length
            && read(() => r.props.accessLogs?.bucket) === read(() => bucket.props.bucket)));
}

export const bucketsEncryptedWithStackKey: StackValidationPolicy = {
    name: "s3-buckets-encrypted-with-stack-kms-key",
    description: "Every S3 bucket has a server-side encryption configuration using aws:kms with a customer-managed key of this "
        + "stack; never SSE-S3 (AES256) or an AWS-managed alias/aws/... key, which another account cannot be granted. A load "
        + "balancer's access-log bucket uses SSE-S3 instead: the only encryption Elastic Load Balancing log delivery supports.",
    enforcementLevel: MANDATORY,
    validateStack: eachBucket((bucket, where, args, report) => {
        const sources = accessLogSources(bucket, args.resources);
        if (sources.length > 0) {
            const algorithms = configuringBucket(bucket, SSE, args.resources)
                .flatMap(c => read(() => list(c.props.rules as any[]).map(r => r?.applyServerSideEncryptionByDefault?.sseAlgorithm)));
            if (!algorithms.includes(UNKNOWN) && (algorithms.length === 0 || algorithms.some(a => a !== "AES256"))) {
                report(`${where} takes the access logs of ${sources.map(l => label(l.type, l.name)).join(", ")}: its default encryption ` +
                    `must be SSE-S3 (AES256), the only one ELB log delivery supports (found ${JSON.stringify(algorithms)}).`);
            }
            return;
        }
        const keys = args.resources.filter(r => r.type === KMS_KEY || r.type === KMS_ALIAS);
        const stackKeyRefs = keys.flatMap(k => ["arn", "keyId", "id", "name"].map(p => read(() => k.props[p])))
            .filter(v => typeof v === "string");
        const configs = configuringBucket(bucket, SSE, args.resources);
        if (configs.length === 0) {
            report(`${where} has no ${SSE}: S3 would encrypt it with SSE-S3, not a customer-managed KMS key.`);
        }
        for (const config of configs) {
            const rules = read(() => list(config.props.rules as any[]));
            if (rules === UNKNOWN) {
                continue;
            }
            if (rules.length === 0) {
                report(`${where}: ${label(config.type, config.name)} has no rules.`);
            }
            rules.forEach((rule, i) => {
                const byDefault = rule?.applyServerSideEncryptionByDefault ?? {};
                const algorithm = read(() => byDefault.sseAlgorithm);
                const keyId = read(() => byDefault.kmsMasterKeyId);
                const rulePrefix = `${where}: ${label(config.type, config.name)} rule ${i + 1}`;
                if (algorithm !== UNKNOWN && algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse") {
                    report(`${rulePrefix} uses sseAlgorithm ${JSON.stringify(algorithm)}; use aws:kms with this stack's KMS key.`);
                } else if (keyId === UNKNOWN) {
                    // Not known yet (preview): it must at least come from a key of this stack.
                    if (!(config.propertyDependencies?.rules ?? []).some(d => d.type === KMS_KEY || d.type === KMS_ALIAS)) {
                        report(`${rulePrefix} uses a KMS key that does not come from a key of this stack.`);
                    }
                } else if (typeof keyId !== "string" || !stackKeyRefs.includes(keyId)) {
                    report(`${rulePrefix} uses kmsMasterKeyId ${JSON.stringify(keyId ?? null)}, which is not a customer-managed key of this stack`
                        + `${typeof keyId === "string" && /(^|:)alias\/aws\//.test(keyId) ? " (it is AWS-managed)" : ""}.`);
                }
            });
        }
    }),
};

// ---------------------------------------------------------------- the pack

const fsbp = FSBP_CONTROLS.map(ruleOf);

export const resourcePolicies: ResourceValidationPolicy[] = [
    awsProvidersPinAccounts, noWildcardActions, noPassRoleOnAnyResource, noAwsManagedPolicies,
    crossAccountPrincipalsScopedToRoles, noPublicPrincipals, connectionsNamedByArn, servicePrincipalsNarrowed, alarmsNamedByArn,
    deploymentGroupsRollBack, chatGuardrailsCustomerManaged,
    ...fsbp.filter((p): p is ResourceValidationPolicy => "validateResource" in p),
];
export const stackPolicies: StackValidationPolicy[] = [
    bucketsEncryptedWithStackKey, topicsDenyOtherPublishers, ...fsbp.filter((p): p is StackValidationPolicy => "validateStack" in p),
];
export const policies = [...resourcePolicies, ...stackPolicies];
