import { minimumArtifactRetentionDays } from "../../stacks/config/releasePath";
import { StackConfig } from "../../stacks/config/stackConfig";
import { PIPELINE_EVENTS } from "../../components/PipelineNotifications";
import { REVIEW_LINK_WARNS } from "../../components/CrossAccountPipeline";
import { providerName } from "../../stacks/accounts";
import { stackNames } from "../../stacks/names";
import { AccessRow, AccessWorld, actionsOf, configOf, DecidingStatement, Verdict } from "../access/access";
import { accessTable } from "./accessTable";
import { evaluate, EvaluateOptions, Evaluation, RawConfig, Resource } from "../engine/engine";
import { Decision } from "../access/simulator";
import { crossAccountWiring, Wire } from "./wiring";
import { accountLabel, count, verdictLines } from "./verdict";
import { adoptionLines, short } from "./adoption";
import { stackReport } from "./securityDoc";

const flag = (on: unknown, yes: string, no: string) => (on ? yes : no);

/** The few properties that matter, per resource type. */
const DETAILS: Record<string, (r: Resource) => string> = {
    "aws:kms/key:Key": r => `rotation ${flag(r.inputs.enableKeyRotation, "on", "OFF")}, deletion window ${count(r.inputs.deletionWindowInDays, "day")}`,
    "aws:kms/alias:Alias": r => r.inputs.name,
    "aws:s3/bucket:Bucket": r => r.state.bucket,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": r => {
        const { sseAlgorithm, kmsMasterKeyId } = r.inputs.rules[0].applyServerSideEncryptionByDefault;
        return kmsMasterKeyId ? `${sseAlgorithm} with ${kmsMasterKeyId}` : `${sseAlgorithm} (SSE-S3)`;
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": r => r.inputs.rule.objectOwnership,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": r =>
        `${r.inputs.rules[0].id}: after ${count(r.inputs.rules[0].expiration.days, "day")}`,
    "aws:iam/role:Role": r => r.inputs.name,
    "aws:iam/rolePolicy:RolePolicy": r => JSON.parse(r.inputs.policy).Statement.map((s: any) => s.Sid).join(", "),
    "aws:codecommit/repository:Repository": r => r.inputs.repositoryName,
    "aws:codebuild/project:Project": r => `${r.inputs.name}, artifacts encrypted with ${r.inputs.encryptionKey}`,
    "aws:ecr/repository:Repository": r => `${r.inputs.name}, tags ${r.inputs.imageTagMutability}, scan on push ${flag(r.inputs.imageScanningConfiguration?.scanOnPush, "on", "OFF")}`,
    "aws:ecs/service:Service": r => `${r.inputs.name}: ${count(r.inputs.desiredCount, "task")}, ${r.inputs.launchType}, ${r.inputs.deploymentController.type} deployments`,
    "aws:lb/listener:Listener": r => `${r.inputs.protocol} port ${r.inputs.port}` +
        (r.inputs.defaultActions[0].type === "redirect" ? `, redirects to ${r.inputs.defaultActions[0].redirect.protocol}` : ""),
    "aws:lb/loadBalancer:LoadBalancer": r => `access logs ${flag(r.inputs.accessLogs?.enabled, "on", "OFF")}, ` +
        `deletion protection ${flag(r.inputs.enableDeletionProtection, "on", "off")}`,
    "aws:ecs/cluster:Cluster": r => `Container Insights ${flag(r.inputs.settings?.some((s: any) => s.value !== "disabled"), "on", "OFF")}`,
    "aws:ec2/flowLog:FlowLog": r => `${r.inputs.trafficType} traffic to ${r.inputs.logDestination}`,
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": r => `no rules: ${flag(!(r.inputs.ingress?.length || r.inputs.egress?.length), "yes", "NO")}`,
    "aws:codedeploy/deploymentGroup:DeploymentGroup": r =>
        `${r.inputs.deploymentGroupName}: ${r.inputs.deploymentStyle.deploymentType}, ${r.inputs.deploymentConfigName}, ` +
        `rollback on ${r.inputs.autoRollbackConfiguration.events.join(", ")}`,
    "aws:sns/topic:Topic": r => `${r.inputs.name}, encrypted with ${r.inputs.kmsMasterKeyId}`,
    "aws:sns/topicSubscription:TopicSubscription": r => `${r.inputs.protocol} ${r.inputs.endpoint}` +
        (r.state.pendingConfirmation ? ", pending until the address confirms it" : ""),
    "aws:codestarnotifications/notificationRule:NotificationRule": r => `${r.inputs.name}: ${r.inputs.eventTypeIds.map(eventWords).join(", ")}`,
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": r => `${r.inputs.configurationName}: Slack channel ` +
        `${r.inputs.slackChannelId} of workspace ${r.inputs.slackTeamId}, guardrail ${r.inputs.guardrailPolicyArns.join(", ")}`,
    "aws:cloudwatch/metricAlarm:MetricAlarm": r => `${r.inputs.name}: ${alarmWords(r)}`,
    "aws:codepipeline/pipeline:Pipeline": r => `${r.inputs.name}: ${r.inputs.stages.map((s: any) => s.name).join(" -> ")}; ` +
        `${sourceWords(r)}; artifacts under ${r.inputs.artifactStores.map((s: any) => s.encryptionKey.id).join(", ")}`,
    // Created without the provider's credentials: a person completes the handshake once, in the console.
    "aws:codeconnections/connection:Connection": r => `${r.inputs.name}: ${r.inputs.providerType ?? "to the server of its host"}, ` +
        `${r.state.connectionStatus} until someone completes its handshake once in the console (Developer Tools > Settings > ` +
        "Connections > Update pending connection); the pipeline's source fails until then",
    "aws:codeconnections/host:Host": r => `${r.inputs.name}: ${r.inputs.providerEndpoint}` +
        `${r.inputs.vpcConfiguration ? ` from ${r.inputs.vpcConfiguration.vpcId}` : ""}, PENDING until someone sets it up once in the ` +
        "console (Developer Tools > Settings > Connections > Hosts > Set up host)",
};

