import { AccessWorld, actionsOf, stackConfig } from "./access";
import { ACCESS_TABLE } from "./accessTable";
import { evaluate, Evaluation, RawConfig, Resource } from "./engine";
import { crossAccountWiring, Wire } from "./wiring";

const short = (type: string) => type.replace(/^aws:\w+\/(\w+):(\w+)$/, "$2").replace(/^cross-account-pipeline:\w+:/, "");
const flag = (on: unknown, yes: string, no: string) => (on ? yes : no);

/** The few properties that matter, per resource type. */
const DETAILS: Record<string, (r: Resource) => string> = {
    "aws:kms/key:Key": r => `rotation ${flag(r.inputs.enableKeyRotation, "on", "OFF")}, deletion window ${r.inputs.deletionWindowInDays} days`,
    "aws:kms/alias:Alias": r => r.inputs.name,
    "aws:s3/bucket:Bucket": r => r.state.bucket,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": r =>
        `${r.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm} with ${r.inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId}`,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": r => r.inputs.rule.objectOwnership,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": r => `artifacts expire after ${r.inputs.rules[0].expiration.days} days`,
    "aws:iam/role:Role": r => r.inputs.name,
    "aws:iam/rolePolicy:RolePolicy": r => JSON.parse(r.inputs.policy).Statement.map((s: any) => s.Sid).join(", "),
    "aws:codecommit/repository:Repository": r => r.inputs.repositoryName,
    "aws:codebuild/project:Project": r => `${r.inputs.name}, artifacts encrypted with ${r.inputs.encryptionKey}`,
    "aws:ecr/repository:Repository": r => `${r.inputs.name}, tags ${r.inputs.imageTagMutability}, scan on push ${flag(r.inputs.imageScanningConfiguration?.scanOnPush, "on", "OFF")}`,
    "aws:ecs/service:Service": r => `${r.inputs.name}: ${r.inputs.desiredCount} tasks, ${r.inputs.launchType}, ${r.inputs.deploymentController.type} deployments`,
    "aws:lb/listener:Listener": r => `${r.inputs.protocol} port ${r.inputs.port}`,
    "aws:codedeploy/deploymentGroup:DeploymentGroup": r =>
        `${r.inputs.deploymentGroupName}: ${r.inputs.deploymentStyle.deploymentType}, ${r.inputs.deploymentConfigName}, ` +
        `rollback on ${r.inputs.autoRollbackConfiguration.events.join(", ")}`,
    "aws:codepipeline/pipeline:Pipeline": r => {
        const deploy = r.inputs.stages.at(-1).actions[0];
        return `${r.inputs.name}: ${r.inputs.stages.map((s: any) => s.name).join(" -> ")}; ` +
            `artifacts under ${r.inputs.artifactStores[0].encryptionKey.id}; deploy runs as ${deploy.roleArn} in ${deploy.region}`;
    },
};

function describe(r: Resource): string {
    const details = DETAILS[r.type]?.(r);
    return `${short(r.type)} ${r.name}${details ? `  (${details})` : ""}${r.retainOnDelete ? "  [kept on destroy]" : ""}`;
}

/** Resources as tree branches, each followed by its children. */
function tree(e: Evaluation, nodes: Resource[], prefix: string): string[] {
    return nodes.flatMap((node, i) => {
        const last = i === nodes.length - 1;
        const children = e.resources.filter(r => r.parent === node.urn && r.type !== "pulumi:providers:aws");
        return [`${prefix}${last ? "└─ " : "├─ "}${describe(node)}`, ...tree(e, children, prefix + (last ? "   " : "│  "))];
    });
}

function accounts(e: Evaluation): { side: string; account: string; region: string; role?: string; lines: string[] }[] {
    const root = e.resources.find(r => r.type === "pulumi:pulumi:Stack")!;
    const config = stackConfig(e.stack);
    return ([["pipeline", config.pipelineAccount], ["target", config.targetAccount]] as const).map(([side, account]) => {
        const top = e.resources.filter(r => r.parent === root.urn && r.account === account.accountId && r.type !== "pulumi:providers:aws");
        return { side, account: account.accountId, region: config.region, role: account.provisioningRoleArn, lines: tree(e, top, "") };
    });
}

