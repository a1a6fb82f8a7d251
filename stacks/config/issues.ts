// The one translation of zod's issues into the project's error lines:
//   Pulumi.<stack>.yaml: <project>:<key.path>: expected <...>; found <...>; for example <...>
// What was expected and an example come from the schema's metadata (or from a rule); what was
// found is the value as the user wrote it. None of zod's own wording reaches the user.
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { z } from "zod";

export type Path = (string | number)[];

/** Raised for bad stack configuration: one line per problem, then what to write instead if there is more to say; no stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[], readonly detail?: string) {
        super(`invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map(p => `  - ${p}`).join("\n") + (detail ? `\n${detail}` : ""));
    }
}

/** Every problem of a failed parse, one line each, in the order of the stack file's keys. */
export function problemLines(file: string, project: string, root: z.ZodType, issues: z.core.$ZodIssue[],
    raw: Record<string, unknown>, otherKeys: string[]): string[] {
    // A problem that `supersedes` (exactly one of two blocks) hides the problems inside those blocks.
    const superseding = issues.filter(i => i.code === "custom" && i.params?.kind === "supersedes").map(i => i.path);
    const below = (path: PropertyKey[], above: PropertyKey[]) => path.length > above.length && above.every((k, i) => path[i] === k);
    const lines = issues.filter(i => !superseding.some(p => below(i.path, p)))
        .flatMap(issue => problemsOf(root, issue, raw, otherKeys))
        .map(p => `${file}: ${project}:${keyOf(p.path)}: expected ${p.expected}; found ${p.found}; for example ${p.example}`);
    return [...new Set(lines)];
}

interface Problem {
    path: Path;
    expected: string;
    found: string;
    example: string;
}

/** One issue's problems: usually one; an unknown key each, a missing block its missing keys. */
function problemsOf(root: z.ZodType, issue: z.core.$ZodIssue, raw: Record<string, unknown>, otherKeys: string[]): Problem[] {
    // A plain value in a list is reported at the list, as it is written on one line; a block in a list (a target) at itself.
    const inList = typeof issue.path[issue.path.length - 1] === "number" &&
        !fieldOf(fieldAt(root, issue.path.slice(0, -1) as Path, raw).element ?? z.never()).shape;
    const path = (inList ? issue.path.slice(0, -1) : issue.path) as Path;
    const field = fieldAt(root, path, raw);
    if (path.length < issue.path.length) {
        return [{ path, expected: field.meta.expected ?? "", found: describe(valueAt(raw, path)), example: flow(exampleOf(field.meta)) }];
    }
    const value = valueAt(raw, path);
    if (issue.code === "invalid_union" && "discriminator" in issue) {
        // A block that is one of several kinds, by the value of one key: that value is none of the kinds' (zod lists them as `options`).
        const kinds = (issue as { options: unknown[] }).options.filter((v): v is string => typeof v === "string");
        const near = typeof value === "string" ? nearest(value, kinds, 2) : undefined;
        return [{ path, expected: `one of ${kinds.join(", ")}`, found: `${describe(value)}${near ? ` (the nearest is ${near})` : ""}`,
            example: near ?? kinds[0] }];
    }
    if (issue.code === "unrecognized_keys") {
        const known = Object.keys(field.shape ?? {});
        const prefix = path.length ? `${keyOf(path)}.` : "";
        return issue.keys.map(key => {
            const near = nearest(key, known);
            return { path: [...path, key], expected: `a known key (${known.join(", ")})`, found: "an unknown key",
                example: near ? `${prefix}${near}, the nearest known key` : `${prefix}${known[0]}` };
        });
    }
    if (issue.code === "custom" && issue.params?.expected) {
        return [{ path, expected: issue.params.expected, found: describe(value), example: issue.params.example }];
    }
    if (field.shape && !isBlock(value)) {
        // A block that is missing or not a block: its required keys are missing too.
        const missing = missingKeys(path, field.shape);
        return value === undefined && missing.length > 0 ? missing : [{
            path,
            expected: field.meta.expected ?? `a block with the keys ${Object.keys(field.shape).join(", ")}`,
            found: describe(value),
            example: `${path[path.length - 1]}: ${flow(exampleOf(field.meta))}`,
        }, ...missing];
    }
    let found = describe(value);
    if (value === undefined && path.length === 1) {
        const lookalike = otherKeys.find(k => nearest(k.slice(k.indexOf(":") + 1), [String(path[0])]));
        found = lookalike ? `nothing (the key is missing: ${lookalike} is set instead, a key of the ${lookalike.split(":")[0]} namespace, ` +
            "not this project's)" : found;
    }
    if (issue.code === "invalid_value" && typeof value === "string") {
        // Values are typo-checked tightly: us-iso-east-1 is not a misspelt us-gov-east-1.
        const near = nearest(value, issue.values.map(String), 2);
        found += near ? ` (the nearest is ${near})` : "";
    }
    return [{ path, expected: field.meta.expected ?? "", found, example: flow(exampleOf(field.meta)) }];
}