const EVENT_WORDS: Record<string, string> = {
    [PIPELINE_EVENTS.failed]: "execution failed", [PIPELINE_EVENTS.approvalNeeded]: "approval needed", [PIPELINE_EVENTS.succeeded]: "execution succeeded",
};
const eventWords = (id: string) => EVENT_WORDS[id] ?? id;

/** When an alarm fires, in words: `Sum of HTTPCode_ELB_5XX_Count >= 10 in 2 of 2 periods of 60 s`. */
function alarmWords(r: Resource): string {
    const comparison: Record<string, string> = {
        GreaterThanThreshold: ">", GreaterThanOrEqualToThreshold: ">=", LessThanThreshold: "<", LessThanOrEqualToThreshold: "<=",
    };
    const i = r.inputs;
    return `${i.extendedStatistic ?? i.statistic} of ${i.metricName} ${comparison[i.comparisonOperator]} ${i.threshold} ` +
        `in ${i.datapointsToAlarm} of ${count(i.evaluationPeriods, "period")} of ${i.period} s`;
}

/** A push filter in words: `tags v* but not *-rc*`, `branches main changing app/**`. */
function filterWords(filter: Record<string, { includes?: string[]; excludes?: string[] }>): string {
    return Object.entries(filter).map(([kind, { includes, excludes }]) =>
        `${kind === "filePaths" ? "changing" : kind} ${includes?.join(", ") ?? "any"}${excludes ? ` but not ${excludes.join(", ")}` : ""}`).join(" ");
}

