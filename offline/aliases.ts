// The URNs a resource's aliases name, as the engine resolves them: an alias is a whole URN, or a
// spec whose unset parts (name, type, stack, project, parent) are the resource's own
// (pulumi/pulumi sdk/nodejs/runtime/resource.ts mapAliasesForRequest; the engine's
// resource.CreateURN fills them in).

/** What a registration request's alias holds: `@pulumi/pulumi`'s generated `Alias` message. */
interface AliasMessage {
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

/**
 * The URN an alias names. Under mocks a URN carries its parent's own type (the mock monitor's
 * `newUrn`), so an alias's URN is built the same way, to match the URNs of the other revision.
 */
export function aliasUrn(alias: AliasMessage, own: { type: string; name: string; parent: string }, stack: string, project: string): string {
    const spec = alias.getSpec();
    if (!spec) {
        return alias.getUrn();
    }
    const type = spec.getType() || own.type;
    const parent = spec.getNoparent() ? "" : spec.getParenturn() || own.parent;
    const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `urn:pulumi:${spec.getStack() || stack}::${spec.getProject() || project}::${qualified}::${spec.getName() || own.name}`;
}