function missingKeys(path: Path, shape: Record<string, z.ZodType>): Problem[] {
    return Object.entries(shape).filter(([, schema]) => fieldOf(schema).required).flatMap(([key, schema]) => {
        const field = fieldOf(schema);
        return field.shape ? missingKeys([...path, key], field.shape) : [{
            path: [...path, key], expected: field.meta.expected ?? "", found: describe(undefined), example: flow(exampleOf(field.meta)),
        }];
    });
}

/** A key's schema seen through its wrappers (optional, default): merged metadata, and what it holds. */
export function fieldOf(schema: z.ZodType) {
    const chain: z.ZodType[] = [schema];
    for (let inner = innerOf(schema); inner; inner = innerOf(inner)) {
        chain.push(inner);
    }
    const core = chain[chain.length - 1];
    const undefinedParses = schema.safeParse(undefined);
    return {
        /** Outer wrappers' metadata over inner: a field's description over its value type's. */
        meta: Object.assign({}, ...chain.map(s => s.meta() ?? {}).reverse()) as z.GlobalMeta,
        shape: core instanceof z.ZodObject ? core.shape as Record<string, z.ZodType> : undefined,
        element: core instanceof z.ZodArray ? core.element as z.ZodType : undefined,
        /** A block of one of several kinds, told apart by the value of one key (`discriminator`). */
        kinds: core instanceof z.ZodDiscriminatedUnion
            ? { discriminator: core.def.discriminator, blocks: core.options as z.ZodType[] } : undefined,
        required: !undefinedParses.success,
        /** The value an absent key gets (undefined: none, or a `derivedDefault`). */
        default: undefinedParses.data as unknown,
    };
}

/** The first example of a field's metadata: the "for example" of its error line. */
export const exampleOf = (meta: z.GlobalMeta): unknown => (meta.examples as unknown[] | undefined)?.[0];

const innerOf = (schema: z.ZodType) => (schema.def as { innerType?: z.ZodType }).innerType;

/** The kind of block a value is: the one whose discriminator accepts the value's (an absent one too, if a kind defaults it). */
export function kindOf(field: ReturnType<typeof fieldOf>, value: unknown) {
    const { discriminator, blocks } = field.kinds!;
    return isBlock(value) ? blocks.map(fieldOf).find(kind => kind.shape![discriminator].safeParse(value[discriminator]).success) : undefined;
}

/** The field at a path of the namespace (keys of blocks, indexes of lists), kinds of blocks told by the raw values. */
function fieldAt(root: z.ZodType, path: Path, raw: unknown) {
    let field = fieldOf(root);
    for (const [i, key] of path.entries()) {
        field = field.kinds ? kindOf(field, valueAt(raw, path.slice(0, i))) ?? field : field;
        const next = typeof key === "number" ? field.element : field.shape?.[key];
        if (!next) {
            break;
        }
        field = fieldOf(next);
    }
    return field.kinds ? kindOf(field, valueAt(raw, path)) ?? field : field;
}

export function valueAt(raw: unknown, path: Path): unknown {
    return path.reduce<unknown>((value, key) => isBlock(value) || Array.isArray(value) ? (value as any)[key] : undefined, raw);
}

export const isBlock = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** `deployTarget.create.ingressCidrs[1]`: Pulumi's path syntax. */
export const keyOf = (path: Path) => path.map((k, i) => typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`).join("");

function describe(value: unknown): string {
    if (value === undefined) {
        return "nothing (the key is missing)";
    }
    if (typeof value === "string") {
        return `the string ${JSON.stringify(value)}`;
    }
    return `${Array.isArray(value) ? "a list" : typeof value} ${JSON.stringify(value)}`;
}

/** Whether YAML reads a string back as itself (`*x`, `@x`, `[x` are not even YAML). */
function readsAsItself(value: string): boolean {
    try {
        return yaml.load(value) === value;
    } catch {
        return false;
    }
}

/** A value as a stack file would say it, on one line; strings YAML would misread, alone or inside `[ ]` and `{ }`, are quoted. */
export function flow(value: unknown): string {
    if (typeof value === "string") {
        return readsAsItself(value) && !/[:#{}\[\],]\s/.test(value) ? value : JSON.stringify(value);
    }
    if (Array.isArray(value)) {
        return `[${value.map(v => typeof v === "string" ? JSON.stringify(v) : flow(v)).join(", ")}]`;
    }
    if (isBlock(value)) {
        return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${flow(v)}`).join(", ")} }`;
    }
    return String(value);
}

/** The closest known word by edit distance, if it is close enough to be a typo. */
function nearest(word: string, known: string[], within = Math.max(2, Math.floor(word.length / 3))): string | undefined {
    const scored = known.map(k => ({ k, d: editDistance(word.toLowerCase(), k.toLowerCase()) })).sort((a, b) => a.d - b.d);
    return scored[0] && scored[0].d <= within ? scored[0].k : undefined;
}

function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) {
            row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = row;
    }
    return prev[b.length];
}