/** Where the pipeline's source comes from and what starts it. */
function sourceWords(pipeline: Resource): string {
    const [action] = pipeline.inputs.stages[0].actions;
    const { RepositoryName, FullRepositoryId, ConnectionArn, BranchName } = action.configuration;
    if (action.provider === "CodeCommit") {
        return `source CodeCommit ${RepositoryName}, started by EventBridge on a push to ${BranchName}`;
    }
    const pushes: Record<string, any>[] | undefined = pipeline.inputs.triggers?.[0].gitConfiguration.pushes;
    return `source ${FullRepositoryId} through ${ConnectionArn}, started on a push ` +
        `${pushes ? `of ${pushes.map(filterWords).join(" or ")}` : `to ${BranchName}`} (a manual start builds ${BranchName})`;
}

function describe(r: Resource): string {
    const details = DETAILS[r.type]?.(r);
    return `${short(r.type)} ${r.name}${details ? `  (${details})` : ""}${r.retainOnDelete ? "  [kept on destroy]" : ""}` +
        (r.protect ? "  [protected: destroy stops here]" : "");
}

/** Resources as tree branches, each followed by its children. */
function tree(e: Evaluation, nodes: Resource[], prefix: string): string[] {
    return nodes.flatMap((node, i) => {
        const last = i === nodes.length - 1;
        const children = e.resources.filter(r => r.parent === node.urn && r.type !== "pulumi:providers:aws");
        return [`${prefix}${last ? "└─ " : "├─ "}${describe(node)}`, ...tree(e, children, prefix + (last ? "   " : "│  "))];
    });
}

/** One section per account and region the stack touches (one provider each): the pipeline's first, then in path order. */
function sections(e: Evaluation, config: StackConfig) {
    const root = e.resources.find(r => r.type === "pulumi:pulumi:Stack")!;
    const places = [{ account: config.pipelineAccount, region: config.region }, ...config.targets.flatMap(t =>
        [{ account: config.pipelineAccount, region: t.region }, { account: t.account, region: t.region }])]
        .filter((p, i, all) => all.findIndex(q => q.account.accountId === p.account.accountId && q.region === p.region) === i);
    return places.map(({ account, region }) => {
        const here = (r: Resource) => r.account === account.accountId && r.region === region;
        const top = e.resources.filter(r => r.parent === root.urn && here(r) && r.type !== "pulumi:providers:aws");
        const targets = config.targets.filter(t => t.account.accountId === account.accountId && t.region === region).map(t => t.name);
        const pipeline = account.accountId === config.pipelineAccount.accountId;
        return {
            account: account.accountId, region, role: account.provisioningRoleArn, lines: tree(e, top, ""),
            title: `${pipeline ? "Pipeline (tooling) account" : "Target account"} ${account.accountId}, ${region}` +
                `${targets.length ? ` (target${targets.length > 1 ? "s" : ""} ${targets.join(", ")})` : ""}`,
            provider: providerName(config, { accountId: account.accountId, region }),
        };
    });
}

/** What one action of the pipeline does, and where. */
function action(a: any): string {
    const variables = Object.fromEntries((a.configuration?.EnvironmentVariables ? JSON.parse(a.configuration.EnvironmentVariables) : [])
        .map((v: { name: string; value: string }) => [v.name, v.value]));
    switch (a.provider) {
        case "CodeDeployToECS": return `deploy ${a.name} as ${a.roleArn} in ${a.region}`;
        case "Manual": return `manual approval${a.configuration?.NotificationArn ? " (its request to the notification topic)" : ""}` +
            (a.configuration?.CustomData?.includes(REVIEW_LINK_WARNS) ? ", its review link on the load balancer's own name (a browser warns)" : "");
        case "CodeCommit": return `source ${a.configuration.RepositoryName} ${a.configuration.BranchName}`;
        case "CodeStarSourceConnection": return `source ${a.configuration.FullRepositoryId} ${a.configuration.BranchName}`;
        default: return variables.RELEASE_TAG_PREFIX ? `tag the image ${variables.RELEASE_TAG_PREFIX}<build id>`
            : variables.CHECK_URL ? `check ${variables.CHECK_URL}${variables.CHECK_CONNECT_TO ? ` at ${variables.CHECK_CONNECT_TO.split(":")[2]}` : ""}`
            : `build ${a.configuration.ProjectName}: one image for every target`;
    }
}

