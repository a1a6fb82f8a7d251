import * as crypto from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { requireProvider } from "./options";
import { partitionOf, serviceTrustPolicy } from "./policies/document";
import { chatbotGuardrailPolicy, notificationKeyPolicy, notificationTopicPolicy } from "./policies/notifications";

/**
 * Where AWS Chatbot's API runs (https://docs.aws.amazon.com/chatbot/latest/APIReference/Welcome.html);
 * a channel configuration made in one of them takes SNS topics of any region of the partition.
 */
export const CHATBOT_REGIONS = ["us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"] as const;

/** The region to make a stack's Slack channel configuration in: the stack's own where Chatbot's API runs, else Chatbot's console region. */
export function chatbotRegionFor(region: string): typeof CHATBOT_REGIONS[number] {
    return CHATBOT_REGIONS.find(r => r === region) ?? "us-east-2";
}

/**
 * The pipeline events a notification rule tells about, as CodeStar Notifications names them
 * (https://docs.aws.amazon.com/dtconsole/latest/userguide/concepts.html#events-ref-pipeline).
 */
export const PIPELINE_EVENTS = {
    failed: "codepipeline-pipeline-pipeline-execution-failed",
    approvalNeeded: "codepipeline-pipeline-manual-approval-needed",
    succeeded: "codepipeline-pipeline-pipeline-execution-succeeded",
} as const;

/** A Slack channel that AWS Chatbot posts the topic's messages to, made in a region where Chatbot's API runs. */
export interface SlackChannelArgs {
    /** The Slack workspace (team) id: authorized for AWS Chatbot once, in its console, before the configuration is made. */
    workspaceId: string;
    channelId: string;
    /** Physical names of the channel configuration, its role and its guardrail policy. */
    configurationName: string;
    roleName: string;
    guardrailName: string;
    /** The pipeline account's provider in a region where AWS Chatbot's API runs (see CHATBOT_REGIONS). */
    provider: pulumi.ProviderResource;
}

export interface PipelineNotificationsArgs {
    /** The pipeline account: it owns the key, the topic and the rule that publishes to it. */
    accountId: string;
    region: string;
    /** Physical names of the topic and of the key's alias. */
    topicName: string;
    keyAlias: string;
    /** The pipeline's role: manual approvals publish their requests with it, and no other role may publish. */
    pipelineRoleArn: string;
    /** Addresses to subscribe; each confirms once from the email SNS sends. */
    emails: string[];
    slack?: SlackChannelArgs;
    /** Keep the key (and so any message still encrypted with it) when it leaves the stack; the topic and subscriptions go. */
    retainOnDelete: boolean;
}

/**
 * Pipeline account: where the pipeline tells people. An SNS topic encrypted with a customer-managed
 * key, which the pipeline's notification rule (CodeStar Notifications) and its manual approvals
 * publish to, and nobody else; email subscriptions; optionally a Slack channel through AWS Chatbot
 * (Amazon Q Developer in chat applications), capped by a guardrail of this program's.
 */
export class PipelineNotifications extends pulumi.ComponentResource {
    public readonly topicArn: pulumi.Output<string>;
    /** The topic's key: the pipeline role may use it through SNS only. */
    public readonly keyArn: pulumi.Output<string>;
    /** The Slack channel configuration, if any. */
    public readonly slackConfigurationArn?: pulumi.Output<string>;

    constructor(name: string, args: PipelineNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cross-account-pipeline:notifications:PipelineNotifications", name, {}, opts);
        requireProvider("PipelineNotifications", opts);
        const access = { accountId: args.accountId, partition: partitionOf(args.region), region: args.region, pipelineRoleArn: args.pipelineRoleArn };

        const key = new aws.kms.Key(`${name}-key`, {
            description: `Messages of the notification topic ${args.topicName}`,
            enableKeyRotation: true,
            // The longest window: a key scheduled for deletion by mistake can still be saved.
            deletionWindowInDays: 30,
            policy: JSON.stringify(notificationKeyPolicy(access)),
        }, { parent: this, retainOnDelete: args.retainOnDelete });
        // The alias is a name, not a guard: kept, it would block the next create of this stack.
        new aws.kms.Alias(`${name}-key-alias`, { name: args.keyAlias, targetKeyId: key.keyId }, { parent: this });

        const topic = new aws.sns.Topic(`${name}-topic`, { name: args.topicName, kmsMasterKeyId: key.arn }, { parent: this });
        const policy = new aws.sns.TopicPolicy(`${name}-topic-policy`, {
            arn: topic.arn,
            policy: topic.arn.apply(arn => JSON.stringify(notificationTopicPolicy(arn, access))),
        }, { parent: this });
        // By the address, not its place: adding or removing one address leaves the others (and their confirmations) alone.
        // In lowercase, as mail systems read it: a change of case alone is no new endpoint (which SNS would subscribe anew).
        for (const email of args.emails.map(e => e.toLowerCase())) {
            new aws.sns.TopicSubscription(`${name}-email-${crypto.createHash("sha256").update(email).digest("hex").slice(0, 8)}`, {
                topic: topic.arn, protocol: "email", endpoint: email,
            }, { parent: this, dependsOn: [policy] });
        }
        this.slackConfigurationArn = args.slack && slackChannel(name, args, topic, this);

        this.topicArn = topic.arn;
        this.keyArn = key.arn;
        this.registerOutputs({ topicArn: this.topicArn, keyArn: this.keyArn, slackConfigurationArn: this.slackConfigurationArn });
    }
}

/**
 * The Slack channel: an AWS Chatbot configuration (in a region where its API runs) subscribed to the
 * topic, with a role that may do nothing and a guardrail of this program's that caps the channel at
 * nothing: the channel receives notifications; nobody runs AWS commands from it.
 */
function slackChannel(name: string, args: PipelineNotificationsArgs, topic: aws.sns.Topic, parent: pulumi.Resource): pulumi.Output<string> {
    const slack = args.slack!;
    const role = new aws.iam.Role(`${name}-chatbot`, {
        name: slack.roleName,
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("chatbot.amazonaws.com", args.accountId)),
    }, { parent });
    const guardrail = new aws.iam.Policy(`${name}-chatbot-guardrail`, {
        name: slack.guardrailName,
        description: `Caps the Slack channel of ${args.topicName} at nothing: it only receives notifications`,
        policy: JSON.stringify(chatbotGuardrailPolicy()),
    }, { parent });
    return new aws.chatbot.SlackChannelConfiguration(`${name}-slack`, {
        configurationName: slack.configurationName,
        slackTeamId: slack.workspaceId,
        slackChannelId: slack.channelId,
        snsTopicArns: [topic.arn],
        iamRoleArn: role.arn,
        guardrailPolicyArns: [guardrail.arn],
        // Channel members act as their own roles, within the guardrail, never as the channel's.
        userAuthorizationRequired: true,
        loggingLevel: "ERROR",
    }, { parent, provider: slack.provider }).chatConfigurationArn;
}
