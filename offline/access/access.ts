// Access rows evaluated against the policy documents a stack really registers. The table
// names principals and resources; this file finds them in an evaluation and asks the
// simulator. Used by the access tests and by the security doc generator.
import { dnsSuffixOf, partitionOf } from "../../components/policies/document";
import { ELB_LOG_DELIVERY_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE } from "../../components/policies/logDelivery";
import { StackConfig } from "../../stacks/config/stackConfig";
import { parseConfig } from "../../stacks/validation/parse";
import { valueAt } from "../../stacks/config/issues";
import { StackNames, stackNames } from "../../stacks/names";
import { Evaluation, projectName, RawConfig, readStackConfig, Resource } from "../engine/engine";
import { registeredPolicies } from "./policies";
import { Decision, evaluate as simulate, PolicyDocument, PolicyStatement } from "./simulator";

/** The account the access table keeps for "a third account": never one of the stack's. */
export const THIRD_ACCOUNT = "999999999999";
/** With grants: organization, the organization a third account belongs to: another one. */
const THIRD_ORGANIZATION = "o-0therorg00";

/** The kind of source a stack has: a CodeCommit repository, or a repository through a CodeConnections connection. */
export type SourceKind = "CodeCommit" | "connection";
export const sourceKindOf = (config: StackConfig): SourceKind => config.source.provider === "CodeCommit" ? "CodeCommit" : "connection";

/** The roles this program creates: the pipeline account's, and each target's (with `target`, its index). */
export type RoleKey = keyof StackNames["roles"] | keyof StackNames["targets"][number]["roles"];

export type PrincipalSpec =
    /**
     * A role this program creates. `existing`: its ARN (with <placeholders>) when the stack names
     * the role in config instead of creating it; its identity policies are then not this stack's.
     */
    | { role: RoleKey; target?: number; identity?: "own" | "allow-all"; existing?: string; /** Only with this kind of source. */ source?: SourceKind;
        /** Only in stacks whose config passes `test` (a Slack channel's role); `reason` says why not. */
        onlyIf?: { test: (config: StackConfig) => boolean; reason: string } }
    /** A role the program does not create, in an account (text with <placeholders>); its own account lets it do anything. */
    | { stranger: string; name: string }
    | { service: string }
    /**
     * A region's Elastic Load Balancing log delivery (the region: text with <placeholders>, the
     * stack's when absent): ELB's own account in older regions, else its service principal.
     */
    | { elbLogDelivery: true; region?: string };

export type ResourceSpec =
    /**
     * A role this program creates; its trust policy is the resource policy. `existing`: its ARN
     * when the stack names it in config instead; rows that need its trust policy do not apply then.
     */
    | { role: RoleKey; target?: number; policy?: "own" | "open"; existing?: string; /** Only with this kind of source. */ source?: SourceKind }
    /**
     * A resource this program creates, by type and logical name (or the only one of its type).
     * `existing`: its ARN when the stack names it in config instead (it has no resource policy then).
     */
    | { type: string; name?: string; /** Appended to the ARN (<placeholders> filled): `/key` of an object, `:log-stream:x`. */ path?: string;
        /** Another ARN made from the resource's, e.g. a rule of a listener. */ derive?: (arn: string) => string;
        policy?: "own" | "open"; existing?: string; /** Only with this kind of source. */ source?: SourceKind;
        /**
         * When config names it in another account, AWS RAM shares it with this one (an account:
         * text with <placeholders>): the share admits that account, as a resource policy would
         * (its IAM policies decide who).
         */
        sharedWith?: string;
        /** Only in stacks whose config passes `test` (flow logs: a VPC the stack creates); `reason` says why not. */
        onlyIf?: { test: (config: StackConfig) => boolean; reason: string } }
    /** Anything else: an ARN with <placeholders>, its account (text with <placeholders>), and its resource policy if it has one. */
    | { arn: string; account: string; policy?: PolicyDocument };

