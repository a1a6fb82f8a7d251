// Who is told about the pipeline's executions and approvals: emails and a Slack channel.
import { z } from "zod";
import { CHATBOT_REGIONS } from "../../components/PipelineNotifications";
import { uniqueEmails } from "./blockRules";
import { matching, yesNo } from "./values";
import { ALWAYS } from "./rule";

const email = () => z.string().max(254)
    .regex(/^[A-Za-z0-9.!#$%&'*+\/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/)
    .meta({ expected: "an email address" });

/** A Slack channel that AWS Chatbot (Amazon Q Developer in chat applications) posts the notifications to. */
const SlackSchema = z.strictObject({
    workspaceId: matching(/^[0-9A-Z]{1,255}$/, "a Slack workspace id (uppercase letters and digits, such as T0123456789)")
        .describe("The Slack workspace (its team id), authorized once for AWS Chatbot in its console before the first `pulumi up`.")
        .meta({ examples: ["T0123456789"] }),
    channelId: matching(/^[A-Za-z0-9]{1,255}$/, "a Slack channel id (letters and digits, such as C0123456789)")
        .describe("The channel (its id, from the channel's details in Slack); invite the AWS app to a private channel.")
        .meta({ examples: ["C0123456789"] }),
    region: z.enum(CHATBOT_REGIONS).meta({ expected: `a region where AWS Chatbot's API runs: ${CHATBOT_REGIONS.join(", ")}` }).optional()
        .describe("Where the channel configuration is made: AWS Chatbot's API runs in a few regions only; the topic may be in any.")
        .meta({ examples: ["us-east-2"], derivedDefault: "the stack's region where Chatbot's API runs there, else us-east-2" }),
}).meta({ examples: [{ workspaceId: "T0123456789", channelId: "C0123456789" }] });

/**
 * Who is told, through one encrypted SNS topic of the pipeline account: a CodeStar Notifications
 * rule on the pipeline (failed executions, approvals needed, succeeded ones if asked) and every
 * manual approval's own request.
 */
export const NotificationsSchema = z.strictObject({
    emails: z.array(email()).max(100).meta({ expected: "a list of at most 100 email addresses" }).default([])
        .describe("Addresses subscribed to the topic; each confirms once, from the email AWS sends after `pulumi up`.")
        .meta({ examples: [["platform-team@example.com"]] }),
    succeeded: yesNo().default(false).describe("Also tell when an execution succeeded (failed ones and approvals needed always).")
        .meta({ examples: [false] }),
    slack: SlackSchema.optional().describe("Also post them to a Slack channel through AWS Chatbot.").meta({ derivedDefault: "none" }),
}).superRefine(uniqueEmails, ALWAYS).meta({ examples: [{ emails: ["platform-team@example.com"] }] });

