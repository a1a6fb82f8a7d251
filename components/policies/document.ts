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
 * The principal and condition that admit exactly these roles. The account root with an
 * `ArnEquals aws:PrincipalArn` condition never names a principal that does not exist yet
 * (IAM, KMS and S3 reject those) and keeps working when a role is replaced, where a role
 * ARN principal is stored as the old role's unique id and silently stops matching.
 */
export function onlyRoles(roleArns: string[]): Pick<Statement, "Principal" | "Condition"> {
    return {
        Principal: { AWS: [...new Set(roleArns.map(accountRootOf))] },
        Condition: { ArnEquals: { "aws:PrincipalArn": roleArns } },
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

/** The AWS partition of a region: ARNs differ in China and GovCloud. */
export function partitionOf(region: string): string {
    return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** Objects of a bucket, by the bucket's ARN. */
export function objectsOf(bucketArn: string): string {
    return `${bucketArn}/*`;
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
