// Access rows evaluated against the policy documents a stack really registers. The table
// names principals and resources; this file finds them in an evaluation and asks the
// simulator. Used by the access tests and by the security doc generator.
import { partitionOf } from "../components/policies/document";
import { parseConfig, StackConfig } from "../stacks/config";
import { Evaluation, projectName, readStackConfig, Resource } from "./engine";
import { registeredPolicies } from "./policies";
import { Decision, evaluate as simulate, PolicyDocument, PolicyStatement } from "./simulator";

/** The side of the pipeline, or an account this program knows nothing about. */
export type AccountRef = "pipeline" | "target" | "third";
export const THIRD_ACCOUNT = "999999999999";

export type PrincipalSpec =
    /** A role this program creates, by its physical name `<project>-<stack>-<role>`. */
    | { role: string; identity?: "own" | "allow-all" }
    /** A role the program does not create; its own account lets it do anything. */
    | { stranger: AccountRef; name: string }
    | { service: string };

export type ResourceSpec =
    /** A role this program creates; its trust policy is the resource policy. */
    | { role: string; policy?: "own" | "open" }
    /** A resource this program creates, by type and logical name (or the only one of its type). */
    | { type: string; name?: string; /** Appended to the ARN: `/key` of an object, `:log-stream:x`. */ path?: string;
        /** Another ARN made from the resource's, e.g. a rule of a listener. */ derive?: (arn: string) => string;
        policy?: "own" | "open" }
    /** Anything else: an ARN with <placeholders>, its account, and its resource policy if it has one. */
    | { arn: string; account: AccountRef; policy?: PolicyDocument };

export interface AccessRow<P extends string = string, R extends string = string> {
    principal: P;
    /** One action, or several that share the rest of the row. */
    action: string | string[];
    resource: R;
    /** Request context; values may hold <placeholders> (see `resolveText`). */
    context?: Record<string, string>;
    /** Keys absent from the real request, so AWS's rules for missing keys apply. */
    absent?: string[];
    expect: Decision;
    /** Why the row holds, in a few words: it is printed in SECURITY.md. */
    why: string;
}

export interface AccessTable<P extends string = string, R extends string = string> {
    principals: Record<P, PrincipalSpec>;
    resources: Record<R, ResourceSpec>;
    rows: AccessRow<P, R>[];
}

export function actionsOf(row: AccessRow): string[] {
    return typeof row.action === "string" ? [row.action] : row.action;
}

/** A policy as a row uses it: a registered document (by URN, maybe opened up) or a fixed one. */
type PolicyRef = { urn: string; open: boolean } | { fixed: PolicyDocument };

interface Located {
    arn: string;
    account: string;
    identity: PolicyRef[];
    policy?: PolicyRef;
}

