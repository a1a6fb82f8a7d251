// Who is told: the encrypted topic, its key and policy, the email subscriptions, the CodeStar
// Notifications rule, the Slack channel through AWS Chatbot, and each approval's request, on the
// committed stacks (prod tells, dev does not), the grown path (Slack) and changed configurations.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { configOf, projectConfig } from "../offline/access/access";
import { evaluate, Evaluation, Resource, stackFileConfig } from "../offline/engine/engine";
import { approvalMessage } from "../components/CrossAccountPipeline";
import { ConfigError } from "../stacks/config/issues";
import { parseConfig } from "../stacks/validation/parse";
import { checkNotifications } from "./properties/invariants";
import { all, block, evaluated, evaluateWith, key, one, policyOf, targetsOf, FIXTURES } from "./support/stacks";

const P = "cross-account-pipeline";
const statement = (doc: { Statement: any[] }, sid: string) => {
    const found = doc.Statement.find(s => s.Sid === sid);
    assert.ok(found, `no statement ${sid}`);
    return found;
};
const approvalsOf = (e: Evaluation) => (one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[])
    .map(stage => ({ stage: stage.name as string, approval: stage.actions.find((a: any) => a.provider === "Manual") }))
    .filter(s => s.approval);
const byName = (e: Evaluation, type: string, name: string) => one(e, type, name);

