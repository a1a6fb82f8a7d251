// What must hold for every stack the schema accepts, checked on the real program under the
// offline engine. Each check throws an AssertionError that says what broke.
import { strict as assert } from "assert";
import { actionsOf, configOf } from "../../offline/access/access";
import { registeredPolicies } from "../../offline/access/policies";
import { accessTable } from "../../offline/report/accessTable";
import { evaluate, Evaluation, Resource } from "../../offline/engine/engine";
import { AccessResult, planOf } from "../../offline/report/plan";
import { StackConfig } from "../../stacks/config/stackConfig";
import { NAME_LIMITS, NameLimit, nameProblem, UNNAMED_TYPES } from "../../stacks/nameLimits";
import { growingDocuments, GrowingKind } from "../../stacks/limits";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../../components/policies/logDelivery";
import { controlResults, DOCUMENTED_EXCEPTIONS, exceptionsOf, failuresOf } from "../../offline/report/securityHub";
import { apiViolations } from "../../offline/engine/apiRules";
import { describeViolation } from "../../offline/engine/violations";
import { unmappedInputs } from "../support/apiCoverage";
import { configuredAbsence } from "../support/absence";
import { descendants } from "../support/stacks";
import { expectedPlacement } from "../support/placement";
import { expectedExceptions } from "../support/securityHub";
import { configAsRead, partitionName, StackFile } from "./stackFiles";
import { alarmArn, MAX_ALARMS_PER_GROUP } from "../../components/alarms";
import { APPROVAL_MESSAGE_MAX } from "../../components/CrossAccountPipeline";
import { CHATBOT_REGIONS, PIPELINE_EVENTS } from "../../components/PipelineNotifications";
import { dnsSuffixOf } from "../../components/policies/document";
import { PLACEHOLDER_IMAGE } from "../../components/buildspec";
import { declaredExceptions } from "../../components/securityHub";
import { MAX_TERMINATION_WAIT_MINUTES, pipelineStages, RollbackPath, rollbackWindowMinutes } from "../../stacks/config/releasePath";
import { stackNames } from "../../stacks/names";
import { unverifiableHttps } from "../../stacks/reach";

/** The guarantees at the heart of the access table: for every target, they hold in every stack, never excused. */
export function coreRows(config: StackConfig) {
    return config.targets.flatMap((t, i): { principal: string; action: string; resource: string; context?: Record<string, string> }[] => {
        const store = t.region === config.region ? "" : ` in ${t.region}`;
        const deploy = `deploy role (${t.name})`;
        return [
            { principal: "pipeline role", action: "sts:AssumeRole", resource: deploy },
            { principal: deploy, action: "s3:GetObject", resource: `build output artifact${store}`, context: { "aws:SecureTransport": "true" } },
            { principal: deploy, action: "kms:Decrypt", resource: `artifact key${store}`, context: { "kms:ViaService": `s3.<targets.${i}.region>.<dns suffix>` } },
            { principal: "third-account role with Allow *", action: "sts:AssumeRole", resource: deploy },
            { principal: `another role with Allow * in the target's account (${t.name})`, action: "sts:AssumeRole", resource: deploy },
        ];
    });
}

const placed = (e: Evaluation) => e.resources.filter(r => r.type !== "pulumi:pulumi:Stack" && r.type !== "pulumi:providers:aws");

/**
 * Every resource in the account and region its side and owner say (tests/support/placement.ts,
 * written by hand), and one provider per account and region, pinned to its account.
 */
export function checkPlacement(e: Evaluation, config: StackConfig) {
    for (const r of placed(e)) {
        const expected = expectedPlacement(r, config);
        assert.ok(expected, `${r.type} ${r.name} is not in the placement table (tests/support/placement.ts)`);
        assert.deepEqual({ account: r.account, region: r.region }, expected, `${r.type} ${r.name} is not where it belongs`);
    }
    const providers = e.resources.filter(r => r.type === "pulumi:providers:aws");
    const places = providers.map(p => `${JSON.parse(p.inputs.allowedAccountIds)} ${p.inputs.region}`);
    assert.deepEqual(places.filter((p, i) => places.indexOf(p) !== i), [], "two providers for one account and region");
    const touched = [...new Set(placed(e).map(r => `${r.account} ${r.region}`))];
    assert.deepEqual([...places].sort(), touched.sort(), "a provider for each account and region the stack touches, and no other");
}

/** Each physical name of a registered resource, with the limit it must keep. */
export function physicalNames(resources: Resource[]) {
    const limits: NameLimit[] = Object.values(NAME_LIMITS);
    return resources.filter(r => r.custom).flatMap(r => {
        const own = limits.filter(l => l.type === r.type);
        assert.ok(own.length > 0 || UNNAMED_TYPES.includes(r.type),
            `${r.type} has no row in stacks/nameLimits.ts (NAME_LIMITS, or UNNAMED_TYPES if it has no name)`);
        return own.flatMap(limit => (limit.read?.(r.state) ?? [r.state[limit.field]]).map(name => ({ resource: r, limit, name })));
    });
}