/** A named entity that is not in this evaluation. */
class Missing extends Error {
    constructor(readonly entity: string, what: string) {
        super(`${entity}: ${what} is not in the evaluation`);
    }
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
const POLICY_HOLDER: Record<string, (r: Resource, all: Resource[]) => Resource | undefined> = {
    "aws:iam/role:Role": r => r,
    "aws:kms/key:Key": r => r,
    "aws:s3/bucket:Bucket": (r, all) =>
        all.find(p => p.type === "aws:s3/bucketPolicy:BucketPolicy" && p.inputs.bucket === r.state.bucket),
    "aws:ecr/repository:Repository": (r, all) =>
        all.find(p => p.type === "aws:ecr/repositoryPolicy:RepositoryPolicy" && p.inputs.repository === r.state.name),
};

/** A committed stack's keys of this project's namespace, without the prefix: what `parseConfig` takes. */
export function projectConfig(stack: string): Record<string, unknown> {
    const prefix = `${projectName()}:`;
    return Object.fromEntries(Object.entries(readStackConfig(stack))
        .filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** The committed stack's validated config, as the program reads it. */
export function stackConfig(stack: string): StackConfig {
    return parseConfig(projectName(), stack, projectConfig(stack));
}

/**
 * One stack's evaluation seen through an access table: names resolve to ARNs and to the
 * policies the program registered. `documents` maps each policy's URN to its document; a
 * mutation test swaps one entry and re-runs the rows that use it.
 */
export class AccessWorld<P extends string = string, R extends string = string> {
    readonly documents: Map<string, PolicyDocument>;
    private readonly facts: Record<string, string>;

    constructor(readonly table: AccessTable<P, R>, readonly evaluation: Evaluation, readonly config: StackConfig) {
        if (evaluation.error) {
            throw evaluation.error;
        }
        this.documents = new Map(registeredPolicies(evaluation).map(p => [p.resource.urn, p.document as PolicyDocument]));
        this.facts = {
            region: config.region,
            partition: partitionOf(config.region),
            "pipeline account": config.pipelineAccount.accountId,
            "target account": config.targetAccount.accountId,
            "third account": THIRD_ACCOUNT,
        };
    }

    private accountId(ref: AccountRef): string {
        return this.facts[`${ref} account`];
    }

    /** Fills `<name>`: a fact (region, partition, `<side> account`), a table resource's ARN, or a config path. */
    resolveText(text: string): string {
        return text.replace(/<([^<>]+)>/g, (_, key: string) => {
            if (key in this.facts) {
                return this.facts[key];
            }
            if (key in this.table.resources) {
                return this.resource(key as R).arn;
            }
            const value = key.split(".").reduce<any>((v, part) => v?.[part], this.config);
            if (typeof value !== "string") {
                throw new Error(`no value for <${key}>`);
            }
            return value;
        });
    }

    private createdRole(entity: string, suffix: string): Resource {
        const name = `${this.config.project}-${this.config.stack}-${suffix}`;
        const role = this.evaluation.resources.find(r => r.type === "aws:iam/role:Role" && r.state.name === name);
        if (!role) {
            throw new Missing(entity, `role ${name}`);
        }
        return role;
    }

    private created(entity: string, type: string, name?: string): Resource {
        const found = this.evaluation.resources.filter(r => r.type === type && (name === undefined || r.name === name));
        if (found.length !== 1) {
            if (found.length === 0) {
                throw new Missing(entity, `${type}${name ? ` "${name}"` : ""}`);
            }
            throw new Error(`${entity}: ${found.length} resources of type ${type}; name the one you mean`);
        }
        return found[0];
    }

    private registered(resource: Resource, open = false): PolicyRef | undefined {
        const holder = POLICY_HOLDER[resource.type]?.(resource, this.evaluation.resources);
        return holder && this.documents.has(holder.urn) ? { urn: holder.urn, open } : undefined;
    }

    principal(name: P): Located {
        const spec = this.table.principals[name];
        if ("service" in spec) {
            return { arn: spec.service, account: "", identity: [] };
        }
        if ("stranger" in spec) {
            const account = this.accountId(spec.stranger);
            return { arn: `arn:${this.facts.partition}:iam::${account}:role/${spec.name}`, account, identity: [{ fixed: ALLOW_ALL }] };
        }
        const role = this.createdRole(name, spec.role);
        const identity: PolicyRef[] = spec.identity === "allow-all" ? [{ fixed: ALLOW_ALL }] : this.evaluation.resources
            .filter(r => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === role.state.name)
            .map(r => ({ urn: r.urn, open: false }));
        return { arn: role.state.arn, account: role.account!, identity };
    }

    resource(name: R): Located {
        const spec = this.table.resources[name];
        if ("arn" in spec) {
            return {
                arn: this.resolveText(spec.arn), account: this.accountId(spec.account), identity: [],
                policy: spec.policy && { fixed: JSON.parse(this.resolveText(JSON.stringify(spec.policy))) },
            };
        }
        const found = "role" in spec ? this.createdRole(name, spec.role) : this.created(name, spec.type, spec.name);
        const own = `${found.state.arn}${"path" in spec ? spec.path ?? "" : ""}`;
        const arn = "derive" in spec && spec.derive ? spec.derive(own) : own;
        return { arn, account: found.account!, identity: [], policy: this.registered(found, spec.policy === "open") };
    }

    private document(ref: PolicyRef, trust: boolean): PolicyDocument {
        if ("fixed" in ref) {
            return ref.fixed;
        }
        const document = this.documents.get(ref.urn)!;
        return ref.open ? opened(document, trust) : document;
    }

    /** The URNs of the registered documents a row's decision depends on. */
    uses(row: AccessRow<P, R>): string[] {
        const { identity } = this.principal(row.principal);
        const { policy } = this.resource(row.resource);
        return [...identity, ...(policy ? [policy] : [])].flatMap(ref => "urn" in ref ? [ref.urn] : []);
    }

    /** The simulator's decision on each action of a row, with `documents` as they stand. */
    decide(row: AccessRow<P, R>): Promise<Decision[]> {
        return Promise.all(actionsOf(row).map(action => this.decideOne(row, action)));
    }

    private async decideOne(row: AccessRow<P, R>, action: string): Promise<Decision> {
        const principal = this.principal(row.principal);
        const resource = this.resource(row.resource);
        const context = Object.fromEntries(Object.entries(row.context ?? {}).map(([k, v]) => [k, this.resolveText(v)]));
        const { decision } = await simulate({
            principal: principal.arn,
            action,
            resource: resource.arn,
            resourceAccount: resource.account,
            context,
            absentContextKeys: row.absent,
            identityPolicies: principal.identity.map(ref => this.document(ref, false)),
            resourcePolicy: resource.policy && this.document(resource.policy, /^sts:/.test(action)),
        });
        return decision;
    }
}
