import * as aws from "@pulumi/aws";

export type PolicyDocument = aws.iam.PolicyDocument;
export type Statement = aws.iam.PolicyStatement;

export function policy(...statements: Statement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/** `arn:aws:iam::ACCOUNT:root` for the account (and partition) of an ARN. */
export function accountRootOf(arn: string): string {
    const [, partition, , , account] = arn.split(":");
    return `arn:${partition}:iam::${account}:root`;
}

/**
 * Who a resource policy admits: these roles, or (`grants: organization`, when the lists outgrow
 * AWS's policy size limits) any role of the organization whose ARN matches one of these patterns.
 */
export type Grantees = string[] | { organizationId: string; rolePatterns: string[] };

/**
 * The principal and condition that admit exactly these roles. The account root with an
 * `ArnEquals aws:PrincipalArn` condition never names a principal that does not exist yet
 * (IAM, KMS and S3 reject those) and keeps working when a role is replaced, where a role
 * ARN principal is stored as the old role's unique id and silently stops matching. For an
 * organization: any principal, narrowed to the organization and to the roles' name patterns.
 */
export function onlyRoles(grantees: Grantees): Pick<Statement, "Principal" | "Condition"> {
    if (!Array.isArray(grantees)) {
        return {
            Principal: { AWS: "*" },
            Condition: { StringEquals: { "aws:PrincipalOrgID": grantees.organizationId }, ArnLike: { "aws:PrincipalArn": grantees.rolePatterns } },
        };
    }
    return {
        Principal: { AWS: [...new Set(grantees.map(accountRootOf))] },
        Condition: { ArnEquals: { "aws:PrincipalArn": grantees } },
    };
}

/** A trust policy that lets one AWS service assume the role, only on behalf of its own account. */
export function serviceTrustPolicy(service: string, accountId: string): PolicyDocument {
    return policy({
        Sid: "AssumedByServiceForThisAccountOnly",
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        // Confused-deputy guard: the service acts for this account, never for another customer.
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    });
}

/**
 * The partitions this program supports, by the shape of their region names: ARNs differ in
 * China and GovCloud, endpoint host names in China. Other partitions (the isolated ones, the
 * European sovereign cloud) lack services the pipeline needs, so their regions are refused.
 */
const PARTITIONS = [
    { name: "aws", regions: /^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d+$/, dnsSuffix: "amazonaws.com" },
    { name: "aws-cn", regions: /^cn-[a-z]+-\d+$/, dnsSuffix: "amazonaws.com.cn" },
    { name: "aws-us-gov", regions: /^us-gov-[a-z]+-\d+$/, dnsSuffix: "amazonaws.com" },
];

export const SUPPORTED_PARTITIONS = PARTITIONS.map(p => p.name);

function partitionOfRegion(region: string) {
    const found = PARTITIONS.find(p => p.regions.test(region));
    if (!found) {
        throw new Error(`${region} is not a region of a supported partition (${SUPPORTED_PARTITIONS.join(", ")})`);
    }
    return found;
}

export function isSupportedRegion(region: string): boolean {
    return PARTITIONS.some(p => p.regions.test(region));
}

/** The AWS partition of a region, as ARNs name it. */
export function partitionOf(region: string): string {
    return partitionOfRegion(region).name;
}

/** The domain of a region's service endpoints (`<service>.<region>.<suffix>`), as `kms:ViaService` names them. */
export function dnsSuffixOf(region: string): string {
    return partitionOfRegion(region).dnsSuffix;
}

/** Objects of a bucket, by the bucket's ARN. */
export function objectsOf(bucketArn: string): string {
    return `${bucketArn}/*`;
}

/** A bucket policy's first statement: nobody reaches the bucket or its objects without TLS. */
export function denyInsecureTransport(bucketArn: string): Statement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, objectsOf(bucketArn)],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/** Write log events to one log group. */
export function writeLogs(Sid: string, logGroupArn: string): Statement {
    return {
        Sid,
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        // Both actions act on a log stream; the group's own ARN would grant nothing more.
        Resource: `${logGroupArn}:log-stream:*`,
    };
}

/** Pass the task role and the execution role, and only to ECS tasks: what a new task definition names. */
export function passTaskRolesToEcsTasks(roleArns: string[]): Statement {
    return {
        Sid: "PassOnlyTaskRolesOnlyToEcsTasks",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: roleArns,
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    };
}
