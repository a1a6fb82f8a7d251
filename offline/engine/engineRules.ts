// The Pulumi engine's rules for registrations, checked on every registration call the program
// makes (not on a map of them, which would hide a second one). Each rule names the place in
// pulumi/pulumi's source that enforces it; the engine stops the deployment before it creates
// anything when one fails, so `pulumi up` would fail where these fail.
import { Violation } from "./violations";

/** One alias as the SDK sends it: a whole URN, or a spec whose empty fields default to the resource's own. */
export interface AliasSpec {
    urn?: string;
    name?: string;
    type?: string;
    stack?: string;
    project?: string;
    parentUrn?: string;
    noParent?: boolean;
}

/** One registration call as the engine receives it. */
export interface Registration {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent: string;
    /** `<provider urn>::<provider id>`, "" when none. */
    provider: string;
    /** Package -> provider reference (components carry their children's providers this way). */
    providers: Record<string, string>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    aliases: AliasSpec[];
    /** The id the registration was answered with (a provider's id is half of every reference to it). */
    id: string;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const PROVIDER_TYPE_PREFIX = "pulumi:providers:";

/** The qualified type of a URN: `<parent type chain>$<type>` (the third `::` field). */
const qualifiedType = (urn: string) => urn.split("::")[2] ?? "";
const nameOf = (urn: string) => urn.split("::").slice(3).join("::");
/** A type token's package: `aws` of `aws:s3/bucket:Bucket`. */
const packageOf = (type: string) => type.split(":")[0];

/**
 * A resource's URN as the engine computes it (pulumi/pulumi pkg/resource/deploy/deployment.go,
 * `generateURN`, and pkg/resource/urn.go `NewURN`): the parent's whole qualified type chain before
 * the type, and no parent type for a child of the root stack. (The mock SDK's `newUrn` keeps only
 * the parent's last type, and puts `pulumi:pulumi:Stack$` before the root stack's children.)
 */
export function engineUrn(stack: string, project: string, parent: string, type: string, name: string): string {
    const parentType = parent && qualifiedType(parent) !== ROOT_STACK_TYPE ? `${qualifiedType(parent)}$` : "";
    return `urn:pulumi:${stack}::${project}::${parentType}${type}::${name}`;
}

const SOURCES = {
    urn: "pulumi/pulumi pkg/resource/deploy/step_generator.go generateURN (diagnostic 2001: Duplicate resource URN)",
    parent: "pulumi/pulumi pkg/resource/deploy/step_generator.go checkParent (could not find parent resource)",
    dependency: "pulumi/pulumi pkg/resource/deploy/snapshot.go VerifyIntegrity (dependency refers to missing resource)",
    provider: "pulumi/pulumi pkg/resource/deploy/step_generator.go loadResourceProvider (diagnostic 2007: unknown provider); " +
        "a provider resource serves its own package only (pkg/resource/deploy/providers/registry.go)",
    alias: "pulumi/pulumi pkg/resource/deploy/step_generator.go generateSteps (diagnostic 2008: Duplicate resource alias)",
};

/** The engine's registration rules over every registration call, in the order they were made. */
export function engineViolations(registrations: Registration[], prior?: PriorState): Violation[] {
    const violations: Violation[] = [];
    const seen = new Map<string, Registration>();
    /** Each registered resource's reference (`<urn>::<id>`, what a resource names as its provider) and its type. */
    const typeOfRef = new Map<string, string>();
    const report = (r: Registration, property: string, rule: string, source: string, found: string) =>
        violations.push({ name: r.name, type: r.type, property, rule, source, found });
    for (const r of registrations) {
        if (seen.has(r.urn)) {
            report(r, "", "a URN no other registration has (give it a unique name)", SOURCES.urn, `a second registration of ${r.urn}`);
        }
        // An empty parent is accepted (checkParent); a named one must be registered.
        if (r.parent && !seen.has(r.parent)) {
            report(r, "parent", "a registered parent", SOURCES.parent, r.parent);
        }
        for (const [property, urns] of [["dependsOn", r.dependencies] as const, ...Object.entries(r.propertyDependencies)]) {
            for (const urn of urns.filter(u => !seen.has(u))) {
                report(r, property, "a dependency on a registered resource", SOURCES.dependency, urn);
            }
        }
        const refs: [string, string, string][] = [
            ...r.custom && !r.type.startsWith(PROVIDER_TYPE_PREFIX) ? [["provider", packageOf(r.type), r.provider] as [string, string, string]] : [],
            ...Object.entries(r.providers).map(([pkg, ref]) => [`providers.${pkg}`, pkg, ref] as [string, string, string]),
        ];
        for (const [property, pkg, ref] of refs) {
            if (typeOfRef.get(ref) !== `${PROVIDER_TYPE_PREFIX}${pkg}`) {
                report(r, property, `a registered ${PROVIDER_TYPE_PREFIX}${pkg} provider`, SOURCES.provider, ref);
            }
        }
        seen.set(r.urn, r);
        typeOfRef.set(`${r.urn}::${r.id}`, r.type);
    }
    if (prior) {
        violations.push(...matchAliases(registrations, prior).violations);
    }
    return violations;
}

/** The stack and project an alias that names neither means. */
type StackAndProject = Pick<PriorState, "stack" | "project">;

/** The URNs of a stack's previous deployment: what aliases may claim. */
export interface PriorState {
    stack: string;
    project: string;
    urns: string[];
}

/**
 * The engine's collapse of an alias spec to a URN (step_generator.go `collapseAliasToUrn`): empty
 * fields default to the resource's own; a parent that itself matched an alias stands as its old URN;
 * the root stack as a parent, or `noParent`, means no parent.
 */
function collapseAlias(r: Registration, alias: AliasSpec, oldUrnOf: Map<string, string>, prior: StackAndProject): string {
    if (alias.urn) {
        return alias.urn;
    }
    const parent = alias.noParent ? "" : alias.parentUrn || r.parent;
    // engineUrn leaves out the root stack as a parent, as the engine's collapse does.
    return engineUrn(alias.stack || prior.stack, alias.project || prior.project, oldUrnOf.get(parent) ?? parent,
        alias.type || r.type, alias.name || r.name);
}

/**
 * Every URN each resource may have had before, as the engine would look for it: its aliases
 * collapsed, and, for each such URN of its parent, the alias the parent's gives it
 * (`inheritedChildAlias`) and its own aliases under that parent. What a diff matches against
 * the URNs of a previous plan.
 */
export function aliasUrnsOf(registrations: Registration[], stack: string, project: string): Map<string, string[]> {
    const prior = { stack, project };
    const urns = new Map<string, string[]>();
    for (const r of registrations) {
        const viaParent = (urns.get(r.parent) ?? []).flatMap(old => [inheritedAlias(r, old, prior),
            ...r.aliases.map(a => collapseAlias(r, a, new Map([[r.parent, old]]), prior))]);
        urns.set(r.urn, [...new Set([...r.aliases.map(a => collapseAlias(r, a, new Map(), prior)), ...viaParent])]);
    }
    return urns;
}

/** The alias a child gets from its parent's old URN: a name that starts with the parent's is renamed with it (step_generator.go `inheritedChildAlias`). */
function inheritedAlias(r: Registration, parentOld: string, prior: StackAndProject): string {
    return engineUrn(prior.stack, prior.project, parentOld, r.type,
        r.name.startsWith(nameOf(r.parent)) ? nameOf(parentOld) + r.name.slice(nameOf(r.parent).length) : r.name);
}

/**
 * An alias the provider package adds on its own: a type-only spec (aws v7 adds the old type of each
 * renamed resource type, `aws:s3/bucketV2:BucketV2` for a Bucket). It names nothing in most stacks.
 */
const isPackageAlias = (r: Registration, a: AliasSpec) => !a.urn && !a.name && !a.noParent && !a.stack && !a.project && a.parentUrn === r.parent;

/**
 * Matches each resource with the URN of the previous deployment it takes over, as the engine does
 * (its own URN first, then its aliases, then the alias its parent's match gives it:
 * `inheritedChildAlias`, which renames a child named after its parent along with it), and what
 * the engine or the program's intent refuses: an alias of the program that names nothing of the
 * previous deployment (the resource would be replaced, not kept), two resources claiming one old
 * URN, or one claiming the URN another resource still has (diagnostic 2008).
 */
export function matchAliases(registrations: Registration[], prior: PriorState): { renamed: Map<string, string>; violations: Violation[] } {
    const violations: Violation[] = [];
    const olds = new Set(prior.urns);
    const current = new Set(registrations.map(r => r.urn));
    const renamed = new Map<string, string>();
    const claimedBy = new Map<string, Registration>();
    for (const r of registrations) {
        const report = (rule: string, found: string) =>
            violations.push({ name: r.name, type: r.type, property: "aliases", rule, source: SOURCES.alias, found });
        const aliases = r.aliases.map(a => ({ urn: collapseAlias(r, a, renamed, prior), programs: !isPackageAlias(r, a) }));
        for (const urn of new Set(aliases.filter(a => a.programs && !olds.has(a.urn)).map(a => a.urn))) {
            report("an alias that names a resource of the previous deployment", urn);
        }
        if (olds.has(r.urn)) {
            continue;
        }
        const parentOld = renamed.get(r.parent);
        const inherited = parentOld ? [inheritedAlias(r, parentOld, prior)] : [];
        const match = [...aliases.map(a => a.urn), ...inherited].find(u => olds.has(u));
        if (!match) {
            continue;
        }
        if (current.has(match)) {
            report("an alias no registered resource has as its URN", `${match}, which another resource of this deployment has`);
        } else if (claimedBy.has(match)) {
            report("an old URN no other resource claims", `${match}, claimed by ${claimedBy.get(match)!.name} too`);
        }
        claimedBy.set(match, r);
        renamed.set(r.urn, match);
    }
    return { renamed, violations };
}
