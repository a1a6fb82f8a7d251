// What the access table's parts share (offline/report/accessTable.ts, accessTargetRows.ts): the
// shape of a part, the three answers a row expects, and the request contexts rows are asked in.
import { AccessRow, PrincipalSpec, ResourceSpec } from "../access/access";

/** A part of the table: the principals and resources it names, and its rows. */
export interface Part {
    principals: Record<string, PrincipalSpec>;
    resources: Record<string, ResourceSpec>;
    rows: AccessRow[];
}

export const allowed = "Allowed" as const;
export const denied = "ImplicitlyDenied" as const;
export const blocked = "ExplicitlyDenied" as const;

/** A key policy as AWS writes it by default: the account's IAM policies decide. */
export const defaultKeyPolicy = (account: string) => ({
    Version: "2012-10-17" as const,
    Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow" as const, Principal: { AWS: `arn:<partition>:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
});

export const TLS = { "aws:SecureTransport": "true" };
export const KMS_UPLOAD = { ...TLS, "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "<artifact key>" };
/** A direct call to KMS, not through another service. */
export const DIRECT = ["kms:ViaService"];
export const READ = ["s3:GetObject", "s3:GetObjectVersion"];
/** A part of a multipart upload: S3 authorizes UploadPart as s3:PutObject, and parts carry no encryption headers. */
export const NO_SSE_HEADERS = ["s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id"];