const wireSource = (w: Wire) => w.source ? `${short(w.source.type)} ${w.source.name}.arn` :
    w.value.endsWith(":root") ? "account root (narrowed to one role by aws:PrincipalArn)" : `${w.value} (from config)`;

function wiringLines(sections: { side: string; account: string }[], wires: Wire[]): string[] {
    return sections.flatMap(from => {
        const to = sections.find(s => s !== from)!;
        const own = wires.filter(w => w.fromAccount === from.account);
        const width = Math.max(0, ...own.map(w => wireSource(w).length));
        return [`  ${from.side} account ${from.account} -> ${to.side} account ${to.account}`,
            ...own.map(w => `    ${wireSource(w).padEnd(width)}  ->  ${short(w.target.type)} ${w.target.name}.${w.path}`)];
    });
}

/** The plan of an evaluated stack: as text for the terminal, and as Markdown with a Mermaid diagram. */
export function renderPlan(e: Evaluation, access: string[] = []): { text: string; markdown: string } {
    const sections = accounts(e);
    const wires = crossAccountWiring(e);
    const text = [
        `Plan for stack ${e.stack} (Pulumi.${e.stack}.yaml), evaluated offline: nothing is created.`, "",
        ...sections.flatMap(s => [
            `${s.side === "pipeline" ? "Pipeline (tooling) account" : "Target (deploy) account"} ${s.account}, ${s.region}` +
            `${s.role ? `, provisioned as ${s.role}` : ", ambient credentials"}`,
            ...s.lines, ""]),
        "Cross-account wiring (computed from the registered inputs):",
        ...wiringLines(sections, wires),
        ...(access.length ? ["", "Who can do what (each request evaluated by the IAM policy simulator against the policies above):", ...access] : []),
    ].join("\n");
    const ids = new Map(e.resources.map((r, i) => [r.urn, `n${i}`]));
    const node = (r: Resource) => ids.get(r.urn)!;
    const mermaid = [
        "```mermaid", "flowchart LR",
        ...sections.flatMap(s => [
            `  subgraph ${s.side}["${s.side} account ${s.account}"]`,
            ...e.resources.filter(r => r.account === s.account && r.custom && wires.some(w => w.source === r || w.target === r))
                .map(r => `    ${node(r)}["${short(r.type)} ${r.name}"]`),
            "  end"]),
        ...[...new Set(wires.filter(w => w.source).map(w => `  ${node(w.source!)} -->|${w.path.split(/[.[]/)[0]}| ${node(w.target)}`))],
        "```",
    ].join("\n");
    return { text, markdown: `# Plan: stack \`${e.stack}\`\n\n${mermaid}\n\n\`\`\`text\n${text}\n\`\`\`\n` };
}

/** Evaluates a stack and renders its plan; a bad config gives its validation message and exit code 1. */
export async function plan(stack: string, config?: RawConfig): Promise<{ exitCode: number; text: string; markdown?: string }> {
    const e = await evaluate(stack, config);
    return e.error ? { exitCode: 1, text: e.error.message } : { exitCode: 0, ...renderPlan(e, await accessLines(e)) };
}

/** The access table's rows as this stack's policies decide them, computed, not copied. */
async function accessLines(e: Evaluation): Promise<string[]> {
    const world = new AccessWorld(ACCESS_TABLE, e, stackConfig(e.stack));
    const decided = await Promise.all(ACCESS_TABLE.rows.map(async row => ({ row, decisions: await world.decide(row) })));
    const width = Math.max(...ACCESS_TABLE.rows.map(r => r.principal.length));
    return decided.flatMap(({ row, decisions }) => actionsOf(row).map((action, i) =>
        `  ${decisions[i].padEnd(16)}  ${row.principal.padEnd(width)}  ${action} on ${row.resource}` +
        `${decisions[i] === row.expect ? "" : `  (EXPECTED ${row.expect})`}`));
}
