import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions } from "./options";

export interface GuardedBucketArgs {
    /** Default encryption: a customer-managed KMS key, or SSE-S3 where a service supports nothing else. */
    encryption: { kmsKeyArn: pulumi.Input<string> } | "SSE-S3";
    /** The lifecycle rule's id, which says what expires. */
    expiryRuleId: string;
    /** Days after which objects, and their old versions, expire. */
    expiryDays: number;
    /** The bucket policy, from the bucket's ARN. */
    policy: (bucketArn: pulumi.Output<string>) => pulumi.Input<string>;
    /** Keep the bucket, and every guard with it, when it leaves the stack: what is kept is not left open. */
    retainOnDelete: boolean;
}

/**
 * An S3 bucket with its guards, children of `opts.parent` named after `name`: ownership enforced (ACLs
 * off: whatever another account or service writes belongs to the bucket's account), public access
 * blocked, versioning, default encryption, expiry, and a policy. Never force-destroyed.
 */
export function guardedBucket(name: string, args: GuardedBucketArgs, opts: ChildOptions) {
    const keep = { ...opts, retainOnDelete: args.retainOnDelete };
    const bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: false }, keep);
    const bucketArgs = { bucket: bucket.id };
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { ...bucketArgs, rule: { objectOwnership: "BucketOwnerEnforced" } }, keep);
    new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
        ...bucketArgs,
        blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, keep);
    new aws.s3.BucketVersioning(`${name}-versioning`, { ...bucketArgs, versioningConfiguration: { status: "Enabled" } }, keep);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
        ...bucketArgs,
        rules: [args.encryption === "SSE-S3"
            ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
            : {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.encryption.kmsKeyArn },
                // One data key per bucket instead of one KMS call per object.
                bucketKeyEnabled: true,
            }],
    }, keep);
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
        ...bucketArgs,
        rules: [{
            id: args.expiryRuleId,
            status: "Enabled",
            filter: {},
            expiration: { days: args.expiryDays },
            noncurrentVersionExpiration: { noncurrentDays: args.expiryDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        }],
    }, keep);
    const policy = new aws.s3.BucketPolicy(`${name}-policy`, { ...bucketArgs, policy: args.policy(bucket.arn) }, keep);
    return { bucket, policy };
}