/**
 * Names AWS accepts, and no two resources of a type with the same name in one account (the
 * resources of one stack share a region). `resources` may be several stacks' together.
 */
export function checkNames(resources: Resource[]) {
    const seen = new Map<string, Resource>();
    for (const { resource, limit, name } of physicalNames(resources)) {
        const problem = nameProblem(name, limit);
        assert.equal(problem, undefined, `${resource.type} ${resource.name}: ${problem}`);
        if (resource.type !== "pulumi:providers:aws" && !limit.shared) {
            const key = `${limit.type} ${limit.field} ${resource.account} ${resource.region} ${name}`;
            const other = seen.get(key);
            assert.ok(!other, `${resource.type} ${resource.name} and ${other?.name} are both named ${name} in ${resource.account} ${resource.region}`);
            seen.set(key, resource);
        }
    }
}

/**
 * Nothing an AWS API would refuse (its model's traits, the rules AWS documents beyond them), and
 * every registered input mapped to a model member or exempt with a reason (offline/engine/apiBindings.ts).
 */
export function checkApiModels(resources: Resource[]) {
    assert.deepEqual(apiViolations(resources).map(describeViolation), [], "an AWS API would refuse a registration");
    assert.deepEqual(unmappedInputs(resources), [], "inputs neither mapped to an API model member nor exempt (offline/engine/apiBindings.ts)");
}

/**
 * Every ARN the program registers is in the region's partition (AWS's data), in a region the path
 * acts in and in one of its accounts (or a region's own Elastic Load Balancing log-delivery account,
 * AWS's table; `*` only in an organization-wide role pattern); an existing source connection (under
 * either service prefix) only in the partition: connections are global, and another account may
 * share one with AWS RAM.
 */
