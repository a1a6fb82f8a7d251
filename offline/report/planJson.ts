// The plan as data (`npm run plan -- --json`, plan/<stack>.json): what a stack registers and
// who may do what, in a versioned shape another revision's plan can be compared with
// (offline/report/planDiff.ts). Things are identified by what they are (URNs, ARNs, actions,
// request context), never by the words the text plan prints for them.
import { AccessWorld, actionsOf, configOf, DecidingStatement, Missing } from "../access/access";
import { accessTable } from "./accessTable";
import { Evaluation, Resource } from "../engine/engine";
import { aliasUrnsOf } from "../engine/engineRules";
import { asList, registeredPolicies } from "../access/policies";
import { replaceSecrets } from "../engine/policyArgs";
import type { AccessResult } from "./plan";
import { controlResults, exceptionsOf } from "./securityHub";
import { Decision, PolicyStatement } from "../access/simulator";

/** Raised when the shape changes: a reader refuses a version it does not know rather than misread it. */
export const PLAN_FORMAT_VERSION = 1;

export interface PlanJson {
    formatVersion: number;
    project: string;
    stack: string;
    /** Every account the stack's resources land in, sorted. */
    accounts: string[];
    resources: PlanResource[];
    /** Every identity and resource policy the stack registers, by the URN of the resource that holds it. */
    policies: PlanPolicy[];
    securityGroupRules: PlanRule[];
    listeners: PlanListener[];
    /** One entry per request of the access table (a row of several actions gives one per action). */
    access: PlanAccess[];
    /** Security Hub controls the stack fails by declared choice, as `<control>@<logical name>`. */
    securityHubExceptions: string[];
}

export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    account?: string;
    region?: string;
    custom: boolean;
    /** The registered inputs; a secret's value is written as "[secret]". */
    inputs: Record<string, unknown>;
    options: {
        /** The URN of the provider it names ("" for none). */
        parent: string; provider: string; protect: boolean; retainOnDelete: boolean; ignoreChanges: string[];
        import: string; deleteBeforeReplace: boolean; aliases: string[]; dependencies: string[];
    };
}

export interface PlanPolicy {
    /** The resource that holds the document (a role's trust policy is the role's). */
    urn: string;
    kind: string;
    statements: PolicyStatement[];
}

export interface PlanRule {
    urn: string;
    /** The URN of the security group it belongs to (its id when the group is not the stack's). */
    securityGroup: string;
    direction: "ingress" | "egress";
    protocol: string;
    fromPort?: number;
    toPort?: number;
    /** Whom it admits or lets out: a CIDR, a prefix list, or another security group (its URN). */
    peer: string;
}

export interface PlanListener {
    urn: string;
    loadBalancer: string;
    protocol: string;
    port: number;
    certificateArn?: string;
    /** Each default action: its type and where it goes. */
    actions: string[];
}

export interface PlanAccess {
    /** The principal's ARN (or service principal); for an entity the stack lacks, the access table's name in <>. */
    principal: string;
    action: string;
    /** The resource's ARN; for an entity the stack lacks, the access table's name in <>. */
    resource: string;
    /** The request context, values filled in (a value that cannot be keeps its <placeholder>). */
    context: Record<string, string>;
    /** Context keys the request lacks. */
    absent: string[];
    /** The accounts of the principal and of the resource ("" for a service principal). */
    accounts: { principal: string; resource: string };
    /** The simulator's decision, or NotApplicable when the request is about something the stack neither creates nor names. */
    decision: Decision | "NotApplicable";
    /** Why it does not apply. */
    reason?: string;
    expected: Decision;
    /** The statements that decide it. */
    decidedBy: DecidingStatement[];
    /** The access table's words for it (what the text plan prints): for people, not for matching. */
    label: { principal: string; resource: string };
}

/** A provider reference without its id: the mocks number providers in the order they register, which says nothing of a change. */
const providerUrn = (ref: string) => ref.includes("::") ? ref.slice(0, ref.lastIndexOf("::")) : ref;

function resourceOf(r: Resource, aliases: Map<string, string[]>): PlanResource {
    return {
        urn: r.urn, type: r.type, name: r.name, account: r.account, region: r.region, custom: r.custom,
        // The JSON may be posted where secrets must not go.
        inputs: replaceSecrets(r.inputs, () => "[secret]"),
        options: {
            parent: r.parent, provider: providerUrn(r.provider), protect: r.protect, retainOnDelete: r.retainOnDelete, ignoreChanges: r.ignoreChanges,
            import: r.importId, deleteBeforeReplace: r.deleteBeforeReplace, aliases: aliases.get(r.urn) ?? [], dependencies: r.dependencies,
        },
    };
}

const RULE_TYPES: Record<string, "ingress" | "egress"> = {
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "ingress",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "egress",
};
const GROUP_TYPES = ["aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"];