describe("notifications", () => {
    for (const stack of ["dev", "prod", "path"]) {
        it(`${stack}: tells exactly whom config names, through the one topic, and nothing without notifications`, async () => {
            const e = await evaluated(stack);
            assert.equal(e.error?.message, undefined);
            checkNotifications(e, configOf(e));
        });
    }

    describe("prod: the topic and its key", () => {
        let e: Evaluation;
        let topic: Resource;
        let topicKey: Resource;
        before(async () => {
            e = await evaluated("prod");
            topic = one(e, "aws:sns/topic:Topic");
            topicKey = byName(e, "aws:kms/key:Key", "notifications-key");
        });

        it("encrypts the topic with a customer-managed key of its own, rotated, with the longest deletion window, kept on destroy", () => {
            assert.equal(topic.inputs.name, "cross-account-pipeline-prod-notifications");
            assert.equal(topic.inputs.kmsMasterKeyId, topicKey.state.arn);
            assert.deepEqual([topicKey.inputs.enableKeyRotation, topicKey.inputs.deletionWindowInDays, topicKey.retainOnDelete], [true, 30, true]);
            // What goes with the stack: the topic, its policy, the subscriptions, the rule and the alias (a name, not a guard).
            for (const r of [topic, ...all(e, "aws:sns/topicSubscription:TopicSubscription"), one(e, "aws:sns/topicPolicy:TopicPolicy"),
                one(e, "aws:codestarnotifications/notificationRule:NotificationRule"), byName(e, "aws:kms/alias:Alias", "notifications-key-alias")]) {
                assert.equal(r.retainOnDelete, false, `${r.name} is kept`);
            }
        });

        it("lets CodeStar Notifications and the pipeline role use the key through SNS in the stack's region only, and its account manage it", () => {
            const policy = policyOf(topicKey);
            assert.deepEqual(policy.Statement.map(s => s.Sid),
                ["KeyAdministrationByOwningAccount", "PublishThroughSnsByCodeStarNotifications", "PublishApprovalRequestsThroughSnsByPipelineRole"]);
            assert.deepEqual(statement(policy, "PublishThroughSnsByCodeStarNotifications"), {
                Sid: "PublishThroughSnsByCodeStarNotifications", Effect: "Allow", Principal: { Service: "codestar-notifications.amazonaws.com" },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: "*",
                Condition: { StringEquals: { "kms:ViaService": "sns.ap-northeast-2.amazonaws.com" } },
            });
            assert.deepEqual(statement(policy, "PublishApprovalRequestsThroughSnsByPipelineRole"), {
                Sid: "PublishApprovalRequestsThroughSnsByPipelineRole", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::121212121212:root"] },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: "*",
                Condition: { ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::121212121212:role/cross-account-pipeline-prod-pipeline"] },
                    StringEquals: { "kms:ViaService": "sns.ap-northeast-2.amazonaws.com" } },
            });
        });

        it("lets CodeStar Notifications publish for this account only, and denies publishing to every IAM principal but the pipeline role", () => {
            const policy = policyOf(one(e, "aws:sns/topicPolicy:TopicPolicy"));
            assert.equal(one(e, "aws:sns/topicPolicy:TopicPolicy").inputs.arn, topic.state.arn);
            assert.deepEqual(policy.Statement, [{
                Sid: "PublishByCodeStarNotificationsForThisAccount", Effect: "Allow", Principal: { Service: "codestar-notifications.amazonaws.com" },
                Action: "sns:Publish", Resource: topic.state.arn, Condition: { StringEquals: { "aws:SourceAccount": "121212121212" } },
            }, {
                Sid: "DenyPublishByRolesButThePipelineRole", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: topic.state.arn,
                Condition: { StringEquals: { "aws:PrincipalIsAWSService": "false" },
                    ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::121212121212:role/cross-account-pipeline-prod-pipeline" } },
            }]);
        });

        it("gives the pipeline role what an approval's request needs, and no more: publish to this topic, with its key", () => {
            const policy = policyOf(byName(e, "aws:iam/rolePolicy:RolePolicy", "pipeline-pipeline-permissions"));
            assert.deepEqual(statement(policy, "PublishApprovalRequests"), { Sid: "PublishApprovalRequests", Effect: "Allow", Action: "sns:Publish", Resource: topic.state.arn });
            assert.deepEqual(statement(policy, "EncryptApprovalRequestsWithTopicKey"),
                { Sid: "EncryptApprovalRequestsWithTopicKey", Effect: "Allow", Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: topicKey.state.arn });
        });

        it("subscribes each address, pending until it confirms, named by the address so others keep theirs when one changes", async () => {
            const subscriptions = all(e, "aws:sns/topicSubscription:TopicSubscription");
            assert.deepEqual(subscriptions.map(s => [s.inputs.protocol, s.inputs.endpoint, s.state.pendingConfirmation]),
                [["email", "platform-team@example.com", true], ["email", "release-managers@example.com", true]]);
            // The subscriptions wait for the topic's policy: a confirmed address gets messages only the rule and the pipeline role send.
            const policy = one(e, "aws:sns/topicPolicy:TopicPolicy");
            assert.ok(subscriptions.every(s => s.dependencies.includes(policy.urn)));
            const changed = await evaluateWith("prod", c => {
                c[key("notifications")] = { ...block<object>(c, "notifications"), emails: ["oncall@example.com", "release-managers@example.com"] };
            });
            const urn = (ev: Evaluation, address: string) => all(ev, "aws:sns/topicSubscription:TopicSubscription").find(s => s.inputs.endpoint === address)?.urn;
            assert.equal(urn(changed, "release-managers@example.com"), urn(e, "release-managers@example.com"), "an unchanged address keeps its subscription");
            assert.equal(urn(changed, "platform-team@example.com"), undefined);
            // The names deployed stacks have: a version that named them otherwise would replace every
            // subscription, and each address would have to confirm again.
            assert.deepEqual(subscriptions.map(s => s.name), ["notifications-email-ef0d4fb7", "notifications-email-cb1e7e95"]);
        });

        it("puts a rule on the pipeline for failed executions, approvals needed and (prod asks) succeeded ones, after the topic admits it", () => {
            const rule = one(e, "aws:codestarnotifications/notificationRule:NotificationRule");
            assert.deepEqual([rule.inputs.name, rule.inputs.detailType, rule.inputs.status, rule.inputs.resource, rule.inputs.eventTypeIds, rule.inputs.targets], [
                "cross-account-pipeline-prod", "FULL", "ENABLED", one(e, "aws:codepipeline/pipeline:Pipeline").state.arn,
                // AWS's own event type ids (https://docs.aws.amazon.com/dtconsole/latest/userguide/concepts.html#events-ref-pipeline),
                // not the program's constants: a misspelt one is refused by CodeStar Notifications, not by a test that reads it back.
                ["codepipeline-pipeline-pipeline-execution-failed", "codepipeline-pipeline-manual-approval-needed",
                    "codepipeline-pipeline-pipeline-execution-succeeded"], [{ type: "SNS", address: topic.state.arn }],
            ]);
            assert.ok(rule.dependencies.includes(one(e, "aws:sns/topicPolicy:TopicPolicy").urn), "made once CodeStar Notifications may publish");
            assert.deepEqual(e.outputs.notificationTopicArn, topic.state.arn);
        });
    });

    describe("each approval's request", () => {
        it("points at the topic and says what is approved: the stage, its targets, the execution, commit and image, and where it ran before", async () => {
            const e = await evaluated("prod");
            const [{ stage, approval }] = approvalsOf(e);
            assert.equal(stage, "Approve_prod", "its own stage, before prod's");
            assert.equal(approval.configuration.NotificationArn, one(e, "aws:sns/topic:Topic").state.arn);
            assert.equal(approval.configuration.CustomData, "Approve stage prod of cross-account-pipeline-prod: deploy execution " +
                "#{codepipeline.PipelineExecutionId}, commit #{SourceVariables.CommitId}, image #{BuildVariables.IMAGE_URI} to prod " +
                "(232323232323, ap-northeast-2). It passed stage staging. The review link is the load balancer's own name: the browser " +
                "will warn about its certificate.");
            // The review link is staging's own URL, where the same image runs.
            assert.equal(approval.configuration.ExternalEntityLink, (e.outputs.targets as any).staging.applicationUrl);
            assert.equal(approval.timeoutInMinutes, 4320);
        });

        it("names the image by a variable the generated build exports", async () => {
            const e = await evaluated("prod");
            const buildspec = yaml.load(byName(e, "aws:codebuild/project:Project", "pipeline-build").inputs.source.buildspec) as any;
            assert.deepEqual(buildspec.env["exported-variables"], ["IMAGE_URI"]);
            assert.ok(buildspec.phases.pre_build.commands.some((c: string) => c.startsWith("IMAGE_URI=")));
            const action = (one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[])[1].actions[0];
            assert.equal(action.namespace, "BuildVariables");
        });

        it("with a buildspec of the repository's, which may export nothing, names the execution and commit only", async () => {
            const e = await evaluateWith("prod", c => { c[key("build")] = { ...block<object>(c, "build"), buildspec: "buildspec.yml" }; });
            const [{ approval }] = approvalsOf(e);
            assert.ok(!approval.configuration.CustomData.includes("BuildVariables"), approval.configuration.CustomData);
            assert.match(approval.configuration.CustomData, /#\{SourceVariables\.CommitId\}/);
        });

        it("without notifications, still says what is approved, and publishes nowhere", async () => {
            const e = await evaluateWith("prod", c => { delete c[key("notifications")]; });
            const [{ approval }] = approvalsOf(e);
            assert.equal(approval.configuration.NotificationArn, undefined);
            assert.match(approval.configuration.CustomData, /^Approve stage prod /);
            assert.deepEqual(["aws:sns/topic:Topic", "aws:codestarnotifications/notificationRule:NotificationRule"].map(t => all(e, t).length), [0, 0]);
            const policy = policyOf(byName(e, "aws:iam/rolePolicy:RolePolicy", "pipeline-pipeline-permissions"));
            assert.ok(!policy.Statement.some(s => /Approval/.test(s.Sid)), "no grant on a topic that is not there");
        });

        it("stays within its 500 characters for a wave of many targets, counting them instead of naming them", () => {
            const targets = Array.from({ length: 48 }, (_, i) => ({ name: `prod-eu-west-${i}`, account: "232323232323", region: "eu-west-1" }));
            const message = approvalMessage({ pipelineName: "p".repeat(100), stage: "wave", targets, imageVariable: true, previousStage: "staging" });
            assert.ok(message.length <= 500, `${message.length} characters`);
            assert.match(message, / to 48 targets\. It passed stage staging\.$/);
        });
    });

    describe("an approval's request, as text", () => {
        // The program's bound on a request, written out: AWS documents none for CustomData; 500 characters show whole in the
        // console and an email, well within the 1,000 CodePipeline takes for a configuration value.
        const LIMIT = 500;
        const target = (name: string) => ({ name, account: "232323232323", region: "eu-west-1" });
        const base = { pipelineName: "shop", stage: "prod", targets: [target("a"), target("b")], imageVariable: false };

        it("names each target, and nothing more than it knows: no image without the build's variable, no earlier stage before the first", () => {
            assert.equal(approvalMessage(base), "Approve stage prod of shop: deploy execution #{codepipeline.PipelineExecutionId}, " +
                "commit #{SourceVariables.CommitId} to a (232323232323, eu-west-1), b (232323232323, eu-west-1).");
        });

        it("lists the targets while the whole request fits its 500 characters exactly, and counts them one character past it", () => {
            // The name's length that makes the listed request exactly the limit long.
            const room = LIMIT - approvalMessage({ ...base, pipelineName: "" }).length;
            const fits = approvalMessage({ ...base, pipelineName: "p".repeat(room) });
            assert.equal(fits.length, LIMIT);
            assert.ok(fits.endsWith(" to a (232323232323, eu-west-1), b (232323232323, eu-west-1)."), fits);
            assert.ok(approvalMessage({ ...base, pipelineName: "p".repeat(room + 1) }).endsWith(" to 2 targets."));
        });

        it("is cut at the limit when even the count does not fit (names at CodePipeline's longest, every part present)", () => {
            const long = "x".repeat(100);
            const message = approvalMessage({ pipelineName: long, stage: long, targets: [target("a")], imageVariable: true, previousStage: long, linkWarns: true });
            assert.equal(message.length, LIMIT);
            assert.ok(message.startsWith(`Approve stage ${long} of ${long}: deploy `) && message.includes(" to 1 target."), message);
        });
    });

    describe("Slack, through AWS Chatbot", () => {
        it("makes the channel's configuration where Chatbot's API runs, through the pipeline account's provider there", async () => {
            const e = await evaluated("path");
            const slack = one(e, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration");
            assert.deepEqual([slack.account, slack.region], ["121212121212", "us-east-2"], "ap-northeast-2 has no Chatbot API: us-east-2");
            const provider = e.resources.find(r => r.type === "pulumi:providers:aws" && slack.provider.startsWith(`${r.urn}::`))!;
            assert.deepEqual([JSON.parse(provider.inputs.allowedAccountIds), provider.inputs.region, provider.name],
                [["121212121212"], "us-east-2", "pipeline-account-us-east-2"]);
            assert.deepEqual([slack.inputs.slackTeamId, slack.inputs.slackChannelId, slack.inputs.snsTopicArns, slack.inputs.userAuthorizationRequired,
                slack.inputs.loggingLevel], ["T0123456789", "C0123456789", [one(e, "aws:sns/topic:Topic").state.arn], true, "ERROR"]);
        });

        it("caps the channel with a customer-managed guardrail that grants nothing, and gives its role nothing but AWS Chatbot's trust", async () => {
            const e = await evaluated("path");
            const slack = one(e, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration");
            const guardrail = one(e, "aws:iam/policy:Policy");
            assert.deepEqual(slack.inputs.guardrailPolicyArns, [guardrail.state.arn]);
            assert.match(guardrail.state.arn, /^arn:aws:iam::121212121212:policy\//);
            assert.deepEqual(policyOf(guardrail).Statement, [{ Sid: "DenyEveryActionFromTheChannel", Effect: "Deny", Action: "*", Resource: "*" }]);
            const role = byName(e, "aws:iam/role:Role", "notifications-chatbot");
            assert.equal(slack.inputs.iamRoleArn, role.state.arn);
            assert.deepEqual(policyOf(role, "assumeRolePolicy").Statement[0].Principal, { Service: "chatbot.amazonaws.com" });
            assert.deepEqual(all(e, "aws:iam/rolePolicy:RolePolicy").filter(p => p.inputs.role === role.state.name), [], "the role may do nothing");
            // No attachment: the guardrail caps, it grants nothing to anyone.
            assert.deepEqual(e.resources.filter(r => /^aws:iam\/(rolePolicyAttachment|policyAttachment)/.test(r.type)), []);
        });

        it("stays in the stack's region where Chatbot's API runs there, or where config says", async () => {
            const here = await evaluateWith("prod", c => {
                c[key("region")] = "eu-west-1";
                targetsOf(c).forEach(t => { t.region = "ap-northeast-2"; });
                c[key("notifications")] = { ...block<object>(c, "notifications"), slack: { workspaceId: "T1", channelId: "C1" } };
            });
            assert.ifError(here.error);
            assert.equal(one(here, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration").region, "eu-west-1");
            const chosen = await evaluateWith("prod", c => {
                c[key("notifications")] = { ...block<object>(c, "notifications"), slack: { workspaceId: "T1", channelId: "C1", region: "ap-southeast-1" } };
            });
            assert.equal(one(chosen, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration").region, "ap-southeast-1");
        });

        it("is refused outside the aws partition, where AWS Chatbot's API does not run", () => {
            const raw = { ...projectConfig("dev", FIXTURES), region: "cn-north-1", pipelineAccount: { accountId: "343434343434" },
                targets: [{ name: "staging", account: { accountId: "454545454545" }, create: { serviceName: "s" } }],
                notifications: { slack: { workspaceId: "T1", channelId: "C1" } } };
            // The regions the API Reference names (https://docs.aws.amazon.com/chatbot/latest/APIReference/Welcome.html).
            assert.throws(() => parseConfig(P, "dev", raw), (err: unknown) => err instanceof ConfigError &&
                err.problems.includes("Pulumi.dev.yaml: cross-account-pipeline:notifications.slack: expected no Slack channel in the aws-cn partition: " +
                    "AWS Chatbot's API runs in us-east-2, us-west-2, eu-west-1, ap-southeast-1 only (emails work everywhere); found " +
                    'object {"workspaceId":"T1","channelId":"C1"}; for example (remove notifications.slack)'));
        });
    });

    describe("config", () => {
        const raw = (notifications: unknown) => ({ ...projectConfig("prod", FIXTURES), notifications });
        const problem = (notifications: unknown) => {
            try {
                parseConfig(P, "prod", raw(notifications));
            } catch (err) {
                return (err as ConfigError).problems;
            }
            return [];
        };

        it("refuses an address written twice, a malformed one, and a channel without its workspace, naming each", () => {
            assert.deepEqual(problem({ emails: ["a@example.com", "A@example.com"] }).map(p => p.split(": ").slice(0, 2).join(": ")),
                ["Pulumi.prod.yaml: cross-account-pipeline:notifications.emails"]);
            assert.match(problem({ emails: ["not-an-address"] })[0], /notifications\.emails: expected a list of at most 100 email addresses; found a list \["not-an-address"\]/);
            assert.match(problem({ slack: { channelId: "C1" } })[0], /notifications\.slack\.workspaceId: expected a Slack workspace id/);
        });

        it("takes a topic without subscriptions (subscribe elsewhere to its ARN), succeeded off by default", () => {
            const config = parseConfig(P, "prod", raw({}));
            assert.deepEqual(config.notifications, { emails: [], succeeded: false, slack: undefined });
        });
    });
});

describe("notifications: an address whose case changes keeps its subscription", function () {
    this.timeout(30_000);
    const FIXTURE = "Pulumi.apimodels.yaml";
    const withEmails = (emails: string[]) => {
        const config = stackFileConfig(FIXTURE, fs.readFileSync(path.join(__dirname, "fixtures", "models", FIXTURE), "utf8"), "cross-account-pipeline");
        config[key("notifications")] = { ...block<object>(config, "notifications"), emails };
        return config;
    };
    const subscriptions = (e: Evaluation) => e.resources.filter(r => r.type === "aws:sns/topicSubscription:TopicSubscription")
        .map(r => ({ urn: r.urn, endpoint: r.inputs.endpoint, protocol: r.inputs.protocol }));

    it("the same resource with the same endpoint (no new confirmation), in lowercase as mail systems read it", async () => {
        const before = await evaluate("apimodels", withEmails(["release.managers@example.org"]));
        const after = await evaluate("apimodels", withEmails(["Release.Managers@Example.ORG"]));
        assert.ifError(before.error ?? after.error);
        assert.deepEqual(subscriptions(after), subscriptions(before));
        assert.deepEqual(subscriptions(after).map(s => s.endpoint), ["release.managers@example.org"]);
    });
});

