// The rules of the policy pack, as plain data. policy/index.ts hands them to a PolicyPack;
// tests call each rule's validateResource / validateStack directly. Only types come from
// @pulumi/policy here, so loading this module never starts the policy server.
import type {
    PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

// ---------------------------------------------------------------- reading properties

const UNKNOWN = Symbol("unknown");
type Maybe<T> = T | typeof UNKNOWN;

/**
 * During preview @pulumi/policy hands over props that throw an `UnknownValueError` when a
 * value not known yet (an ARN of a resource still to be created) is read. Reading through
 * this lets a rule skip what it cannot see yet instead of giving up on the whole stack.
 */
function read<T>(get: () => T): Maybe<T> {
    try {
        return get();
    } catch (e) {
        if ((e as object)?.constructor?.name === "UnknownValueError") {
            return UNKNOWN;
        }
        throw e;
    }
}

/** `x`, `[x, y]` or nothing, as a list: IAM and the AWS provider accept all three. */
function list<T>(x: T | T[] | undefined | null): T[] {
    return x === undefined || x === null ? [] : Array.isArray(x) ? x : [x];
}

/** A provider's list input: the engine JSON-encodes non-string provider inputs; accept both. */
function providerList(value: unknown): unknown[] {
    if (typeof value === "string") {
        try {
            return list(JSON.parse(value));
        } catch {
            return [value];
        }
    }
    return list(value as unknown[]);
}

// ---------------------------------------------------------------- policy documents

export interface Statement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    NotPrincipal?: unknown;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

/** A policy document found in a resource's properties: where it was, and its statements. */
export interface FoundDocument {
    /** Property path, e.g. `assumeRolePolicy` or `inlinePolicies[0].policy`. */
    path: string;
    statements: Statement[];
}

const isDocument = (v: unknown): v is { Statement: Statement | Statement[] } =>
    typeof v === "object" && v !== null && !Array.isArray(v) && "Statement" in v;

/**
 * Every IAM policy document in a resource's properties, whatever the resource type: a role's
 * trust and inline policies, a role/managed policy, a key, bucket or repository policy, and
 * whatever a later change adds. A document is a JSON string (what the provider receives) or
 * an object with a `Statement`. A policy whose value is not known yet (preview) is read
 * anyway, so the engine reports that the rule could not run rather than a silent pass.
 */
export function policyDocuments(props: Record<string, any>): FoundDocument[] {
    const found: FoundDocument[] = [];
    const visit = (get: () => unknown, path: string, key: string) => {
        // A policy itself is read plainly; anything else (a role name, an ARN) may be skipped while unknown.
        const value = /polic(y|ies)$/i.test(key) ? get() : read(get);
        if (value === UNKNOWN) {
            return;
        }
        let parsed = value;
        if (typeof value === "string" && value.trimStart().startsWith("{")) {
            try {
                parsed = JSON.parse(value);
            } catch {
                return;
            }
        }
        if (isDocument(parsed)) {
            found.push({ path, statements: list(parsed.Statement) });
        } else if (Array.isArray(parsed)) {
            // Index by index: iterating a props array whole would read its unknown elements too.
            for (let i = 0; i < parsed.length; i++) {
                visit(() => (parsed as unknown[])[i], `${path}[${i}]`, key);
            }
        } else if (typeof parsed === "object" && parsed !== null) {
            for (const k of Object.keys(parsed)) {
                visit(() => (parsed as Record<string, unknown>)[k], path ? `${path}.${k}` : k, k);
            }
        }
    };
    for (const key of Object.keys(props)) {
        visit(() => props[key], key, key);
    }
    return found;
}

const allows = (s: Statement) => s.Effect === "Allow";

/** `"*"`, `{AWS: "*"}` or `{AWS: [..., "*"]}`: anyone, in any account. */
function principalIsEveryone(principal: unknown): boolean {
    if (principal === "*") {
        return true;
    }
    return typeof principal === "object" && principal !== null
        && list((principal as Record<string, string | string[]>).AWS).includes("*");
}

function awsPrincipals(principal: unknown): string[] {
    return typeof principal === "object" && principal !== null
        ? list((principal as Record<string, string | string[]>).AWS).filter(p => p !== "*")
        : [];
}

/** Values of one condition key under the given operators (operator and key compared case-insensitively). */
function conditionValues(s: Statement, operators: string[], key: string): unknown[] {
    const ops = operators.map(o => o.toLowerCase());
    return Object.entries(s.Condition ?? {})
        .filter(([op]) => ops.includes(op.toLowerCase()))
        .flatMap(([, block]) => Object.entries(block ?? {})
            .filter(([k]) => k.toLowerCase() === key.toLowerCase())
            .flatMap(([, v]) => list(v as unknown)));
}

/** IAM wildcard matching of an action pattern (`*`, `?`) against an action, case-insensitive. */
function actionMatches(pattern: string, action: string): boolean {
    const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${regex}$`, "i").test(action);
}

const ROLE_ARN = /^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** The account of an AWS principal, and whether it is the account root, a role or something else. */
function parsePrincipal(p: string): { account: string; kind: "root" | "role" | "other" } | undefined {
    if (/^\d{12}$/.test(p)) {
        return { account: p, kind: "root" };
    }
    const m = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):(.*)$/.exec(p);
    if (!m) {
        return undefined;
    }
    return { account: m[1], kind: m[2] === "root" ? "root" : ROLE_ARN.test(p) ? "role" : "other" };
}

/** The accounts a resource may live in: its provider's `allowedAccountIds`. */
function accountsOf(provider: ResourceValidationArgs["provider"]): string[] {
    const ids = provider ? read(() => providerList(provider.props.allowedAccountIds)) : [];
    return ids === UNKNOWN ? [] : ids.map(String);
}

const label = (type: string, name: string) => `${type} "${name}"`;
const statementName = (s: Statement, i: number) => s.Sid ? `statement "${s.Sid}"` : `statement #${i + 1}`;

/** A resource-level check run on every Allow statement of every policy document of any resource. */
function eachAllowStatement(check: (s: Statement, where: string, args: ResourceValidationArgs, report: (m: string) => void) => void) {
    return (args: ResourceValidationArgs, report: ReportViolation) => {
        for (const doc of policyDocuments(args.props)) {
            doc.statements.forEach((s, i) => {
                // Only grants can be too broad; Deny statements narrow.
                if (allows(s)) {
                    check(s, `${label(args.type, args.name)}: ${doc.path} ${statementName(s, i)}`, args, m => report(m));
                }
            });
        }
    };
}

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

export const kmsKeysRotate: ResourceValidationPolicy = {
    name: "kms-keys-rotate",
    description: "Every KMS key has automatic key rotation enabled.",
    enforcementLevel: MANDATORY,
    validateResource: (args, report) => {
        if (args.type === "aws:kms/key:Key" && read(() => args.props.enableKeyRotation) !== true) {
            report(`${label(args.type, args.name)} must set enableKeyRotation: true.`);
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
        + "the account root with an aws:PrincipalArn condition naming specific roles; never a bare account.",
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
            } else if (own.includes(parsed.account)) {
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

// ---------------------------------------------------------------- stack rules: buckets and what configures them

const BUCKET = "aws:s3/bucket:Bucket";

/**
 * The resources of `type` configuring `bucket` through their `bucket` property. The property's
 * dependencies say it even during preview, when the bucket's name is not known yet.
 */
function configuring(bucket: PolicyResource, type: string, resources: PolicyResource[]): PolicyResource[] {
    const names = [read(() => bucket.props.bucket), read(() => bucket.props.id)].filter(n => typeof n === "string");
    return resources.filter(r => {
        if (r.type !== type) {
            return false;
        }
        const deps = r.propertyDependencies?.bucket ?? [];
        if (deps.length > 0) {
            return deps.some(d => d.urn === bucket.urn);
        }
        const name = read(() => r.props.bucket);
        return typeof name === "string" && names.includes(name);
    });
}

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

export const bucketsEncryptedWithStackKey: StackValidationPolicy = {
    name: "s3-buckets-encrypted-with-stack-kms-key",
    description: "Every S3 bucket has a server-side encryption configuration using aws:kms with a customer-managed key of this "
        + "stack; never SSE-S3 (AES256) or an AWS-managed alias/aws/... key, which another account cannot be granted.",
    enforcementLevel: MANDATORY,
    validateStack: eachBucket((bucket, where, args, report) => {
        const keys = args.resources.filter(r => r.type === KMS_KEY || r.type === KMS_ALIAS);
        const stackKeyRefs = keys.flatMap(k => ["arn", "keyId", "id", "name"].map(p => read(() => k.props[p])))
            .filter(v => typeof v === "string");
        const configs = configuring(bucket, SSE, args.resources);
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

const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";

/**
 * A Deny for everyone of all S3 actions on the bucket and its objects when the request is not
 * over TLS. Without the bucket's name (not known yet in preview) any one bucket will do.
 */
function deniesInsecureTransport(s: Statement, bucketName: string | undefined): boolean {
    const resources = list(s.Resource);
    const name = bucketName?.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") ?? "[^/]+";
    const covers = (suffix: string) => resources.some(r => new RegExp(`:s3:::${name}${suffix}$`).test(r));
    const insecure = conditionValues(s, ["Bool"], "aws:SecureTransport").map(v => String(v).toLowerCase());
    return s.Effect === "Deny"
        && principalIsEveryone(s.Principal)
        && list(s.Action).some(a => a === "*" || a.toLowerCase() === "s3:*")
        && covers("") && covers("/\\*")
        && insecure.length > 0 && insecure.every(v => v === "false");
}

export const bucketsRequireTls: StackValidationPolicy = {
    name: "s3-buckets-require-tls",
    description: "Every S3 bucket has a bucket policy denying all S3 actions on the bucket and its objects when aws:SecureTransport is false.",
    enforcementLevel: MANDATORY,
    validateStack: eachBucket((bucket, where, args, report) => {
        const known = read(() => bucket.props.bucket);
        const name = typeof known === "string" ? known : undefined;
        const statements = configuring(bucket, BUCKET_POLICY, args.resources)
            .flatMap(p => policyDocuments(p.props)).flatMap(d => d.statements);
        if (!statements.some(s => deniesInsecureTransport(s, name))) {
            const bucketArn = `arn:...:s3:::${name ?? "<bucket>"}`;
            report(`${where} has no bucket policy that denies s3:* on ${bucketArn} and ${bucketArn}/* when aws:SecureTransport is false.`);
        }
    }),
};

const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const bucketsBlockPublicAccess: StackValidationPolicy = {
    name: "s3-buckets-block-public-access",
    description: "Every S3 bucket has a public access block with all four settings true.",
    enforcementLevel: MANDATORY,
    validateStack: eachBucket((bucket, where, args, report) => {
        const blocks = configuring(bucket, PUBLIC_ACCESS_BLOCK, args.resources);
        if (blocks.length === 0) {
            report(`${where} has no ${PUBLIC_ACCESS_BLOCK}.`);
        }
        for (const block of blocks) {
            const off = PUBLIC_ACCESS_FLAGS.filter(flag => read(() => block.props[flag]) !== true);
            if (off.length > 0) {
                report(`${where}: ${label(block.type, block.name)} must set ${off.join(", ")} to true.`);
            }
        }
    }),
};

// ---------------------------------------------------------------- the pack

export const resourcePolicies: ResourceValidationPolicy[] = [
    awsProvidersPinAccounts, kmsKeysRotate, noWildcardActions, noPassRoleOnAnyResource, noAwsManagedPolicies,
    crossAccountPrincipalsScopedToRoles, noPublicPrincipals, connectionsNamedByArn,
];
export const stackPolicies: StackValidationPolicy[] = [bucketsEncryptedWithStackKey, bucketsRequireTls, bucketsBlockPublicAccess];
export const policies = [...resourcePolicies, ...stackPolicies];