export interface AccessRow {
    principal: string;
    /** One action, or several that share the rest of the row. */
    action: string | string[];
    resource: string;
    /** Request context; values may hold <placeholders> (see `resolveText`). */
    context?: Record<string, string>;
    /** Keys absent from the real request, so AWS's rules for missing keys apply. */
    absent?: string[];
    expect: Decision;
    /** Why the row holds, in a few words: it is printed in SECURITY.md. */
    why: string;
    /** The target the row is about, by name; none: the pipeline account's own row. */
    target?: string;
    /** The row applies only when this config key (a path such as `source.fullClone`) has this value. */
    when?: { key: string; is: unknown };
}

/** A statement that decides a request: its Sid, in the registered policy of that URN (none: a policy the table assumes, not the stack's). */
export interface DecidingStatement {
    policy?: string;
    sid?: string;
}

/** How a decision on a row reads (see `AccessWorld.verdict`). */
export type Verdict = "expected" | "own administrators" | "unexpected";

export interface AccessTable {
    principals: Record<string, PrincipalSpec>;
    resources: Record<string, ResourceSpec>;
    rows: AccessRow[];
}

export function actionsOf(row: AccessRow): string[] {
    return typeof row.action === "string" ? [row.action] : row.action;
}

/** A policy as a row uses it: a registered document (by URN, maybe opened up) or a fixed one. */
type PolicyRef = { urn: string; open: boolean } | { fixed: PolicyDocument };

/** Where a name of the table is: `named` by config, not created (its own policies are not this stack's). */
interface Located { arn: string; account: string; named?: boolean }

/** A principal as a request sends it: with the identity policies that allow it anything. */
interface LocatedPrincipal extends Located { identity: PolicyRef[] }
/** A resource as a request reaches it: with its resource policy, if it has one. */
interface LocatedResource extends Located { policy?: PolicyRef }

/** An entity of the table that this stack neither creates nor names: its rows do not apply. */
export class Missing extends Error {
    constructor(readonly entity: string, what: string) {
        super(`${entity}: ${what}`);
    }
}

/**
 * An AWS RAM share as the simulator sees it: the owning account lets the account it shares with
 * use the connection; that account's IAM policies decide which of its principals may
 * (https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-share.html).
 */
