// What `adopt` does, made visible: each resource the stack imports instead of creating, the id it
// imports by, and the inputs Pulumi compares with what it reads. Pulumi's `import` option reads
// the existing resource and refuses the import when the program's inputs differ from it ("inputs
// to import do not match the existing resource": https://www.pulumi.com/docs/iac/concepts/resources/options/import/).
import { Evaluation, Resource } from "../engine/engine";

/** A type token as a reader knows it: `Role` of `aws:iam/role:Role`, `EcsBlueGreenTarget` of `cross-account-pipeline:target:EcsBlueGreenTarget`. */
export const short = (type: string) => type.replace(/^aws:\w+\/(\w+):(\w+)$/, "$2").replace(/^cross-account-pipeline:\w+:/, "");
const words = (value: unknown) => typeof value === "string" ? value : JSON.stringify(value);

/**
 * The inputs of an adopted resource that come from a resource this `up` creates: a created resource
 * gets new generated ids and ARNs, which the kept one cannot have, so Pulumi would refuse the import.
 */
export function fromCreated(e: Evaluation, adopted: Resource): { input: string; source: Resource }[] {
    return Object.entries(adopted.propertyDependencies).flatMap(([input, urns]) => urns
        .map(urn => e.resources.find(r => r.urn === urn))
        .filter((source): source is Resource => !!source && source.custom && !source.importId)
        .map(source => ({ input, source })));
}

/** The plan's adoption section: empty when the stack adopts nothing. */
export function adoptionLines(e: Evaluation): string[] {
    const adopted = e.resources.filter(r => r.importId);
    if (!adopted.length) {
        return [];
    }
    return [
        "Adoption (`adopt`: imported by id instead of created; `pulumi up` reads each and stops, \"inputs to import do not match the " +
            "existing resource\", where it differs from these inputs: `pulumi preview` shows the difference first):",
        ...adopted.flatMap(r => [
            `  ${short(r.type)} ${r.name} in ${r.account}, ${r.region}: import id ${r.importId}; compares ` +
                Object.entries(r.inputs).map(([k, v]) => `${k}=${words(v)}`).join(", "),
            ...fromCreated(e, r).map(({ input, source }) => `    WARNING: ${input} comes from ${short(source.type)} ${source.name}, which this ` +
                "`up` creates anew: its new value cannot be the kept resource's, so the import would fail; adopt it too or keep its value"),
        ]),
    ];
}