/** Every rule of every security group: the rule resources, and the rules a group or a default group holds inline. */
function securityGroupRules(e: Evaluation): PlanRule[] {
    const groups = e.resources.filter(r => GROUP_TYPES.includes(r.type));
    const group = (id: string) => groups.find(g => String(g.state.arn ?? "").endsWith(`/${id}`))?.urn ?? id;
    const rule = (urn: string, securityGroup: string, direction: "ingress" | "egress", r: any): PlanRule => ({
        urn, securityGroup, direction, protocol: String(r.ipProtocol ?? r.protocol), fromPort: r.fromPort, toPort: r.toPort,
        peer: r.referencedSecurityGroupId ? group(r.referencedSecurityGroupId) : r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ??
            [...asList(r.cidrBlocks), ...asList(r.ipv6CidrBlocks), ...asList(r.prefixListIds), ...asList(r.securityGroups).map(group),
                ...r.self ? ["self"] : []].join(", "),
    });
    return [
        ...e.resources.filter(r => r.type in RULE_TYPES).map(r => rule(r.urn, group(r.inputs.securityGroupId), RULE_TYPES[r.type], r.inputs)),
        ...groups.flatMap(g => (["ingress", "egress"] as const).flatMap(direction => asList(g.inputs[direction]).map(r => rule(g.urn, g.urn, direction, r)))),
    ];
}

function listeners(e: Evaluation): PlanListener[] {
    const balancer = (arn: string) => e.resources.find(r => r.type === "aws:lb/loadBalancer:LoadBalancer" && r.state.arn === arn)?.urn ?? arn;
    return e.resources.filter(r => r.type === "aws:lb/listener:Listener").map(r => ({
        urn: r.urn, loadBalancer: balancer(r.inputs.loadBalancerArn), protocol: r.inputs.protocol, port: r.inputs.port,
        ...r.inputs.certificateArn ? { certificateArn: r.inputs.certificateArn } : {},
        actions: asList<any>(r.inputs.defaultActions).map(a => a.type === "redirect" ? `redirect to ${a.redirect.protocol}:${a.redirect.port}`
            : a.type === "forward" ? `forward to ${a.targetGroupArn}` : a.type),
    }));
}

/** A name of the access table as what it is in this stack: its ARN and account, or `<name>` when the stack lacks it. */
function located(find: () => { arn: string; account: string }, name: string): { arn: string; account: string } {
    try {
        return find();
    } catch (e) {
        if (e instanceof Missing) {
            return { arn: `<${name}>`, account: "" };
        }
        throw e;
    }
}

/** The access table's requests, identified by what they are; two rows that ask the same are one request. */
function accessOf(e: Evaluation, results: AccessResult[]): PlanAccess[] {
    // Nothing asked: the stack's config is not read.
    if (results.length === 0) {
        return [];
    }
    const world = new AccessWorld(accessTable(configOf(e)), e);
    const fill = (text: string) => {
        try {
            return world.resolveText(text);
        } catch {
            return text;
        }
    };
    const requests = new Map<string, PlanAccess>();
    for (const { row, absence, decisions } of results) {
        const principal = located(() => world.principal(row.principal), row.principal);
        const resource = located(() => world.resource(row.resource), row.resource);
        const context = Object.fromEntries(Object.entries(row.context ?? {}).map(([k, v]) => [k, fill(v)]));
        actionsOf(row).forEach((action, i) => {
            const request: PlanAccess = {
                principal: principal.arn, action, resource: resource.arn, context, absent: row.absent ?? [],
                accounts: { principal: principal.account, resource: resource.account },
                decision: decisions[i]?.decision ?? "NotApplicable", ...absence ? { reason: absence } : {},
                expected: row.expect, decidedBy: decisions[i]?.statements ?? [],
                label: { principal: row.principal, resource: row.resource },
            };
            const key = accessKey(request);
            // A request asked by a row that applies, and by one that does not (another config), is the first's.
            if (!requests.has(key) || requests.get(key)!.decision === "NotApplicable") {
                requests.set(key, request);
            }
        });
    }
    return [...requests.values()];
}

/** What a request is: principal, action, resource and context; the same in two plans means the same request. */
export function accessKey(a: Pick<PlanAccess, "principal" | "action" | "resource" | "context" | "absent">): string {
    const context = Object.entries(a.context).sort(([x], [y]) => x.localeCompare(y));
    return JSON.stringify([a.principal, a.action, a.resource, context, [...a.absent].sort()]);
}

/** The plan of an evaluation that planned (no error), as data. */
export function planJson(e: Evaluation, access: AccessResult[]): PlanJson {
    const aliases = aliasUrnsOf(e.resources, e.stack, e.project);
    return {
        formatVersion: PLAN_FORMAT_VERSION,
        project: e.project,
        stack: e.stack,
        accounts: [...new Set(e.resources.map(r => r.account).filter((a): a is string => !!a))].sort(),
        resources: e.resources.map(r => resourceOf(r, aliases)),
        policies: registeredPolicies(e).map(p => ({ urn: p.resource.urn, kind: p.kind, statements: asList(p.document.Statement as PolicyStatement[] | undefined) })),
        securityGroupRules: securityGroupRules(e),
        listeners: listeners(e),
        access: accessOf(e, access),
        securityHubExceptions: exceptionsOf(controlResults(e)),
    };
}
