import { elbLogDeliveryPrincipal, LOG_DELIVERY_SERVICE } from "./logDelivery";
import { denyInsecureTransport, policy, PolicyDocument, Statement } from "./document";

/** Where each kind of log lands in the network log bucket: `<prefix>/AWSLogs/<account>/...`. */
export const ACCESS_LOG_PREFIX = "load-balancer";
export const FLOW_LOG_PREFIX = "vpc-flow-logs";

/** What the network log bucket's policy needs to know. All values are resolved strings. */
export interface NetworkLogAccess {
    bucketArn: string;
    /** The account that owns the bucket, the load balancer and the VPC. */
    accountId: string;
    partition: string;
    region: string;
    /** A VPC's flow logs come here too (a created VPC); false: the load balancer's access logs only. */
    flowLogs: boolean;
}

/** Where the log delivery of one kind of log writes, and nowhere else: its prefix, this account's folder. */
export const logObjects = (a: Pick<NetworkLogAccess, "bucketArn" | "accountId">, prefix: string) =>
    `${a.bucketArn}/${prefix}/AWSLogs/${a.accountId}/*`;

/**
 * The network log bucket's policy: TLS only; the region's Elastic Load Balancing log delivery may
 * write access logs under their prefix, and (with `flowLogs`) the log delivery service may write
 * flow logs under theirs, for this account's own VPCs only. Nothing else is granted: reading is
 * left to the account's administrators (their identity policies), and nobody else reads.
 *
 * The grants are AWS's own: the ELB user guide's bucket policy (an ELB account in regions before
 * August 2022, the log-delivery service principal in newer ones) and the VPC user guide's for flow
 * logs to S3 ("Amazon S3 bucket permissions for flow logs", with its confused-deputy conditions).
 */
export function networkLogBucketPolicy(a: NetworkLogAccess): PolicyDocument {
    const fromThisAccount = {
        StringEquals: { "aws:SourceAccount": a.accountId },
        ArnLike: { "aws:SourceArn": `arn:${a.partition}:logs:${a.region}:${a.accountId}:*` },
    };
    const statements: Statement[] = [denyInsecureTransport(a.bucketArn), {
        Sid: "WriteAccessLogsByElbLogDelivery",
        Effect: "Allow",
        Principal: elbLogDeliveryPrincipal(a.region, a.partition),
        Action: "s3:PutObject",
        // Log delivery writes under the load balancer owner's account id: another account's load
        // balancer pointed at this bucket writes to its own folder, which this grant does not cover.
        Resource: logObjects(a, ACCESS_LOG_PREFIX),
    }];
    if (a.flowLogs) {
        statements.push({
            Sid: "WriteFlowLogsByLogDelivery",
            Effect: "Allow",
            Principal: { Service: LOG_DELIVERY_SERVICE },
            Action: "s3:PutObject",
            Resource: logObjects(a, FLOW_LOG_PREFIX),
            Condition: { ...fromThisAccount, StringEquals: { ...fromThisAccount.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" } },
        }, {
            // Log delivery checks the bucket before it writes.
            Sid: "CheckBucketByLogDelivery",
            Effect: "Allow",
            Principal: { Service: LOG_DELIVERY_SERVICE },
            Action: ["s3:GetBucketAcl", "s3:ListBucket"],
            Resource: a.bucketArn,
            Condition: fromThisAccount,
        });
    }
    return policy(...statements);
}
