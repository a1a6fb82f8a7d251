// Security Hub's FSBP controls on where the pipeline keeps and builds: S3 buckets and KMS keys,
// ECR repositories and CodeBuild projects (policy/securityHub.ts lists them all).
import type { PolicyResource } from "@pulumi/policy";
import { at, environmentOf, FsbpControl, PROJECT, when } from "./fsbpControl";
import { configuring, label, list, UNKNOWN } from "./props";

const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
const BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl";
const KEY = "aws:kms/key:Key";
const REPOSITORY = "aws:ecr/repository:Repository";
const LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy";

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

export const s3RequireTls: FsbpControl = {
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

export const s3BlockPublicAccess: FsbpControl = {
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

export const s3NoAcls: FsbpControl = {
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

export const kmsRotation: FsbpControl = {
    id: "KMS.4", title: "AWS KMS key rotation should be enabled", name: "kms-keys-rotate",
    checks: "every KMS key sets enableKeyRotation: true.",
    types: [KEY],
    failures: key => when(at(key, "enableKeyRotation"), v => v !== true, "enableKeyRotation is not true"),
};

// ---------------------------------------------------------------- ECR and CodeBuild

export const ecrScanOnPush: FsbpControl = {
    id: "ECR.1", title: "ECR private repositories should have image scanning configured",
    checks: "every repository scans images on push.",
    types: [REPOSITORY],
    failures: r => when(at(r, "imageScanningConfiguration", "scanOnPush"), v => v !== true, "imageScanningConfiguration.scanOnPush is not true"),
};

export const ecrImmutableTags: FsbpControl = {
    id: "ECR.2", title: "ECR private repositories should have tag immutability configured",
    checks: "every repository's tags are immutable.",
    types: [REPOSITORY],
    failures: r => when(at(r, "imageTagMutability"), v => !String(v).startsWith("IMMUTABLE"), "imageTagMutability is not IMMUTABLE"),
};

export const ecrLifecycle: FsbpControl = {
    id: "ECR.3", title: "ECR repositories should have at least one lifecycle policy configured",
    checks: "every repository has a lifecycle policy.",
    types: [REPOSITORY], stack: true,
    failures: (r, stack) => configuring(r, LIFECYCLE_POLICY, stack, "repository", ["name"]).length > 0 ? []
        : ["no lifecycle policy names it"],
};

export const codeBuildNoCredentials: FsbpControl = {
    id: "CodeBuild.2", title: "CodeBuild project environment variables should not contain clear text credentials",
    checks: "no project has a plain-text AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY environment variable.",
    types: [PROJECT],
    failures: r => Object.entries(environmentOf(r))
        .filter(([name, v]) => ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].includes(name) && [undefined, "PLAINTEXT"].includes(v.type as any))
        .map(([name]) => `its environment has ${name} in plain text`),
};

export const codeBuildEncryptedS3Logs: FsbpControl = {
    id: "CodeBuild.3", title: "CodeBuild S3 logs should be encrypted",
    checks: "no project writes S3 logs with encryption disabled.",
    types: [PROJECT],
    failures: r => when(at(r, "logsConfig", "s3Logs"), v => v?.status === "ENABLED" && v?.encryptionDisabled === true,
        "logsConfig.s3Logs turns encryption off"),
};

export const codeBuildLogging: FsbpControl = {
    id: "CodeBuild.4", title: "CodeBuild project environments should have a logging AWS Configuration",
    checks: "every project logs to CloudWatch Logs or S3.",
    types: [PROJECT],
    failures: r => when(at(r, "logsConfig"), v => v?.cloudwatchLogs?.status === "DISABLED" && v?.s3Logs?.status !== "ENABLED",
        "logsConfig turns off both CloudWatch Logs and S3 logs"),
};

export const codeBuildUnprivileged: FsbpControl = {
    id: "CodeBuild.5", title: "CodeBuild project environments should not have privileged mode enabled",
    checks: "no project runs in privileged mode.",
    types: [PROJECT],
    failures: r => when(at(r, "environment", "privilegedMode"), v => v === true, "environment.privilegedMode is true"),
};
