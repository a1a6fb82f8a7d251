import { Evaluation, Resource } from "./engine";

/** One value that crosses the account boundary: an output (or name) of one account in an input of the other. */
export interface Wire {
    fromAccount: string;
    /** The resource whose output it is; undefined when the ARN comes from config or an account root. */
    source?: Resource;
    value: string;
    target: Resource;
    /** Where in the target's inputs, e.g. `stages[3].actions[0].roleArn` or `policy`. */
    path: string;
}

const ARN = /arn:[\w-]+:[\w-]*:[\w-]*:(\d{12}):[^"\\\s,\]}]+/g;

/** Every string in a value, with its path. */
function strings(value: unknown, path: string): [string, string][] {
    if (typeof value === "string") {
        return [[path, value]];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
    }
    if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
    }
    return [];
}

/** Whether text names this ARN, or something below it (`bucket/*`): not a longer name that starts alike. */
function mentions(text: string, arn: string): boolean {
    const escaped = arn.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`${escaped}(?![\\w+=,.@-])`).test(text);
}

/**
 * The cross-account wiring, computed from what was registered: every ARN of one account that
 * appears in the inputs of a resource of the other, matched to the resource that outputs it.
 */
export function crossAccountWiring(e: Evaluation): Wire[] {
    const withArn = e.resources.filter(r => r.custom && typeof r.state.arn === "string");
    const wires = new Map<string, Wire>();
    const add = (w: Wire) => wires.set(`${w.value} ${w.target.urn} ${w.path}`, w);
    for (const target of e.resources.filter(r => r.custom && r.account)) {
        for (const [path, text] of strings(target.inputs, "")) {
            // Outputs of the other account's resources (S3 ARNs carry no account, so match them whole).
            for (const source of withArn.filter(s => s.account !== target.account && mentions(text, s.state.arn))) {
                add({ fromAccount: source.account!, source, value: source.state.arn, target, path });
            }
            // ARNs of the other account that no resource here outputs: account roots, roles named in config.
            for (const [value, account] of text.matchAll(ARN)) {
                if (account !== target.account && !withArn.some(s => s.state.arn === value)) {
                    add({ fromAccount: account, value, target, path });
                }
            }
        }
    }
    return [...wires.values()];
}
