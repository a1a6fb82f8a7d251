import { denyInsecureTransport, dnsSuffixOf, Grantees, objectsOf, onlyRoles, policy, PolicyDocument, Statement } from "./document";

/** What the artifact key and bucket policies need to know. All values are resolved strings. */
export interface ArtifactAccess {
    /** The account that owns the key and bucket. */
    accountId: string;
    partition: string;
    region: string;
    /** Roles of the owning account that read and write artifacts (pipeline, build). */
    writerRoleArns: string[];
    /** Roles that only read artifacts: the deploy roles of the targets in this store's region; none, when it has no target. */
    readers: Grantees;
}

// Managing the key, not using it: using it is granted role by role below. Not `kms:Create*`:
// it includes CreateGrant, which hands out use of the key without touching this policy.
const KEY_ADMIN_ACTIONS = [
    "kms:CreateAlias", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
    "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
    "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
];

/**
 * A key policy's first statement: the owning account's administrators manage the key (not use it).
 * Without an administrator the key becomes unmanageable; KMS rejects such a policy.
 */
export function keyAdministrationByOwningAccount(partition: string, accountId: string): Statement {
    return {
        Sid: "KeyAdministrationByOwningAccount",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: KEY_ADMIN_ACTIONS,
        Resource: "*",
    };
}

/**
 * The artifact key's policy. In a key policy `Resource: "*"` means this key and nothing else.
 * Each use is tied to S3 in this region with `kms:ViaService`: the key only ever protects
 * artifact objects, so nobody can use it directly.
 */
export function artifactKeyPolicy(a: ArtifactAccess): PolicyDocument {
    const useViaS3 = (Sid: string, grantees: Grantees, Action: string[]): Statement => {
        const { Principal, Condition } = onlyRoles(grantees);
        return {
            Sid, Effect: "Allow", Principal, Action, Resource: "*",
            Condition: { ...Condition, StringEquals: { "kms:ViaService": `s3.${a.region}.${dnsSuffixOf(a.region)}` } },
        };
    };
    return policy(keyAdministrationByOwningAccount(a.partition, a.accountId),
    useViaS3("EncryptAndDecryptArtifactsByPipelineRoles", a.writerRoleArns, ["kms:GenerateDataKey", "kms:Decrypt"]),
    ...hasAny(a.readers) ? [useViaS3("DecryptArtifactsByDeployRole", a.readers, ["kms:Decrypt"]), {
        // AWS's cross-account CodePipeline key guidance grants it: the key's metadata, no data. The
        // pipeline account's roles get it through the administrators' statement and their own policies.
        Sid: "DescribeKeyByDeployRole",
        Effect: "Allow" as const,
        ...onlyRoles(a.readers),
        Action: "kms:DescribeKey",
        Resource: "*",
    }] : []);
}

/** An empty list of roles admits nobody: its statement is left out (a statement with an empty list grants nothing). */
const hasAny = (g: Grantees) => !Array.isArray(g) || g.length > 0;

/** For the roles that use the artifact keys: read their metadata (not their data), as CodePipeline and CodeBuild do. */
export function describeArtifactKey(keyArns: string | string[]): Statement {
    return { Sid: "DescribeArtifactKey", Effect: "Allow", Action: "kms:DescribeKey", Resource: keyArns };
}

const SSE = "s3:x-amz-server-side-encryption";
const SSE_KEY = "s3:x-amz-server-side-encryption-aws-kms-key-id";

/**
 * The artifact bucket's policy: TLS only, every upload encrypted with this key, and read
 * access for the deploy roles of the targets in its region (same-account roles are granted by
 * their own identity policies).
 *
 * The upload rules deny only encryption headers that are present and wrong. S3 authorizes each
 * part of a multipart upload (UploadPart) as s3:PutObject, and parts carry no encryption headers:
 * a rule that required the headers would deny every large artifact. An upload without them gets
 * the bucket's default encryption, this key.
 */
export function artifactBucketPolicy(bucketArn: string, keyArn: string, readers: Grantees): PolicyDocument {
    const objects = objectsOf(bucketArn);
    const denyUploads = (Sid: string, Condition: Statement["Condition"]): Statement =>
        ({ Sid, Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: objects, Condition });
    return policy(denyInsecureTransport(bucketArn),
    denyUploads("DenyUploadsEncryptedOtherThanWithKms", { StringNotEquals: { [SSE]: "aws:kms" }, Null: { [SSE]: "false" } }),
    // aws:kms without a key id means the AWS-managed aws/s3 key, which no other account can use.
    denyUploads("DenyKmsUploadsThatNameNoKey", { StringEquals: { [SSE]: "aws:kms" }, Null: { [SSE_KEY]: "true" } }),
    // The other account can only read what this key encrypts; any other key makes an unreadable artifact.
    denyUploads("DenyUploadsEncryptedWithAnotherKey", { StringNotEquals: { [SSE_KEY]: keyArn }, Null: { [SSE_KEY]: "false" } }),
    ...hasAny(readers) ? [{
        Sid: "ReadArtifactsByDeployRole",
        Effect: "Allow" as const,
        ...onlyRoles(readers),
        Action: ["s3:GetObject", "s3:GetObjectVersion"],
        Resource: objects,
    }] : []);
}
