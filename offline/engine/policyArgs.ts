// The program's mocked resources, shaped the way @pulumi/policy hands resources to a policy:
// ResourceValidationArgs (inputs, before a resource is created) for validateResource, and
// StackValidationArgs (outputs, with parent and dependencies linked) for validateStack.
import type {
    PolicyProviderResource, PolicyResource, PolicyResourceOptions, ReportViolation, ResourceValidationArgs,
    ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
} from "@pulumi/policy";
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { Evaluation, Resource } from "./engine";

/**
 * `value` with each secret Pulumi marks on the wire (`{ [specialSigKey]: ..., value }`) replaced by
 * what `secret` makes of its plain value, at any depth.
 */
export function replaceSecrets(value: any, secret: (plain: unknown) => unknown): any {
    if (Array.isArray(value)) {
        return value.map(v => replaceSecrets(v, secret));
    }
    if (value && typeof value === "object") {
        return specialSigKey in value ? secret(value.value)
            : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecrets(v, secret)]));
    }
    return value;
}

/** Policies see a secret's plain value. */
const unwrapSecrets = (value: any): any => replaceSecrets(value, unwrapSecrets);

function options(r: Resource): PolicyResourceOptions {
    return {
        protect: r.protect, ignoreChanges: r.ignoreChanges, aliases: [], additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

/** The provider a resource names (`<provider urn>::<id>`), as the policy sees it: its inputs. */
function providerOf(e: Evaluation, r: Resource): PolicyProviderResource | undefined {
    const ref = r.provider || r.providers["aws"] || "";
    const urn = ref.slice(0, ref.lastIndexOf("::"));
    const p = e.resources.find(x => x.urn === urn);
    return p && { type: p.type, props: unwrapSecrets(p.inputs), urn: p.urn, name: p.name };
}

class NotApplicable extends Error {}
const common = {
    stackTags: new Map<string, string>(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => { throw new NotApplicable(reason); },
};
const typeChecks = (type: string, props: Record<string, any>) => ({
    isType: (cls: any) => cls?.__pulumiType === type,
    asType: (cls: any) => (cls?.__pulumiType === type ? props : undefined) as any,
});

/** Rewrites a resource's props before a policy sees them, e.g. to make values unknown as in a preview. */
export type Presenter = (props: Record<string, any>, r: Resource) => Record<string, any>;

/** Every registered resource but the stack itself, as validateResource sees it: its inputs. */
export function resourceArgs(e: Evaluation, present: Presenter = props => props): ResourceValidationArgs[] {
    return e.resources.filter(r => r.type !== "pulumi:pulumi:Stack").map(r => {
        const props = present(unwrapSecrets(r.inputs), r);
        const provider = providerOf(e, r);
        return {
            type: r.type, props, urn: r.urn, name: r.name, opts: options(r), ...(provider ? { provider } : {}),
            ...typeChecks(r.type, props), ...common,
        };
    });
}

/** The whole stack as validateStack sees it: outputs, parents and (property) dependencies as objects. */
export function stackArgs(e: Evaluation, present: Presenter = props => props): StackValidationArgs {
    const byUrn = new Map<string, PolicyResource>();
    for (const r of e.resources) {
        const props = present(unwrapSecrets(r.state), r);
        const provider = providerOf(e, r);
        byUrn.set(r.urn, {
            type: r.type, props, urn: r.urn, name: r.name, opts: options(r), ...(provider ? { provider } : {}),
            dependencies: [], propertyDependencies: {}, ...typeChecks(r.type, props),
        });
    }
    const resolve = (urns: string[]) => urns.map(u => byUrn.get(u)).filter((x): x is PolicyResource => !!x);
    for (const r of e.resources) {
        const p = byUrn.get(r.urn)!;
        p.parent = byUrn.get(r.parent);
        p.dependencies = resolve(r.dependencies);
        p.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, urns]) => [k, resolve(urns)]));
    }
    return { resources: [...byUrn.values()], ...common };
}

export interface Violation {
    urn?: string;
    message: string;
}

/** Runs one policy of the pack over an evaluation, the way the analyzer would, and collects what it reports. */
export async function violations(policy: ResourceValidationPolicy | StackValidationPolicy, e: Evaluation): Promise<Violation[]> {
    const found: Violation[] = [];
    if ("validateStack" in policy) {
        await policy.validateStack(stackArgs(e), (message, urn) => found.push({ urn, message }));
        return found;
    }
    const validations = [policy.validateResource ?? []].flat();
    for (const args of resourceArgs(e)) {
        const report: ReportViolation = message => found.push({ urn: args.urn, message });
        for (const validate of validations) {
            try {
                await validate(args, report);
            } catch (err) {
                if (!(err instanceof NotApplicable)) {
                    throw err;
                }
            }
        }
    }
    return found;
}
