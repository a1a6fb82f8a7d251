import { keyAdministrationByOwningAccount } from "./artifactStore";
import { dnsSuffixOf, onlyRoles, policy, PolicyDocument, Statement } from "./document";

/** The service that publishes a notification rule's events to its SNS target. */
export const CODESTAR_NOTIFICATIONS = "codestar-notifications.amazonaws.com";

/** What a publisher of an encrypted topic needs of its key (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html). */
const PUBLISH_WITH_KEY = ["kms:GenerateDataKey*", "kms:Decrypt"];

/** What the notification key and topic policies need to know. All values are resolved strings. */
export interface NotificationAccess {
    /** The pipeline account: it owns the key and the topic, and its notification rule publishes. */
    accountId: string;
    partition: string;
    region: string;
    /** The pipeline's role: each manual approval publishes its request with it. */
    pipelineRoleArn: string;
}

/**
 * The notification topic's key. SNS encrypts each message with it, so every publisher needs it:
 * CodeStar Notifications (the rule's events) and the pipeline role (the approvals' requests), both
 * through SNS in this region only. The AWS-managed aws/sns key cannot be granted to a service
 * principal, hence a customer-managed key.
 */
export function notificationKeyPolicy(a: NotificationAccess): PolicyDocument {
    const throughSns = { StringEquals: { "kms:ViaService": `sns.${a.region}.${dnsSuffixOf(a.region)}` } };
    const pipelineRole = onlyRoles([a.pipelineRoleArn]);
    return policy(keyAdministrationByOwningAccount(a.partition, a.accountId), {
        Sid: "PublishThroughSnsByCodeStarNotifications",
        Effect: "Allow",
        Principal: { Service: CODESTAR_NOTIFICATIONS },
        Action: PUBLISH_WITH_KEY,
        Resource: "*",
        Condition: throughSns,
    }, {
        Sid: "PublishApprovalRequestsThroughSnsByPipelineRole",
        Effect: "Allow",
        Principal: pipelineRole.Principal,
        Action: PUBLISH_WITH_KEY,
        Resource: "*",
        Condition: { ...pipelineRole.Condition, ...throughSns },
    });
}

/**
 * The topic's policy: CodeStar Notifications publishes for this account's rules (aws:SourceAccount,
 * as AWS documents it: the service sends no rule ARN that AWS documents as aws:SourceArn), and no
 * IAM principal but the pipeline role publishes, whatever its own policies allow. The account's
 * administrators keep managing the topic.
 */
export function notificationTopicPolicy(topicArn: string, a: NotificationAccess): PolicyDocument {
    return policy({
        Sid: "PublishByCodeStarNotificationsForThisAccount",
        Effect: "Allow",
        Principal: { Service: CODESTAR_NOTIFICATIONS },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": a.accountId } },
    }, {
        Sid: "DenyPublishByRolesButThePipelineRole",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:Publish",
        Resource: topicArn,
        // AWS services are not IAM principals (aws:PrincipalIsAWSService "true"): the statement above admits the one that may.
        Condition: { StringEquals: { "aws:PrincipalIsAWSService": "false" }, ArnNotEquals: { "aws:PrincipalArn": a.pipelineRoleArn } },
    });
}

/** The pipeline role publishes each manual approval's request to the topic, encrypted with its key (used through SNS: the key policy says so). */
export function publishApprovalRequests(topicArn: string, keyArn: string): Statement[] {
    return [{
        Sid: "PublishApprovalRequests",
        Effect: "Allow",
        Action: "sns:Publish",
        Resource: topicArn,
    }, {
        Sid: "EncryptApprovalRequestsWithTopicKey",
        Effect: "Allow",
        Action: PUBLISH_WITH_KEY,
        Resource: keyArn,
    }];
}

/**
 * The Slack channel's guardrail: a customer-managed policy that caps what anyone may do from the
 * channel through AWS Chatbot, whatever the channel role or a member's own role allows. The channel
 * only receives notifications, so it caps at nothing (AWS Chatbot's default is AdministratorAccess).
 */
export function chatbotGuardrailPolicy(): PolicyDocument {
    return policy({
        Sid: "DenyEveryActionFromTheChannel",
        Effect: "Deny",
        Action: "*",
        Resource: "*",
    });
}