export function checkArns(e: Evaluation, config: StackConfig) {
    const partition = partitionName(config.region);
    const regions: string[] = [config.region, ...config.targets.map(t => t.region)];
    const accounts = [config.pipelineAccount.accountId, ...config.targets.map(t => t.account.accountId),
        ...regions.map(r => ELB_LOG_DELIVERY_ACCOUNTS[r])];
    const connection = config.source.provider === "CodeCommit" ? undefined : config.source.connectionArn?.split(":").slice(3).join(":");
    for (const r of e.resources.filter(r => r.custom)) {
        const text = JSON.stringify(r.inputs);
        for (const [arn, arnPartition, region, account] of text.matchAll(/arn:([\w-]+):[\w-]*:([\w-]*):(\d*|\*):[^"\\\s,]*/g)) {
            assert.equal(arnPartition, partition, `${r.type} ${r.name}: ${arn} is not in the ${partition} partition of ${config.region}`);
            if (arn.split(":").slice(3).join(":") === connection) {
                continue;
            }
            assert.ok(region === "" || regions.includes(region), `${r.type} ${r.name}: ${arn} is not in a region of the path`);
            assert.ok(account === "" || accounts.includes(account) || (account === "*" && config.grants === "organization" && /:iam::\*:role\//.test(arn)),
                `${r.type} ${r.name}: ${arn} names an account that is not the stack's`);
        }
    }
}

/**
 * The access table, complete: every row decided as it expects (or allowed to an account's own
 * administrators), rows absent only for the parts of a created target when the target is an
 * existing one, or for the reason config gives (the other kind of source, another value of a
 * key), and the core rows decided in every stack.
 */
export function checkAccess(access: AccessResult[], config: StackConfig) {
    const table = accessTable(config);
    for (const { row, absence, decisions } of access) {
        if (absence && !configuredAbsence(table, row, config)) {
            const target = config.targets.find(t => t.name === row.target);
            assert.ok(target?.existing, `only rows about an existing target may not apply; this does not: ${absence}`);
        }
        for (const { action, decision, verdict } of decisions) {
            assert.notEqual(verdict, "unexpected", `${row.principal} ${action} on ${row.resource}: ${decision}, expected ${row.expect} (${row.why})`);
        }
    }
    for (const core of coreRows(config)) {
        const found = access.filter(({ row }) => row.principal === core.principal && row.resource === core.resource &&
            actionsOf(row).includes(core.action) && Object.entries(core.context ?? {}).every(([k, v]) => row.context?.[k] === v));
        assert.equal(found.length, 1, `the access table has no single core row ${JSON.stringify(core)}`);
        const [{ row, absence, decisions }] = found;
        assert.equal(absence, undefined, `core row ${core.principal} ${core.action} on ${core.resource}: ${absence}`);
        const { decision } = decisions.find(d => d.action === core.action)!;
        assert.equal(decision, row.expect, `core row ${core.principal} ${core.action} on ${core.resource}: ${decision}`);
    }
}

/** The registered document a growing document of stacks/limits.ts stands for. */
const REGISTERED: Record<GrowingKind, (e: Evaluation, region: string) => string> = {
    key: (e, region) => one(e, "aws:kms/key:Key", region, "artifacts").inputs.policy,
    bucket: (e, region) => one(e, "aws:s3/bucketPolicy:BucketPolicy", region, "artifacts").inputs.policy,
    repository: e => one(e, "aws:ecr/repositoryPolicy:RepositoryPolicy").inputs.policy,
    lifecycle: e => one(e, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy,
    pipelineRole: e => e.resources.find(r => r.name === "pipeline-pipeline-permissions")!.inputs.policy,
};

/** The one resource of a type (in a region, with a logical name that starts so: an artifact store's, not a target's network log bucket's). */
function one(e: Evaluation, type: string, region?: string, prefix = ""): Resource {
    const found = e.resources.filter(r => r.type === type && (region === undefined || r.region === region) && r.name.startsWith(prefix));
    assert.equal(found.length, 1, `one ${type}${region ? ` in ${region}` : ""}`);
    return found[0];
}

/**
 * The sizes stacks/limits.ts computes before registering anything are the registered ones: the
 * validation refuses exactly the stacks AWS would (the registered documents' limits are checked
 * with the other rules AWS documents, checkApiModels).
 */
export function checkPolicySizes(e: Evaluation, config: StackConfig) {
    const documents = growingDocuments(config);
    for (const d of documents) {
        assert.equal(d.text.length, REGISTERED[d.kind](e, d.region).length, `the ${d.document}: computed size differs from the registered one`);
    }
    // Every store's key and bucket policy is computed; the lifecycle policy has no stand-in, so it is the registered text itself.
    const stores = e.resources.filter(r => r.type === "aws:kms/key:Key" && r.name.startsWith("artifacts")).map(r => r.region).sort();
    for (const kind of ["key", "bucket"]) assert.deepEqual(documents.filter(d => d.kind === kind).map(d => d.region).sort(), stores, `${kind} policies computed`);
    assert.equal(documents.find(d => d.kind === "lifecycle")!.text, REGISTERED.lifecycle(e, config.region), "the lifecycle policy computed");
}

/**
 * Security Hub's FSBP controls, as the policy pack checks them: nothing fails but the exceptions
 * the configuration makes (tests/support/securityHub.ts, from the configuration alone), each
 * declared by the resource that fails the control and documented in SECURITY.md.
 */
export function checkControls(e: Evaluation, config: StackConfig) {
    const results = controlResults(e);
    assert.deepEqual(failuresOf(results), [], "a Security Hub control fails");
    const found = exceptionsOf(results);
    assert.deepEqual(found, expectedExceptions(config), "the Security Hub exceptions are not the ones the configuration makes");
    assert.deepEqual(found.map(x => x.split("@")[0]).filter(id => !(id in DOCUMENTED_EXCEPTIONS)), [], "an exception SECURITY.md does not document");
    // What a resource's tag declares, control by control, is documented too (the policy pack reads only the controls it knows).
    const declared = e.resources.flatMap(r => declaredExceptions(r.inputs.tags).map(id => `${id}@${r.name}`));
    assert.deepEqual(declared.filter(x => !(x.split("@")[0] in DOCUMENTED_EXCEPTIONS)), [], "a tag declares an exception SECURITY.md does not document");
}

const ofType = (e: Evaluation, type: string) => e.resources.filter(r => r.type === type);
/** The connections a role's policy lets it use, by connection id. */
const usedConnections = (e: Evaluation, role: string) => ofType(e, "aws:iam/rolePolicy:RolePolicy").filter(r => r.name === `${role}-permissions`)
    .flatMap(r => JSON.parse(r.inputs.policy).Statement)
    .filter((s: { Action: string | string[] }) => [s.Action].flat().some(a => /:UseConnection$/.test(a)))
    .flatMap((s: { Resource: string | string[] }) => [s.Resource].flat().map(arn => arn.split("/").pop()));

/**
 * The source the stack file asks for and nothing of the other kind: the source action and what
 * starts the pipeline (an EventBridge rule for CodeCommit, the triggers or the branch for a
 * connection), the connection and host created or named, and UseConnection on that connection only.
 */
export function checkSource(e: Evaluation, config: StackConfig) {
    const [pipeline] = ofType(e, "aws:codepipeline/pipeline:Pipeline");
    const [action] = pipeline.inputs.stages[0].actions;
    const rules = ofType(e, "aws:cloudwatch/eventRule:EventRule");
    const connections = ofType(e, "aws:codeconnections/connection:Connection");
    const source = config.source;
    if (source.provider === "CodeCommit") {
        assert.deepEqual([action.provider, action.configuration.BranchName], ["CodeCommit", source.branch]);
        assert.equal(rules.length, 1, "a CodeCommit source is started by one EventBridge rule");
        assert.deepEqual([connections.length, pipeline.inputs.triggers, usedConnections(e, "pipeline-pipeline")], [0, undefined, []]);
        return;
    }
    const connectionArn = source.connectionArn ?? connections[0]?.state.arn;
    assert.deepEqual(action.provider, "CodeStarSourceConnection");
    assert.deepEqual(action.configuration, {
        ConnectionArn: connectionArn, FullRepositoryId: source.repository, BranchName: source.branch,
        OutputArtifactFormat: source.fullClone ? "CODEBUILD_CLONE_REF" : "CODE_ZIP", DetectChanges: String(!source.triggers),
    });
    assert.deepEqual(pipeline.inputs.triggers, source.triggers &&
        [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: action.name, pushes: source.triggers } }]);
    assert.deepEqual([rules.length, ofType(e, "aws:codecommit/repository:Repository").length], [0, 0], "no CodeCommit parts for a connection source");
    assert.equal(connections.length, source.connectionArn ? 0 : 1, "a connection is created unless config names one");
    const hosts = ofType(e, "aws:codeconnections/host:Host");
    assert.equal(hosts.length, source.host?.endpoint ? 1 : 0, "a host is created for a server's endpoint only");
    if (connections.length) {
        const hostArn = source.host?.arn ?? hosts[0]?.state.arn;
        assert.deepEqual([connections[0].inputs.hostArn, connections[0].inputs.providerType], [hostArn, hostArn ? undefined : source.provider]);
    }
    const id = connectionArn.split("/").pop();
    assert.deepEqual(usedConnections(e, "pipeline-pipeline"), [id, id], "the pipeline role uses its connection (both prefixes) and no other");
    assert.deepEqual(usedConnections(e, "pipeline-build"), source.fullClone ? [id, id] : [], "the build uses the connection only for a full clone");
}

const statementsOf = (text: string) => JSON.parse(text).Statement as Record<string, any>[];
const statementOf = (text: string, sid: string) => {
    const found = statementsOf(text).find(st => st.Sid === sid);
    assert.ok(found, `no statement ${sid}`);
    return found;
};

/**
 * Who is told, exactly as config says and only then: an encrypted topic (its key for CodeStar
 * Notifications and the pipeline role through SNS in the region; published to by the rule for this
 * account only), a subscription per address, the rule on the pipeline with the configured events,
 * every approval's request to the topic, and a Slack channel (where AWS Chatbot's API runs, capped by
 * a customer-managed guardrail) when asked.
 */
export function checkNotifications(e: Evaluation, config: StackConfig) {
    const n = config.notifications;
    const [pipeline] = ofType(e, "aws:codepipeline/pipeline:Pipeline");
    const approvals = (pipeline.inputs.stages as any[]).flatMap(stage => stage.actions.filter((a: any) => a.provider === "Manual"));
    const topics = ofType(e, "aws:sns/topic:Topic");
    const counts = ["aws:sns/topicSubscription:TopicSubscription", "aws:codestarnotifications/notificationRule:NotificationRule",
        "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", "aws:iam/policy:Policy"].map(t => ofType(e, t).length);
    assert.deepEqual([topics.length, ...counts], [n ? 1 : 0, n?.emails.length ?? 0, n ? 1 : 0, n?.slack ? 1 : 0, n?.slack ? 1 : 0],
        "topic, subscriptions, rule, Slack configuration and guardrail as config asks");
    for (const approval of approvals) {
        assert.equal(approval.timeoutInMinutes, config.approvalTimeoutMinutes, "each approval waits the configured timeout");
        assert.ok(approval.configuration.CustomData.length <= APPROVAL_MESSAGE_MAX && /^Approve stage /.test(approval.configuration.CustomData));
        assert.equal(approval.configuration.NotificationArn, n && topics[0].state.arn, "each approval requests through the topic, when there is one");
    }
    if (!n) {
        return;
    }
    const [topic] = topics;
    const account = config.pipelineAccount.accountId;
    const key = ofType(e, "aws:kms/key:Key").find(k => k.state.arn === topic.inputs.kmsMasterKeyId);
    assert.ok(key, "the topic is encrypted with a key of the stack");
    const sns = `sns.${config.region}.${dnsSuffixOf(config.region)}`;
    const pipelineRole = stackNames(config).roles.pipeline;
    assert.deepEqual(statementOf(key.inputs.policy, "PublishThroughSnsByCodeStarNotifications").Condition, { StringEquals: { "kms:ViaService": sns } });
    const byRole = statementOf(key.inputs.policy, "PublishApprovalRequestsThroughSnsByPipelineRole").Condition;
    assert.deepEqual([byRole.StringEquals, byRole.ArnEquals["aws:PrincipalArn"].map((a: string) => a.split("/").pop())],
        [{ "kms:ViaService": sns }, [pipelineRole]]);
    const topicPolicy = ofType(e, "aws:sns/topicPolicy:TopicPolicy")[0];
    assert.equal(topicPolicy.inputs.arn, topic.state.arn);
    assert.deepEqual(statementOf(topicPolicy.inputs.policy, "PublishByCodeStarNotificationsForThisAccount").Condition,
        { StringEquals: { "aws:SourceAccount": account } });
    assert.deepEqual(ofType(e, "aws:sns/topicSubscription:TopicSubscription").map(r => [r.inputs.topic, r.inputs.protocol, r.inputs.endpoint]),
        n.emails.map(address => [topic.state.arn, "email", address]));
    const [rule] = ofType(e, "aws:codestarnotifications/notificationRule:NotificationRule");
    assert.deepEqual([rule.inputs.resource, rule.inputs.eventTypeIds, rule.inputs.targets],
        [pipeline.state.arn, [PIPELINE_EVENTS.failed, PIPELINE_EVENTS.approvalNeeded, ...n.succeeded ? [PIPELINE_EVENTS.succeeded] : []],
            [{ type: "SNS", address: topic.state.arn }]]);
    if (n.slack) {
        const [slack] = ofType(e, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration");
        const [guardrail] = ofType(e, "aws:iam/policy:Policy");
        assert.ok((CHATBOT_REGIONS as readonly string[]).includes(slack.region!), "made where AWS Chatbot's API runs");
        assert.deepEqual([slack.inputs.snsTopicArns, slack.inputs.guardrailPolicyArns, slack.inputs.slackTeamId, slack.inputs.slackChannelId],
            [[topic.state.arn], [guardrail.state.arn], n.slack.workspaceId, n.slack.channelId]);
        assert.deepEqual(statementsOf(guardrail.inputs.policy).map(st => st.Effect), ["Deny"], "the guardrail grants nothing");
    }
}

/** The rollback window the registrations give: the pipeline's stages and approvals, the deployment groups' termination waits, the build's timeout. */
function registeredRollbackPath(e: Evaluation, config: StackConfig): RollbackPath {
    const [pipeline] = ofType(e, "aws:codepipeline/pipeline:Pipeline");
    const groups = ofType(e, "aws:codedeploy/deploymentGroup:DeploymentGroup");
    const timeouts = new Set<number>();
    // An approval stands in a stage of its own, just before the stage it approves.
    let approval: any;
    const targets = (pipeline.inputs.stages as any[]).slice(2).flatMap(stage => {
        if (stage.actions.some((a: any) => a.provider === "Manual")) {
            approval = stage.actions[0];
            timeouts.add(approval.timeoutInMinutes);
            return [];
        }
        const approved = !!approval;
        approval = undefined;
        return stage.actions.filter((a: any) => a.provider === "CodeDeployToECS").map((d: any) => {
            // A created target's group is registered; an existing one's wait is not known here: CodeDeploy's longest.
            const group = groups.find(g => g.state.deploymentGroupName === d.configuration.DeploymentGroupName &&
                g.account === d.roleArn.split(":")[4] && g.region === d.region);
            const wait = group?.inputs.blueGreenDeploymentConfig.terminateBlueInstancesOnDeploymentSuccess.terminationWaitTimeInMinutes;
            return { name: d.name, wave: stage.name, approval: approved, create: group && { terminationWaitMinutes: wait ?? MAX_TERMINATION_WAIT_MINUTES } };
        });
    });
    assert.ok(timeouts.size <= 1, "one approval timeout");
    const build = ofType(e, "aws:codebuild/project:Project").find(p => p.name === "pipeline-build")!;
    return { targets, approvalTimeoutMinutes: [...timeouts][0] ?? config.approvalTimeoutMinutes, build: { timeoutMinutes: build.inputs.buildTimeout } };
}

/**
 * A target's resources: its component's descendants (not by name prefix: `a-target-...` would also take
 * target a-target's `a-target-target-...`); none when it has no component.
 */
function targetResources(e: Evaluation, logical: string): Resource[] {
    const component = e.resources.find(r => r.type === "cross-account-pipeline:target:EcsBlueGreenTarget" && r.name === logical);
    return component ? descendants(e, component) : [];
}

/**
 * Rollback, as registered: every deploy stage rolls back on failure (V2, QUEUED); every artifact
 * store keeps artifacts at least as long as a stage rollback may read them, by the rule applied to the
 * registrations; each created target with rollback alarms has them in its account, on the registered
 * load balancer and target groups, wired to its group with DEPLOYMENT_STOP_ON_ALARM and readable by
 * CodeDeploy's role, at most 10; without them, alarm rollback is off.
 */
export function checkRollback(e: Evaluation, config: StackConfig) {
    const [pipeline] = ofType(e, "aws:codepipeline/pipeline:Pipeline");
    assert.deepEqual([pipeline.inputs.pipelineType, pipeline.inputs.executionMode], ["V2", "QUEUED"]);
    const stages = pipeline.inputs.stages as any[];
    assert.deepEqual(stages.map(stage => stage.onFailure?.result), [undefined, undefined, ...stages.slice(2)
        .map(stage => stage.actions.some((a: any) => a.provider === "CodeDeployToECS") ? "ROLLBACK" : undefined)],
        "every deploy stage, and only those, rolls back");
    for (const stage of stages.filter(st => st.actions.some((a: any) => a.provider === "Manual"))) {
        assert.equal(stage.actions.length, 1, `${stage.name}: an approval alone in its stage, which a rejection fails without a rollback`);
    }
    const window = rollbackWindowMinutes(registeredRollbackPath(e, config));
    for (const lifecycle of ofType(e, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").filter(r => r.name.startsWith("artifacts"))) {
        assert.ok(lifecycle.inputs.rules[0].expiration.days * 24 * 60 >= window, `${lifecycle.name} expires artifacts before a rollback may read them`);
    }
    const names = stackNames(config);
    config.targets.forEach((t, i) => {
        const logical = names.targets[i].logical.target;
        const own = targetResources(e, logical);
        const alarms = own.filter(r => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
        if (!t.create) {
            return;
        }
        const group = own.find(r => r.type === "aws:codedeploy/deploymentGroup:DeploymentGroup")!;
        const a = t.create.rollbackAlarms;
        if (!a) {
            assert.deepEqual([alarms.length, group.inputs.alarmConfiguration, group.inputs.autoRollbackConfiguration.events],
                [0, { enabled: false }, ["DEPLOYMENT_FAILURE"]], `${t.name}: no alarm rollback`);
            return;
        }
        const lb = own.find(r => r.type === "aws:lb/loadBalancer:LoadBalancer")!;
        const targetGroups = own.filter(r => r.type === "aws:lb/targetGroup:TargetGroup").map(g => g.state.arnSuffix);
        for (const alarm of alarms) {
            const { LoadBalancer, TargetGroup, ClusterName, ServiceName } = alarm.inputs.dimensions;
            assert.equal(alarm.inputs.treatMissingData, "notBreaching");
            const service = names.targets[i].created!.serviceName;
            assert.ok(LoadBalancer === lb.state.arnSuffix || (ClusterName === service && ServiceName === service),
                `${alarm.name}: dimensions of the target's own load balancer or service`);
            assert.ok(TargetGroup === undefined || targetGroups.includes(TargetGroup), `${alarm.name}: one of the target's target groups`);
        }
        const expected = [...names.targets[i].created!.alarms!.map(x => x.alarmName), ...a.existing];
        assert.deepEqual(alarms.map(r => r.state.name).sort(), names.targets[i].created!.alarms!.map(x => x.alarmName).sort(), `${t.name}: its alarms`);
        assert.ok(expected.length <= MAX_ALARMS_PER_GROUP);
        assert.deepEqual([group.inputs.alarmConfiguration, group.inputs.autoRollbackConfiguration.events],
            [{ enabled: true, alarms: expected, ignorePollAlarmFailure: false }, ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]]);
        const role = own.find(r => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `${logical}-codedeploy-permissions`)!;
        assert.deepEqual(statementOf(role.inputs.policy, "ReadOwnRollbackAlarms").Resource,
            expected.map(name => alarmArn(partitionName(config.region), t.region, t.account.accountId, name)));
    });
}

/**
 * Every check can pass TLS: an https URL never names a load balancer's own name (no certificate
 * covers it); a check that connects elsewhere keeps the URL's name and port and connects to its
 * target's registered load balancer, on the same port.
 */
/** The schema's stage limits count what is registered: each target stage's actions, and an approval stage where one is asked for. */
export function checkStageActions(e: Evaluation, config: StackConfig) {
    const [pipeline] = ofType(e, "aws:codepipeline/pipeline:Pipeline");
    const registered = new Map((pipeline.inputs.stages as any[]).map(stage => [stage.name, stage.actions.length]));
    const named = stackNames(config).stages;
    for (const [i, stage] of pipelineStages(config.targets).entries()) {
        assert.equal(registered.get(stage.name), stage.actions, `stage ${stage.name}: the actions the limit counts`);
        assert.equal(registered.has(named[i].approvalStage ?? ""), stage.approval,
            `stage ${stage.name}: an approval stage before it exactly when a target asks for one`);
    }
}

export function checkReach(e: Evaluation) {
    const loadBalancers = e.resources.filter(r => r.type === "aws:lb/loadBalancer:LoadBalancer").map(r => r.state.dnsName);
    const checks = (e.resources.find(r => r.type === "aws:codepipeline/pipeline:Pipeline")!.inputs.stages as any[])
        .flatMap(s => s.actions).filter((a: any) => a.category === "Test");
    for (const action of checks) {
        const v = Object.fromEntries(JSON.parse(action.configuration.EnvironmentVariables).map((x: any) => [x.name, x.value]));
        assert.ok(!unverifiableHttps(v.CHECK_URL), `${action.name}: ${v.CHECK_URL} is https on a load balancer's own name`);
        if (v.CHECK_CONNECT_TO) {
            const [name, port, to, toPort] = v.CHECK_CONNECT_TO.split(":");
            const url = new URL(v.CHECK_URL);
            assert.deepEqual([name, port], [url.hostname, url.port || (url.protocol === "https:" ? "443" : "80")], `${action.name}: its URL's name and port`);
            assert.equal(toPort, port, `${action.name}: the load balancer's listener port`);
            assert.ok(loadBalancers.includes(to), `${action.name}: connects to ${to}, no registered load balancer`);
        }
    }
}

/**
 * Names derived from user input never collide: every URN once (the engine refuses a second
 * registration), every stage name once and, in each stage, every action name once, and every
 * variable namespace once. Names are compared without case: AWS does not document whether
 * CodePipeline tells `MarkReleased` from `markreleased` (ASSUMED: it may not).
 */
export function checkUniqueNames(e: Evaluation) {
    const twice = (names: string[]) => names.filter((n, i) => names.findIndex(m => m.toLowerCase() === n.toLowerCase()) !== i);
    assert.deepEqual(twice(e.resources.map(r => r.urn)), [], "a URN registered twice");
    const stages = e.resources.find(r => r.type === "aws:codepipeline/pipeline:Pipeline")!.inputs.stages as any[];
    assert.deepEqual(twice(stages.map(s => s.name)), [], "a stage name twice");
    for (const stage of stages) {
        assert.deepEqual(twice(stage.actions.map((a: any) => a.name)), [], `an action name twice in stage ${stage.name}`);
    }
    assert.deepEqual(twice(stages.flatMap(s => s.actions).map((a: any) => a.namespace).filter((n: unknown) => n)), [], "a namespace twice");
}

/**
 * Every bucket keeps versions for its expiry and ends incomplete uploads after 7 days: an
 * overwritten or deleted artifact or log stays as a noncurrent version until it expires, and the
 * parts of an upload that never completed cost storage that no expiry reaches.
 */
export function checkBucketVersions(resources: Resource[]) {
    const ofType = (type: string) => resources.filter(r => r.type === type);
    const versioning = ofType("aws:s3/bucketVersioning:BucketVersioning");
    assert.equal(versioning.length, ofType("aws:s3/bucket:Bucket").length, "a bucket without versioning");
    assert.deepEqual(versioning.map(v => v.inputs.versioningConfiguration), versioning.map(() => ({ status: "Enabled" })));
    const rules = ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").flatMap(l => l.inputs.rules);
    assert.deepEqual(rules.map(r => r.abortIncompleteMultipartUpload), rules.map(() => ({ daysAfterInitiation: 7 })));
}

/** Each created target's application URL reaches its production listener: the load balancer's name, the listener's scheme and port. */
export function checkApplicationUrls(e: Evaluation, config: StackConfig) {
    const names = stackNames(config);
    config.targets.forEach((t, i) => {
        if (!t.create) return;
        const own = targetResources(e, names.targets[i].logical.target);
        const listener = own.find(r => r.type === "aws:lb/listener:Listener" && r.name.endsWith("-production"))!;
        const url = new URL(String((e.outputs.targets as Record<string, { applicationUrl: string }>)[t.name].applicationUrl));
        const https = listener.inputs.protocol === "HTTPS";
        assert.deepEqual([url.protocol, url.hostname, Number(url.port || (https ? 443 : 80))],
            [https ? "https:" : "http:", own.find(r => r.type === "aws:lb/loadBalancer:LoadBalancer")!.state.dnsName, listener.inputs.port], `${t.name}: ${url}`);
    });
}

/** A created target's first task runs an image of the user's as built; only the placeholder image is given a command and its port. */
export function checkInitialImages(resources: Resource[]) {
    for (const definition of resources.filter(r => r.type === "aws:ecs/taskDefinition:TaskDefinition")) {
        const [container] = JSON.parse(definition.inputs.containerDefinitions);
        const placeholder = container.image === PLACEHOLDER_IMAGE;
        assert.equal(container.command !== undefined, placeholder, `${definition.name}: a command only for the placeholder image`);
        assert.equal(container.environment !== undefined, placeholder, `${definition.name}: an environment only for the placeholder image`);
    }
}

/**
 * A service acts with a role as soon as the resource that names it exists (a pipeline starts an
 * execution, a project or target may run at once, a service starts its tasks): each waits for the
 * role's permissions, so its first action is not refused while they are still being attached. A
 * task definition only names its roles: the services that run it wait instead.
 */
export function checkPermissionsFirst(e: Evaluation) {
    const byUrn = new Map(e.resources.map(r => [r.urn, r]));
    const after = (r: Resource, seen = new Set<string>()): Set<string> => {
        for (const urn of [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]) {
            if (!seen.has(urn)) {
                seen.add(urn);
                after(byUrn.get(urn)!, seen);
            }
        }
        return seen;
    };
    const policies = e.resources.filter(r => r.type === "aws:iam/rolePolicy:RolePolicy");
    for (const role of e.resources.filter(r => r.type === "aws:iam/role:Role")) {
        const policy = policies.find(p => p.inputs.role === role.state.name && p.account === role.account);
        if (!policy) continue;
        for (const named of e.resources.filter(r => !r.type.startsWith("aws:iam/") && Object.values(r.inputs).includes(role.state.arn))) {
            const users = named.type === "aws:ecs/taskDefinition:TaskDefinition"
                ? e.resources.filter(r => r.type === "aws:ecs/service:Service" && r.inputs.taskDefinition === named.state.arn) : [named];
            for (const user of users) {
                assert.ok(after(user).has(policy.urn), `${user.type} ${user.name} does not wait for ${policy.name}, the permissions of the role it uses`);
            }
        }
    }
}

/** Every build project logs to a log group the program registers (with its retention, kept on destroy), never CodeBuild's default group. */
export function checkBuildLogs(resources: Resource[]) {
    const groups = resources.filter(r => r.type === "aws:cloudwatch/logGroup:LogGroup").map(r => r.state.name);
    for (const project of resources.filter(r => r.type === "aws:codebuild/project:Project")) {
        const logs = project.inputs.logsConfig?.cloudwatchLogs;
        assert.equal(logs?.status, "ENABLED", `${project.name}: logs to CloudWatch`);
        assert.ok(groups.includes(logs.groupName), `${project.name}: logs to ${logs.groupName}, not a registered log group`);
    }
}

/** Every string input at a key ending in `description`, anywhere in a resource's inputs, with where it is. */
export function descriptionsOf(resources: Resource[]): [string, string][] {
    const found: [string, string][] = [];
    const walk = (value: unknown, at: string): void => {
        if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
        else if (value && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) {
                if (/description$/i.test(k) && typeof v === "string") found.push([`${at}.${k}`, v]);
                else walk(v, `${at}.${k}`);
            }
        }
    };
    for (const r of resources) walk(r.inputs, `${r.type.split(":").pop()} ${r.name}`);
    return found;
}

/** Every description a resource is given says what it is to a person reading the console. */
export function checkDescriptions(resources: Resource[]) {
    assert.deepEqual(descriptionsOf(resources).filter(([, text]) => text.trim().length < 10).map(([at]) => at), [], "a description that says nothing");
}

/** Every invariant, on one generated stack file. */
export async function checkStack(file: StackFile): Promise<void> {
    await checkEvaluation(await evaluate(file.stack, configAsRead(file), { project: file.project }));
}

/** The paths of a JSON value's empty lists (`Statement[0].Principal.AWS`). */
export function emptyLists(value: unknown, at = ""): string[] {
    if (Array.isArray(value)) return value.length === 0 ? [at] : value.flatMap((v, i) => emptyLists(v, `${at}[${i}]`));
    return value && typeof value === "object" ? Object.entries(value).flatMap(([k, v]) => emptyLists(v, at ? `${at}.${k}` : k)) : [];
}

/**
 * Every statement of every registered policy has a Sid that says why (PascalCase words), unique
 * in its document; and no policy holds an empty list (a principal, action, resource or condition
 * value list): such a statement grants nothing (IAM Access Analyzer's "empty array" suggestions),
 * so the program leaves it out instead, as with the readers of a store no other account reads.
 */
export function checkPolicyStatements(e: Evaluation) {
    const policies = registeredPolicies(e);
    for (const { resource, document } of policies) {
        const sids = (document.Statement as { Sid?: string }[]).map(s => s.Sid ?? "");
        for (const sid of sids) {
            assert.match(sid, /^(?:[A-Z][a-z0-9]+){2,}$/, `${resource.name}: Sid "${sid}" should say why, in PascalCase words`);
        }
        assert.equal(new Set(sids).size, sids.length, `${resource.name}: Sids repeat: ${sids.join(", ")}`);
    }
    const found = policies.flatMap(p => emptyLists(p.document).map(at => `${p.resource.name} (${p.kind}): ${at}`));
    assert.deepEqual(found, [], "a policy with an empty list");
}

/** Every invariant, on the evaluation of any stack file: a generated one, or one of the user's (tests/stackFiles.test.ts). */
export async function checkEvaluation(e: Evaluation): Promise<void> {
    assert.equal(e.error?.message, undefined, "the evaluation failed");
    assert.deepEqual(e.warnings, [], "the Pulumi runtime warned");
    const config = configOf(e);
    checkPlacement(e, config);
    checkNames(e.resources);
    checkApiModels(e.resources);
    checkArns(e, config);
    checkPolicySizes(e, config);
    checkControls(e, config);
    checkSource(e, config);
    checkNotifications(e, config);
    checkRollback(e, config);
    checkStageActions(e, config);
    checkReach(e);
    checkUniqueNames(e);
    checkBucketVersions(e.resources);
    checkDescriptions(e.resources);
    checkPermissionsFirst(e);
    checkBuildLogs(e.resources);
    checkApplicationUrls(e, config);
    checkInitialImages(e.resources);
    checkPolicyStatements(e);
    const plan = await planOf(e);
    assert.equal(plan.exitCode, 0, plan.text);
    checkAccess(plan.access!, config);
}
