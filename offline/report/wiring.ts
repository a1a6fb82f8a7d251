import { Evaluation, Resource } from "../engine/engine";

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

/** A character an ARN's last name may hold: an ARN followed by one of these is a longer name that starts alike (…-task, …-task-execution). */
const NAME_CHAR = /[\w+=,.@-]/;
const ARN_TOKEN = /arn:[\w-]+:[\w-]*:[\w-]*:\d*:[^"\\\s,\]}]+/g;

/**
 * The cross-account wiring, computed from what was registered: every ARN of one account that
 * appears in the inputs of a resource of the other, matched to the resource that outputs it (the
 * ARN itself, or something below it: `bucket/*`, a log group's streams), by looking each ARN a
 * string holds up, and each of its shorter forms that end where a name ends.
 */
export function crossAccountWiring(e: Evaluation): Wire[] {
    const byArn = new Map<string, Resource>();
    e.resources.filter(r => r.custom && typeof r.state.arn === "string").forEach(r => byArn.has(r.state.arn) || byArn.set(r.state.arn, r));
    const wires = new Map<string, Wire>();
    const add = (w: Wire) => wires.set(`${w.value} ${w.target.urn} ${w.path}`, w);
    for (const target of e.resources.filter(r => r.custom && r.account)) {
        for (const [path, text] of strings(target.inputs, "")) {
            for (const [token] of text.matchAll(ARN_TOKEN)) {
                // Outputs of the other account's resources (S3 ARNs carry no account, so they are matched whole).
                for (let end = token.indexOf(":", 4); end <= token.length; end++) {
                    const source = (end === token.length || !NAME_CHAR.test(token[end])) && byArn.get(token.slice(0, end));
                    if (source && source.account !== target.account) {
                        add({ fromAccount: source.account!, source, value: source.state.arn, target, path });
                    }
                }
            }
            // ARNs of the other account that no resource here outputs: account roots, roles named in config.
            for (const [value, account] of text.matchAll(ARN)) {
                if (account !== target.account && !byArn.has(value)) {
                    add({ fromAccount: account, value, target, path });
                }
            }
        }
    }
    return [...wires.values()];
}
