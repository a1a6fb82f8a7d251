// Which registered inputs the API-model check maps to no request member and exempts for no reason.
import { BINDINGS, EXEMPT } from "../../offline/engine/apiBindings";
import { Resource } from "../../offline/engine/engine";

/** A path of offline/engine/apiBindings.ts as a pattern over concrete paths (`a[].b.KEY`). */
const pattern = (input: string) => new RegExp(`^${input.replace(/#/g, "").replace(/[.[\]]/g, c => `\\${c}`).replace(/\*/g, "[^.]+")}$`);

/** Inputs a JSON text holds, decoded by some row (`a#`): their paths are checked one by one. */
const decoded = new Set(Object.values(BINDINGS).flatMap(b => b.rows.map(([input]) => input))
    .filter(input => input.includes("#")).map(input => input.slice(0, input.indexOf("#"))));

/** Every leaf path of a value: `a.b`, `a[].c`; an empty list or map is a path too. */
function leaves(value: unknown, path: string, out: Set<string>): Set<string> {
    if (typeof value === "string" && decoded.has(path)) {
        value = JSON.parse(value);
    }
    if (Array.isArray(value)) {
        value.forEach(v => leaves(v, `${path}[]`, out));
        if (value.length === 0) out.add(`${path}[]`);
    } else if (value && typeof value === "object" && !("4dabf18193072939515e22adb298388d" in value)) {
        Object.entries(value).forEach(([k, v]) => leaves(v, path ? `${path}.${k}` : k, out));
    } else {
        out.add(path);
    }
    return out;
}

const rowsOf = (type: string) => (BINDINGS[type]?.rows ?? []).map(([input]) => pattern(input));
const exemptions = Object.entries(EXEMPT.inputs).map(([key, why]) => {
    const [type, input] = key.split(" ");
    return { type: pattern(type), input: pattern(input), why };
});

/** `<type> <input path>` of each registered input neither mapped to a model member nor exempt, once each. */
export function unmappedInputs(resources: Resource[]): string[] {
    const gaps = new Set<string>();
    for (const r of resources.filter(r => r.custom && !(r.type in EXEMPT.types))) {
        const rows = rowsOf(r.type);
        for (const path of leaves(r.inputs, "", new Set())) {
            // A list's own path (`stages`) is covered by its elements' rows; its size by a row of its own where the model limits it.
            const covered = (p: string) => rows.some(row => row.test(p)) || exemptions.some(x => x.type.test(r.type) && x.input.test(p));
            if (!covered(path) && !covered(path.replace(/\[\]$/, ""))) {
                gaps.add(`${r.type} ${path}`);
            }
        }
    }
    return [...gaps].sort();
}
