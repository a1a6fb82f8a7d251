import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { guardedBucket } from "./bucket";
import { requireProvider } from "./options";
import { artifactBucketPolicy, artifactKeyPolicy } from "./policies/artifactStore";
import { Grantees, partitionOf } from "./policies/document";

export interface CrossAccountArtifactStoreArgs {
    /** The account the store lives in (the pipeline account). Its root administers the key. */
    accountId: string;
    /** Region of the bucket; the key may only be used through S3 in this region. */
    region: string;
    /** Alias of the key, for people in the owning account. Other accounts must use `keyArn`. */
    keyAlias: string;
    /**
     * Roles of the owning account that read and write artifacts: the pipeline's and the build's in
     * the pipeline's region; the pipeline's alone in another region (CodePipeline copies artifacts there).
     */
    writerRoleArns: pulumi.Input<string>[];
    /** Roles that read artifacts: the deploy roles of the targets in this region (none: no statement for them). */
    readers: Grantees;
    /** Days after which an artifact expires: longer than a manual approval may wait (7 days), and a rollback after it. */
    artifactRetentionDays: number;
    /**
     * Keep the key and bucket (and so the artifacts) when they leave the stack, and with them every
     * guard of the bucket (policy, public access block, ownership, encryption, versioning, lifecycle).
     */
    retainOnDelete: boolean;
}

/**
 * Pipeline account, one per region the pipeline acts in: the customer-managed KMS key and the S3
 * bucket that hold pipeline artifacts, shared read-only with the deploy roles of the targets in
 * that region. The AWS-managed aws/s3 key cannot be shared across accounts, hence the customer-managed key.
 */
export class CrossAccountArtifactStore extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;
    /** Refer to the key by ARN wherever another account uses it: an alias resolves only in its own account. */
    public readonly keyArn: pulumi.Output<string>;

    constructor(name: string, args: CrossAccountArtifactStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cross-account-pipeline:artifacts:CrossAccountArtifactStore", name, {}, opts);
        const provider = requireProvider("CrossAccountArtifactStore", opts);

        const key = new aws.kms.Key(`${name}-key`, {
            description: `Pipeline artifacts shared with the target account (${name})`,
            enableKeyRotation: true,
            // The longest window: a key scheduled for deletion by mistake can still be saved.
            deletionWindowInDays: 30,
            policy: pulumi.all(args.writerRoleArns).apply(writerRoleArns => JSON.stringify(artifactKeyPolicy({
                accountId: args.accountId, partition: partitionOf(args.region), region: args.region, writerRoleArns, readers: args.readers,
            }))),
        }, { parent: this, retainOnDelete: args.retainOnDelete });
        // The alias is a name, not a guard: kept, it would block the next create of this stack.
        new aws.kms.Alias(`${name}-key-alias`, { name: args.keyAlias, targetKeyId: key.keyId }, { parent: this });

        const { bucket } = guardedBucket(name, {
            encryption: { kmsKeyArn: key.arn },
            expiryRuleId: "expire-old-artifacts",
            expiryDays: args.artifactRetentionDays,
            policy: bucketArn => pulumi.all([bucketArn, key.arn]).apply(([arn, keyArn]) =>
                JSON.stringify(artifactBucketPolicy(arn, keyArn, args.readers))),
            retainOnDelete: args.retainOnDelete,
        }, { parent: this, provider });

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.keyArn = key.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, keyArn: this.keyArn });
    }
}