/** The release path as the registered pipeline runs it: its stages in order; in a stage, the actions of one runOrder together. */
function releasePath(e: Evaluation): string[] {
    const pipeline = e.resources.find(r => r.type === "aws:codepipeline/pipeline:Pipeline")!;
    return (pipeline.inputs.stages as any[]).map((stage, i) => {
        const orders = [...new Set<number>(stage.actions.map((a: any) => a.runOrder ?? 1))].sort((a, b) => a - b);
        const steps = orders.map(order => stage.actions.filter((a: any) => (a.runOrder ?? 1) === order).map(action).join(" | "));
        return `  ${String(i + 1).padStart(2)}. ${stage.name}: ${steps.join(" -> ")}`;
    });
}

const ofType = (e: Evaluation, type: string) => e.resources.filter(r => r.type === type);

/** Who is told what: the topic's subscribers and Slack channel, the rule's events, the approvals' requests. */
function notificationLines(e: Evaluation): string[] {
    const [topic] = ofType(e, "aws:sns/topic:Topic");
    if (!topic) {
        return ["Who is told: nobody (no notifications in the stack file): failures and waiting approvals show in the console only."];
    }
    const [rule] = ofType(e, "aws:codestarnotifications/notificationRule:NotificationRule");
    const events = rule.inputs.eventTypeIds.map(eventWords).join(", ");
    const approvals = (ofType(e, "aws:codepipeline/pipeline:Pipeline")[0].inputs.stages as any[])
        .filter(s => s.actions.some((a: any) => a.provider === "Manual" && a.configuration.NotificationArn)).map(s => s.name);
    const what = `${events}${approvals.length ? `; each approval's request (${approvals.join(", ")}), with its review link` : ""}`;
    const subscribers = ofType(e, "aws:sns/topicSubscription:TopicSubscription")
        .map(s => `  ${s.inputs.endpoint} (${s.inputs.protocol}${s.state.pendingConfirmation ? ", once confirmed" : ""}): ${what}`);
    const slack = ofType(e, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration")
        .map(c => `  Slack channel ${c.inputs.slackChannelId} of workspace ${c.inputs.slackTeamId} (AWS Chatbot, configured in ${c.region}): ${events}`);
    return [`Who is told (topic ${topic.inputs.name}, encrypted with its own key; the pipeline's rule and its approvals publish, nobody else):`,
        ...subscribers, ...slack, ...subscribers.length + slack.length ? [] : ["  nobody subscribed yet: subscribe to the topic (stack output notificationTopicArn)"]];
}

/** What undoes a bad release by itself: stage rollback, and per target CodeDeploy's rollback and the alarms that stop a deployment. */
function rollbackLines(e: Evaluation, config: StackConfig): string[] {
    const all = ofType(e, "aws:codepipeline/pipeline:Pipeline")[0].inputs.stages as any[];
    const stages = all.filter(s => s.onFailure?.result === "ROLLBACK");
    const approvals = all.filter(s => s.actions.some((a: any) => a.provider === "Manual"));
    const lifecycle = ofType(e, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find(r => r.name === "artifacts-lifecycle")!;
    const alarms = ofType(e, "aws:cloudwatch/metricAlarm:MetricAlarm");
    const groups = ofType(e, "aws:codedeploy/deploymentGroup:DeploymentGroup");
    const names = stackNames(config);
    return [
        "Rollback (what undoes a bad release by itself):",
        `  a failed stage (${stages.map(s => s.name).join(", ")}) rolls back to the artifacts of the last execution that succeeded in it, ` +
            "in this structure of the pipeline: a `pulumi up` that changes the pipeline disarms it until each stage's next success " +
            "(a change of what the build renders for a target (its roles, its network) changes the pipeline too)",
        ...approvals.length ? [`  a rejected or timed-out approval (${approvals.map(s => s.name).join(", ")}) fails its own stage, which does not ` +
            "roll back: the execution stops there and nothing is redeployed; the next release waits at that approval again"] : [],
        `  artifacts live ${count(lifecycle.inputs.rules[0].expiration.days, "day")}; a rollback may read them up to ${count(minimumArtifactRetentionDays(config), "day")} ` +
            "after their build (README: A release that rolls back by itself)",
        ...config.targets.map((t, i) => {
            if (t.existing) {
                return `  ${t.name}: alarms not wired: its deployment group ${t.existing.applicationName}/${t.existing.deploymentGroupName} ` +
                    "is not this stack's, its own rollback and alarm settings apply (aws deploy update-deployment-group " +
                    "--auto-rollback-configuration ... --alarm-configuration ...)";
            }
            const group = groups.find(g => g.name === `${names.targets[i].logical.target}-group`)!;
            const wired: string[] = group.inputs.alarmConfiguration.alarms ?? [];
            const own = wired.map(n => alarms.find(a => a.inputs.name === n && a.account === t.account.accountId && a.region === t.region));
            return `  ${t.name}: CodeDeploy rolls back a failed deployment` + (wired.length === 0 ? " (no rollbackAlarms: no alarm stops it)"
                : `, and stops and rolls it back when one of these alarms fires: ${wired.map((n, k) => own[k] ? `${n} (${alarmWords(own[k]!)})`
                    : `${n} (existing, in its account)`).join("; ")}`);
        }),
    ];
}

/** What a person does once, which no `pulumi up` can: authorize Slack first, confirm emails and complete handshakes after. */
function manualSteps(e: Evaluation): string[] {
    const steps = [
        ...ofType(e, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration").map(c => `  before the first \`pulumi up\`: authorize ` +
            `Slack workspace ${c.inputs.slackTeamId} for AWS Chatbot in its console (Configure new client > Slack), and invite the AWS app ` +
            `to channel ${c.inputs.slackChannelId} if it is private`),
        ...ofType(e, "aws:sns/topicSubscription:TopicSubscription").filter(s => s.state.pendingConfirmation)
            .map(s => `  after \`pulumi up\`: ${s.inputs.endpoint} confirms its subscription from the email AWS sends`),
        ...ofType(e, "aws:codeconnections/host:Host").map(h => `  after \`pulumi up\`: set up host ${h.inputs.name} in the console`),
        ...ofType(e, "aws:codeconnections/connection:Connection").map(c => `  after \`pulumi up\`: complete connection ${c.inputs.name}'s ` +
            "handshake in the console (README, Sources)"),
    ];
    return steps.length ? ["One-time steps of a person:", ...steps] : [];
}

/** The condition keys of the statements of a policy input that name `principal`; undefined when the input is no policy. */
function principalConditions(target: Resource, path: string, principal: string): Record<string, unknown>[] | undefined {
    const text = path.split(/\.|\[(\d+)\]/).filter(Boolean).reduce((v: any, k) => v?.[k], target.inputs);
    try {
        const statements = [JSON.parse(text).Statement].flat();
        return statements.filter((s: any) => JSON.stringify(s.Principal ?? "").includes(`"${principal}"`))
            .map((s: any) => Object.assign({}, ...Object.values(s.Condition ?? {}) as object[]));
    } catch {
        return undefined;
    }
}

/** An account root in a policy, named for what its statements do with it: narrowed by aws:PrincipalArn only where a condition says so. */
function rootWords(w: Wire): string {
    const conditions = principalConditions(w.target, w.path, w.value);
    if (!conditions?.length) {
        return conditions ? "account root, named by no statement's Principal" : "account root (not in a policy)";
    }
    if (conditions.every(c => "aws:PrincipalArn" in c)) {
        const roles = new Set(conditions.flatMap(c => [c["aws:PrincipalArn"]].flat()));
        return `account root, narrowed to ${roles.size === 1 ? "one role" : `${roles.size} roles`} by aws:PrincipalArn`;
    }
    const keys = [...new Set(conditions.flatMap(c => Object.keys(c)))];
    return keys.length === 0 ? "account root, no condition narrows it"
        : `account root, not narrowed to roles in every statement (conditions on ${keys.join(", ")})`;
}

/** Where a wire's value comes from, in words: a resource's ARN, config's, or an account root by what its policy does with it. */
export const wireSource = (w: Wire) => w.source ? `${short(w.source.type)} ${w.source.name}.arn` :
    w.value.endsWith(":root") ? rootWords(w) : `${w.value} (from config)`;

/** The wires grouped by the pair of accounts they cross, in the order they first appear. */
function wiringLines(config: StackConfig, wires: Wire[]): string[] {
    return [...new Set(wires.map(w => `${w.fromAccount} ${w.target.account}`))].flatMap(pair => {
        const [from, to] = pair.split(" ");
        const own = wires.filter(w => w.fromAccount === from && w.target.account === to);
        const width = Math.max(0, ...own.map(w => wireSource(w).length));
        return [`  ${accountLabel(config, from)} -> ${accountLabel(config, to)}`,
            ...own.map(w => `    ${wireSource(w).padEnd(width)}  ->  ${short(w.target.type)} ${w.target.name}.${w.path}`)];
    });
}

const ACCESS_TITLE = "Who can do what (each request evaluated by the IAM policy simulator against the policies above):";

/**
 * The plan of an evaluated stack: the whole of it as text (`text`, what `--full` prints), the
 * terminal's (`brief`: the access table as its summary and any row that differs from what the
 * program expects), and the whole as Markdown with a Mermaid diagram.
 */
export function renderPlan(e: Evaluation, access: AccessResult[] = []): { text: string; brief: string; markdown: string } {
    const config = configOf(e);
    const places = sections(e, config);
    const wires = crossAccountWiring(e);
    const steps = manualSteps(e);
    const adoption = adoptionLines(e);
    const unexpected = access.filter(r => r.decisions.some(d => d.verdict === "unexpected"));
    const table = access.length ? ["", ACCESS_TITLE, ...accessLines(access)] : [];
    const answers = access.length ? accessSummary(access) : undefined;
    const summary = answers ? ["", `Who can do what: ${answers}.`,
        `  The whole access table: plan/${e.stack}.md, or npm run plan -- --stack ${e.stack} --full`,
        ...unexpected.length ? ["  The requests that differ:", ...accessLines(unexpected)] : []] : [];
    // The terminal's plan and the file's differ only in the access part: the rest is computed once.
    const opening = [
        `Plan for stack ${e.stack} (Pulumi.${e.stack}.yaml), evaluated offline: nothing is created.`, "",
        ...verdictLines(e, config, answers, Math.max(0, steps.length - 1)), "",
        "Release path (the pipeline's stages in order; in a stage, | runs in parallel and -> waits for success):",
        ...releasePath(e), "",
        ...notificationLines(e), "",
        ...rollbackLines(e, config), "",
        ...steps.length ? [...steps, ""] : [],
        ...adoption.length ? [...adoption, ""] : [],
        ...places.flatMap(s => [
            `${s.title}, provider ${s.provider}${s.role ? `, provisioned as ${s.role}` : ", ambient credentials"}`,
            ...s.lines, ""]),
        "Cross-account wiring (computed from the registered inputs):",
        ...wiringLines(config, wires),
    ];
    const warnings = e.warnings.length ? ["", "Warnings from the Pulumi runtime (pulumi up prints them too):", ...e.warnings.map(w => `  ${w}`)] : [];
    const body = (accessPart: string[]) => [...opening, ...accessPart, ...warnings].join("\n");
    const text = body(table);
    const ids = new Map(e.resources.map((r, i) => [r.urn, `n${i}`]));
    const node = (r: Resource) => ids.get(r.urn)!;
    const mermaid = [
        "```mermaid", "flowchart LR",
        ...places.map((s, i) => [`  subgraph s${i}["${s.title}"]`,
            ...e.resources.filter(r => r.account === s.account && r.region === s.region && r.custom && wires.some(w => w.source === r || w.target === r))
                .map(r => `    ${node(r)}["${short(r.type)} ${r.name}"]`),
            "  end"].join("\n")),
        ...[...new Set(wires.filter(w => w.source).map(w => `  ${node(w.source!)} -->|${w.path.split(/[.[]/)[0]}| ${node(w.target)}`))],
        "```",
    ].join("\n");
    return { text, brief: body(summary),
        markdown: `# Plan: stack \`${e.stack}\`\n\n${mermaid}\n\n\`\`\`text\n${text}\n\`\`\`\n\n${stackReport(e)}` };
}

export interface Plan {
    /** 0: planned; 1: the program stopped (a bad config, an error while it ran), `text` says why. */
    exitCode: number;
    /** The whole plan (or, for exit code 1, why it failed). */
    text: string;
    /** What the terminal shows: the plan with the access table summed up (see `renderPlan`). */
    brief?: string;
    markdown?: string;
    /** Each row of the access table as this stack's policies decide it. */
    access?: AccessResult[];
}

/** One row of the access table for one stack: why it does not apply, or each action's decision and how it reads. */
export interface AccessResult {
    row: AccessRow;
    absence?: string;
    decisions: { action: string; decision: Decision; verdict: Verdict; statements: DecidingStatement[] }[];
}

/** Evaluates a stack and renders its plan; a bad config gives its validation message and exit code 1. */
export async function plan(stack: string, config?: RawConfig, options?: EvaluateOptions): Promise<Plan> {
    return planOf(await evaluate(stack, config, options));
}

/** The plan of an evaluation. */
export async function planOf(e: Evaluation): Promise<Plan> {
    if (e.error) {
        return { exitCode: 1, text: e.error.message };
    }
    const access = await decideAccess(e);
    return { exitCode: 0, ...renderPlan(e, access), access };
}

/** The access table's rows as this stack's policies decide them, computed, not copied. */
export async function decideAccess(e: Evaluation): Promise<AccessResult[]> {
    const config = configOf(e);
    const table = accessTable(config);
    const world = new AccessWorld(table, e, config);
    return Promise.all(table.rows.map(async row => {
        const absence = world.absence(row);
        if (absence) {
            return { row, absence, decisions: [] };
        }
        const decisions = await world.decideWithStatements(row);
        return { row, decisions: actionsOf(row).map((action, i) => ({ action, ...decisions[i], verdict: world.verdict(row, decisions[i].decision) })) };
    }));
}

/** A placeholder of the table as words: `<artifact key>` is "the artifact key". */
const named = (value: string) => {
    const inner = value.replace(/^<(.*)>$/, "$1").replace(/^targets\.\d+\.account\.accountId$/, "target's account");
    return inner === value || /^(another|a|an) /.test(inner) ? inner : `the ${inner}`;
};
const SERVICES: Record<string, string> = { s3: "S3", secretsmanager: "Secrets Manager", sns: "SNS" };

/** The request context in words, for the keys a row sets or leaves out: what tells apart rows that are otherwise alike. */
const CONTEXT_WORDS: [keys: string[], words: (value: (key: string) => string | undefined) => string][] = [
    [["aws:SecureTransport"], v => v("aws:SecureTransport") === "true" ? "over TLS" : "without TLS"],
    [["kms:ViaService"], v => {
        const service = v("kms:ViaService")?.split(".")[0];
        return service === undefined ? "called directly" : `through ${SERVICES[service] ?? service}`;
    }],
    [["s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id"], v => {
        const [algorithm, key] = [v("s3:x-amz-server-side-encryption"), v("s3:x-amz-server-side-encryption-aws-kms-key-id")];
        return algorithm === undefined ? "no encryption header" : algorithm !== "aws:kms" ? `encrypted with ${algorithm}` :
            key === undefined ? "aws:kms without a key id" : `encrypted with ${named(key)}`;
    }],
    [["aws:SourceAccount"], v => { const account = v("aws:SourceAccount"); return account ? `for ${named(account)}` : "no source account"; }],
    [["iam:PassedToService"], v => `passed to ${v("iam:PassedToService")}`],
    // A log delivery's source: its ARN's account, in words (the region is the row's target's).
    [["aws:SourceArn"], v => {
        const arn = v("aws:SourceArn");
        return arn ? `delivering ${arn.split(":").pop()} of ${named(arn.split(":")[4])}` : "no source ARN";
    }],
];

export function contextWords(row: AccessRow): string {
    const keys = [...Object.keys(row.context ?? {}), ...row.absent ?? []];
    const value = (key: string) => row.context?.[key];
    const known = CONTEXT_WORDS.filter(([ks]) => ks.some(k => keys.includes(k))).map(([, words]) => words(value));
    const other = keys.filter(k => !CONTEXT_WORDS.some(([ks]) => ks.includes(k)))
        .map(k => k in (row.context ?? {}) ? `${k}=${value(k)}` : `no ${k}`);
    return [...known, ...other].join(", ");
}

/** A request of the access table as printed, with its answer ("n/a" when the stack has nothing it is about). */
interface PrintedRequest {
    answer: Decision | "n/a";
    unexpected: boolean;
}

/** Each principal's requests as printed, each once (two rows may ask the same for different reasons), with their answers. */
function printedRequests(results: AccessResult[]): Map<string, Map<string, PrintedRequest>> {
    const byPrincipal = new Map<string, Map<string, PrintedRequest>>();
    for (const { row, absence, decisions } of results) {
        const requests = byPrincipal.get(row.principal) ?? new Map<string, PrintedRequest>();
        byPrincipal.set(row.principal, requests);
        const context = contextWords(row);
        const request = (action: string) => `${action} on ${row.resource}${context ? `, ${context}` : ""}`;
        if (absence) {
            actionsOf(row).forEach(action => requests.set(`    ${"n/a".padEnd(16)}  ${request(action)}  (${absence})`, { answer: "n/a", unexpected: false }));
        }
        decisions.forEach(({ action, decision, verdict }) => requests.set(`    ${decision.padEnd(16)}  ${request(action)}` +
            (verdict === "own administrators" ? "  [the account's own administrators keep this right]" :
                verdict === "unexpected" ? `  (EXPECTED ${row.expect})` : ""), { answer: decision, unexpected: verdict === "unexpected" }));
    }
    return byPrincipal;
}

/**
 * The access table as text: grouped by principal, each row with the context that decides it,
 * rows about what the stack neither creates nor names marked "n/a" with the reason.
 */
function accessLines(results: AccessResult[]): string[] {
    return [...printedRequests(results)].flatMap(([principal, requests]) => {
        const own = results.filter(r => r.row.principal === principal);
        if (own.every(r => r.absence?.startsWith(`${principal}:`))) {
            return [`  ${principal}: not in this stack (${own[0].absence!.slice(principal.length + 2)})`];
        }
        return [`  ${principal}`, ...requests.keys()];
    });
}

/** The access table's answers in one line, counted over its requests as printed. */
export function accessSummary(results: AccessResult[]): string {
    const answers = [...printedRequests(results).values()].flatMap(requests => [...requests.values()]);
    const counted = (test: (r: PrintedRequest) => boolean) => answers.filter(test).length;
    const unexpected = counted(r => r.unexpected);
    return `${counted(r => r.answer === "Allowed")} allowed, ${counted(r => r.answer.endsWith("Denied"))} denied, ` +
        `${counted(r => r.answer === "n/a")} not applicable; ` +
        (unexpected === 0 ? "none differs from what the program expects"
            : `${count(unexpected, "request")} ${unexpected === 1 ? "DIFFERS" : "DIFFER"} from what the program expects`);
}