function ramShare(partition: string, account: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "SharedWithAwsRam", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` },
            Action: ["codeconnections:UseConnection", "codestar-connections:UseConnection"], Resource: "*",
        }],
    };
}

const ALLOW_ALL: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Sid: "AllowEverything", Effect: "Allow", Action: "*", Resource: "*" }],
};

/** The real document plus a statement that lets anyone do anything: the owning account's guard removed. */
function opened(document: PolicyDocument, trust: boolean): PolicyDocument {
    const everyone: PolicyStatement = trust
        ? { Sid: "OpenedToEveryone", Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:*" }
        : { Sid: "OpenedToEveryone", Effect: "Allow", Principal: { AWS: "*" }, Action: "*", Resource: "*" };
    return { ...document, Statement: [...document.Statement, everyone] };
}

/** Which registered resource carries the resource policy of a resource of this type. */
const POLICY_HOLDER: Record<string, (r: Resource, ofType: (type: string) => Resource[]) => Resource | undefined> = {
    "aws:iam/role:Role": r => r,
    "aws:kms/key:Key": r => r,
    "aws:s3/bucket:Bucket": (r, ofType) => ofType("aws:s3/bucketPolicy:BucketPolicy").find(p => p.inputs.bucket === r.state.bucket),
    "aws:ecr/repository:Repository": (r, ofType) =>
        ofType("aws:ecr/repositoryPolicy:RepositoryPolicy").find(p => p.inputs.repository === r.state.name),
    "aws:sns/topic:Topic": (r, ofType) => ofType("aws:sns/topicPolicy:TopicPolicy").find(p => p.inputs.arn === r.state.arn),
};

/** A stack file's keys of the project's namespace, without the prefix: what `parseConfig` takes. */
export function projectKeys(project: string, raw: RawConfig): Record<string, unknown> {
    const prefix = `${project}:`;
    return Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** A stack file's keys of this project's namespace, without the prefix (the file in `dir`, by default the project's). */
export function projectConfig(stack: string, dir?: string): Record<string, unknown> {
    return projectKeys(projectName(), readStackConfig(stack, dir));
}

/** A stack file's validated config, as the program reads it. */
export function stackConfig(stack: string, dir?: string): StackConfig {
    return parseConfig(projectName(), stack, projectConfig(stack, dir));
}

const configs = new WeakMap<Evaluation, StackConfig>();
/** The validated config an evaluation ran with (parsed once per evaluation: the plan and the tests ask often). */
export function configOf(e: Evaluation): StackConfig {
    let config = configs.get(e);
    if (!config) {
        config = parseConfig(e.project, e.stack, projectKeys(e.project, e.config));
        configs.set(e, config);
    }
    return config;
}

/**
 * One stack's evaluation seen through an access table: names resolve to ARNs and to the
 * policies the program registered. `documents` maps each policy's URN to its document; a
 * mutation test swaps one entry and re-runs the rows that use it.
 */
export class AccessWorld {
    readonly documents: Map<string, PolicyDocument>;
    private readonly facts: Record<string, string>;
    private readonly names: StackNames;
    /** The registered resources by type: rows look them up by type, name and account, thousands of times on a long path. */
    private readonly byType = new Map<string, Resource[]>();
    readonly sourceKind: SourceKind;
    /** What `principal` and `resource` found, by kind and name (a name the stack lacks: why). */
    private readonly located = new Map<string, LocatedPrincipal | LocatedResource | Missing>();

    constructor(readonly table: AccessTable, readonly evaluation: Evaluation, readonly config: StackConfig = configOf(evaluation)) {
        if (evaluation.error) {
            throw evaluation.error;
        }
        this.documents = new Map(registeredPolicies(evaluation).map(p => [p.resource.urn, p.document as PolicyDocument]));
        this.facts = {
            region: config.region,
            partition: partitionOf(config.region),
            "dns suffix": dnsSuffixOf(config.region),
            "pipeline account": config.pipelineAccount.accountId,
            "third account": THIRD_ACCOUNT,
        };
        this.names = stackNames(config);
        this.sourceKind = sourceKindOf(config);
        for (const r of evaluation.resources) {
            this.byType.set(r.type, [...this.byType.get(r.type) ?? [], r]);
        }
    }

    /** An entity that exists only with the other kind of source is not in this stack. */
    private requireSource(entity: string, spec: PrincipalSpec | ResourceSpec) {
        if ("source" in spec && spec.source && spec.source !== this.sourceKind) {
            throw new Missing(entity, `the stack's source is ${this.config.source.provider}, not ${spec.source === "connection" ? "a connection" : "CodeCommit"}`);
        }
    }

    private ofType(type: string): Resource[] {
        return this.byType.get(type) ?? [];
    }

    private roleName(key: RoleKey, target?: number): string {
        return target === undefined ? this.names.roles[key as keyof StackNames["roles"]]
            : this.names.targets[target].roles[key as keyof StackNames["targets"][number]["roles"]];
    }

    /**
     * Fills `<name>`: a fact (region, partition, dns suffix, `<side> account`), a table resource's ARN, a config path,
     * or a name the program derives (`names.` and a path in `stackNames`).
     */
    resolveText(text: string): string {
        return text.replace(/<([^<>]+)>/g, (_, key: string) => {
            if (key in this.facts) {
                return this.facts[key];
            }
            if (key in this.table.resources) {
                return this.resource(key).arn;
            }
            const [root, path] = key.startsWith("names.") ? [this.names, key.slice("names.".length)] : [this.config, key];
            const value = path.split(".").reduce<any>((v, part) => v?.[part], root);
            if (typeof value !== "string") {
                throw new Error(`no value for <${key}>`);
            }
            return value;
        });
    }

    /** The role the program creates under this key, or undefined when the stack does not create it. */
    private createdRole(key: RoleKey, target?: number): Resource | undefined {
        const name = this.roleName(key, target);
        const account = target === undefined ? this.config.pipelineAccount.accountId : this.config.targets[target].account.accountId;
        return this.ofType("aws:iam/role:Role").find(r => r.state.name === name && r.account === account);
    }

    private created(entity: string, type: string, name?: string): Resource | undefined {
        const found = this.ofType(type).filter(r => name === undefined || r.name === name);
        if (found.length > 1) {
            throw new Error(`${entity}: ${found.length} resources of type ${type}; name the one you mean`);
        }
        return found[0];
    }

    /** Where config names an entity the stack does not create, or why the entity is not in this stack. */
    private named(entity: string, what: string, existing: string | undefined): Located {
        if (existing === undefined) {
            throw new Missing(entity, `the stack does not create ${what}`);
        }
        const arn = this.resolveText(existing);
        return { arn, account: arn.split(":")[4], named: true };
    }

    private registered(resource: Resource, open: boolean): PolicyRef | undefined {
        const holder = POLICY_HOLDER[resource.type]?.(resource, type => this.ofType(type));
        return holder && this.documents.has(holder.urn) ? { urn: holder.urn, open } : undefined;
    }

    /** A principal of the table, located once (a row asks once per action, and for its absence and its verdict). */
    principal(name: string): LocatedPrincipal {
        return this.once(`principal ${name}`, () => this.locatePrincipal(name));
    }

    /** A resource of the table, located once. */
    resource(name: string): LocatedResource {
        return this.once(`resource ${name}`, () => this.locateResource(name));
    }

    private once<T extends LocatedPrincipal | LocatedResource>(key: string, locate: () => T): T {
        let found = this.located.get(key) as T | Missing | undefined;
        if (!found) {
            try {
                found = locate();
            } catch (e) {
                if (!(e instanceof Missing)) {
                    throw e;
                }
                found = e;
            }
            this.located.set(key, found);
        }
        if (found instanceof Missing) {
            throw found;
        }
        return found;
    }

    private locatePrincipal(name: string): LocatedPrincipal {
        const spec = this.table.principals[name];
        if ("service" in spec) {
            return { arn: spec.service, account: "", identity: [] };
        }
        if ("elbLogDelivery" in spec) {
            const region = spec.region ? this.resolveText(spec.region) : this.facts.region;
            const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
            return account
                ? { arn: `arn:${partitionOf(region)}:iam::${account}:role/elb-log-delivery`, account, identity: [{ fixed: ALLOW_ALL }] }
                : { arn: ELB_LOG_DELIVERY_SERVICE, account: "", identity: [] };
        }
        if ("stranger" in spec) {
            const account = this.resolveText(spec.stranger);
            return { arn: `arn:${this.facts.partition}:iam::${account}:role/${spec.name}`, account, identity: [{ fixed: ALLOW_ALL }] };
        }
        this.requireSource(name, spec);
        if (spec.onlyIf && !spec.onlyIf.test(this.config)) {
            throw new Missing(name, spec.onlyIf.reason);
        }
        const role = this.createdRole(spec.role, spec.target);
        const allowAll: PolicyRef[] = [{ fixed: ALLOW_ALL }];
        if (!role) {
            const located = this.named(name, `the ${spec.role} role`, spec.existing);
            if (spec.identity !== "allow-all") {
                throw new Missing(name, `${located.arn} is named by config: its identity policies are not this stack's`);
            }
            return { ...located, identity: allowAll };
        }
        const identity: PolicyRef[] = spec.identity === "allow-all" ? allowAll : this.ofType("aws:iam/rolePolicy:RolePolicy")
            .filter(r => r.inputs.role === role.state.name && r.account === role.account)
            .map(r => ({ urn: r.urn, open: false }));
        return { arn: role.state.arn, account: role.account!, identity };
    }

    private locateResource(name: string): LocatedResource {
        const spec = this.table.resources[name];
        if (!spec) {
            throw new Error(`the access table has no resource ${name}`);
        }
        if ("arn" in spec) {
            return {
                arn: this.resolveText(spec.arn), account: this.resolveText(spec.account),
                policy: spec.policy && { fixed: JSON.parse(this.resolveText(JSON.stringify(spec.policy))) },
            };
        }
        this.requireSource(name, spec);
        if ("onlyIf" in spec && spec.onlyIf && !spec.onlyIf.test(this.config)) {
            throw new Missing(name, spec.onlyIf.reason);
        }
        const found = "role" in spec ? this.createdRole(spec.role, spec.target) : this.created(name, spec.type, spec.name);
        const what = "role" in spec ? `the ${spec.role} role` : `${spec.type}${spec.name ? ` "${spec.name}"` : ""}`;
        const located: LocatedResource = found
            ? { arn: found.state.arn as string, account: found.account!, policy: this.registered(found, spec.policy === "open") }
            : this.named(name, what, spec.existing);
        const sharedWith = "sharedWith" in spec && spec.sharedWith && this.resolveText(spec.sharedWith);
        if (!found && sharedWith && located.account !== sharedWith) {
            located.policy = { fixed: ramShare(this.facts.partition, sharedWith) };
        }
        const own = `${located.arn}${"path" in spec ? this.resolveText(spec.path ?? "") : ""}`;
        return { ...located, arn: "derive" in spec && spec.derive ? spec.derive(own) : own };
    }

    /**
     * Why a row does not apply to this stack, or undefined when it does: it is about something
     * the stack neither creates nor names (a created target's roles, with an existing target), or
     * about a role config names, through a policy that is not this stack's (its trust policy).
     */
    absence(row: AccessRow): string | undefined {
        try {
            this.principal(row.principal);
            const resource = this.resource(row.resource);
            if (resource.named && "role" in this.table.resources[row.resource] && actionsOf(row).some(a => a.startsWith("sts:"))) {
                return `${row.resource}: ${resource.arn} is named by config: its trust policy is not this stack's`;
            }
            Object.values(row.context ?? {}).forEach(v => this.resolveText(v));
            if (row.when && valueAt(this.config, row.when.key.split(".")) !== row.when.is) {
                return `${row.resource}: only with ${row.when.key}: ${row.when.is}`;
            }
            return undefined;
        } catch (e) {
            if (e instanceof Missing) {
                return e.message;
            }
            throw e;
        }
    }

    /**
     * How a decision on a row reads: as the row expects; allowed because an account's own
     * administrators keep their rights over its resources; or not as expected. The
     * administrators' rows are those with a principal given `Allow *` in the account that owns
     * the resource where the row expects it allowed, and in a one-account sandbox (one account
     * on both sides) also those that stand for what the other side's administrators could do
     * (`Allow *` given, a resource policy opened): there they are the same administrators. A
     * resource config names (made outside the stack, such as a shared connection) is its own
     * account's: that account's administrators keep their rights over it whatever the row says.
     */
    verdict(row: AccessRow, decision: Decision): Verdict {
        const principal = this.table.principals[row.principal];
        const resource = this.table.resources[row.resource];
        const allowAll = "stranger" in principal || ("role" in principal && principal.identity === "allow-all");
        const opened = "policy" in resource && resource.policy === "open";
        // The row's target (or, for the pipeline account's rows, any target) shares the pipeline account.
        const oneAccount = this.config.targets.some(t => (row.target === undefined || t.name === row.target) &&
            t.account.accountId === this.config.pipelineAccount.accountId);
        const located = this.resource(row.resource);
        const sameAccount = this.principal(row.principal).account === located.account;
        if (decision === "Allowed" && sameAccount &&
            ((allowAll && (row.expect === "Allowed" || located.named)) || (oneAccount && (allowAll || opened)))) {
            return "own administrators";
        }
        return decision === row.expect ? "expected" : "unexpected";
    }

    private document(ref: PolicyRef, trust: boolean): PolicyDocument {
        if ("fixed" in ref) {
            return ref.fixed;
        }
        const document = this.documents.get(ref.urn)!;
        return ref.open ? opened(document, trust) : document;
    }

    /** The URNs of the registered documents a row's decision depends on. */
    uses(row: AccessRow): string[] {
        const { identity } = this.principal(row.principal);
        const { policy } = this.resource(row.resource);
        return [...identity, ...(policy ? [policy] : [])].flatMap(ref => "urn" in ref ? [ref.urn] : []);
    }

    /** The simulator's decision on each action of a row, with `documents` as they stand. */
    async decide(row: AccessRow): Promise<Decision[]> {
        return (await this.decideWithStatements(row)).map(d => d.decision);
    }

    /** Each action's decision with the statements that decide it (those that allow it, or deny it; none for an implicit deny). */
    decideWithStatements(row: AccessRow): Promise<{ decision: Decision; statements: DecidingStatement[] }[]> {
        return Promise.all(actionsOf(row).map(action => this.decideOne(row, action)));
    }

    /**
     * With grants: organization, the organization of the principal and of the resource, as AWS adds
     * them to every request: the stack's accounts are in the configured organization, a third
     * account in another; a service principal has none.
     */
    private organization(principal: LocatedPrincipal, resource: LocatedResource): Record<string, string> {
        if (this.config.grants !== "organization") {
            return {};
        }
        const of = (account: string) => account === THIRD_ACCOUNT ? THIRD_ORGANIZATION : this.config.organizationId!;
        return { ...(principal.account ? { "aws:PrincipalOrgID": of(principal.account) } : {}), "aws:ResourceOrgID": of(resource.account) };
    }

    private async decideOne(row: AccessRow, action: string): Promise<{ decision: Decision; statements: DecidingStatement[] }> {
        const principal = this.principal(row.principal);
        const resource = this.resource(row.resource);
        const context = { ...this.organization(principal, resource),
            ...Object.fromEntries(Object.entries(row.context ?? {}).map(([k, v]) => [k, this.resolveText(v)])) };
        const identityPolicies = principal.identity.map(ref => this.document(ref, false));
        const { decision, raw } = await simulate({
            principal: principal.arn,
            action,
            resource: resource.arn,
            resourceAccount: resource.account,
            context,
            // A service principal belongs to no organization: AWS sends no aws:PrincipalOrgID for it.
            absentContextKeys: [...row.absent ?? [], ...principal.account ? [] : ["aws:PrincipalOrgID"]],
            identityPolicies,
            resourcePolicy: resource.policy && this.document(resource.policy, /^sts:/.test(action)),
        });
        // The simulator names identity policies `identity-<index>` (offline/access/simulator.ts) and leaves the resource policy unnamed.
        const policyOf = (id: string) => {
            const ref = /^identity-(\d+)$/.exec(id) ? principal.identity[Number(id.split("-")[1])] : resource.policy;
            return ref && "urn" in ref ? ref.urn : undefined;
        };
        const analyses = [raw.result.analysis.identityAnalysis, raw.result.analysis.resourceAnalysis];
        // An implicit deny is decided by no statement (iam-simulate keeps the deny statements of a deny it turns implicit: IAM's AWS-reserved roles).
        const deciding = analyses.flatMap(a => decision === "Allowed" ? a?.allowStatements ?? [] : decision === "ExplicitlyDenied" ? a?.denyStatements ?? [] : []);
        return { decision, statements: deciding.map(s => ({ policy: policyOf(s.policyId), sid: s.statement.sid() })) };
    }
}
