// Regenerates stacks/apiModelExtract.json: the shapes of AWS's API models (github aws/api-models-aws,
// Smithy JSON, Apache-2.0) that the program's resources reach (offline/engine/apiBindings.ts), with only
// the traits the offline engine checks (length, pattern, range, enum, required).
//
//   git clone https://github.com/aws/api-models-aws <dir> && git -C <dir> checkout <COMMIT>
//   npm run api-models -- <dir>
//
// Reads the pinned commit's files with `git show`, so the clone may be bare or on another branch.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BINDINGS } from "../offline/engine/apiBindings";
import { ApiShape, ApiModels, memberSteps } from "../stacks/apiModels";

/** aws/api-models-aws at the commit the extract is made from. */
const COMMIT = "56c8953e87aeead95ae5e66a3ca6a355731db6ad";
const OUT = path.join(__dirname, "..", "stacks", "apiModelExtract.json");

interface SmithyShape {
    type: string;
    traits?: Record<string, any>;
    members?: Record<string, { target: string; traits?: Record<string, unknown> }>;
    member?: { target: string };
    key?: { target: string };
    value?: { target: string };
}

/**
 * A Smithy pattern as JavaScript compiles it: code points past U+FFFF written `\uXXXXX` (as IAM's
 * and STS's models do) become `\u{XXXXX}`, which needs the `u` flag; so do `\p{...}` classes.
 * A pattern the `u` flag refuses (an identity escape such as `\_`) compiles without it.
 */
export function jsPattern(pattern: string): { pattern: string; flags: string } {
    const wide = pattern.replace(/\\u([0-9A-Fa-f]{5,6})/g, "\\u{$1}");
    for (const flags of ["u", ""]) {
        try {
            new RegExp(flags ? wide : pattern, flags);
            return { pattern: flags ? wide : pattern, flags };
        } catch {
            // the next way
        }
    }
    throw new Error(`a pattern JavaScript cannot compile: ${pattern}`);
}

/** The traits the offline engine checks, of one Smithy shape (members reduced to the ones used). */
function reduce(shape: SmithyShape, namespace: string): ApiShape {
    const t = shape.traits ?? {};
    const local = (target: string) => target.startsWith(`${namespace}#`) ? target.slice(namespace.length + 1) : target;
    const out: ApiShape = { type: shape.type };
    if (t["smithy.api#length"]) out.length = t["smithy.api#length"];
    if (t["smithy.api#range"]) out.range = t["smithy.api#range"];
    if (t["smithy.api#pattern"]) Object.assign(out, jsPattern(t["smithy.api#pattern"]));
    if (shape.type === "enum" || shape.type === "intEnum") {
        out.enum = Object.values(shape.members ?? {}).map(m => m.traits?.["smithy.api#enumValue"] as string | number);
    } else if (t["smithy.api#enum"]) {
        out.enum = t["smithy.api#enum"].map((e: { value: string }) => e.value);
    }
    if (shape.type === "structure") {
        out.members = {};
        out.required = Object.entries(shape.members ?? {}).filter(([, m]) => m.traits?.["smithy.api#required"] !== undefined).map(([n]) => n);
    }
    for (const part of ["member", "key", "value"] as const) {
        if (shape[part]) out[part] = local(shape[part]!.target);
    }
    return out;
}

function main(clone: string) {
    const show = (file: string) => execFileSync("git", ["-C", clone, "show", `${COMMIT}:${file}`], { maxBuffer: 1 << 30 }).toString();
    const files = execFileSync("git", ["-C", clone, "ls-tree", "-r", "--name-only", COMMIT]).toString().split("\n");
    const models = new Map<string, { file: string; namespace: string; shapes: Record<string, SmithyShape> }>();
    const model = (name: string) => {
        if (!models.has(name)) {
            const file = files.find(f => path.basename(f) === `${name}.json`);
            if (!file) throw new Error(`no model ${name} at ${COMMIT}`);
            const shapes: Record<string, SmithyShape> = JSON.parse(show(file)).shapes;
            const namespace = Object.keys(shapes).find(id => shapes[id].type === "service")!.split("#")[0];
            models.set(name, { file, namespace, shapes });
        }
        return models.get(name)!;
    };

    const extract: ApiModels = { source: "https://github.com/aws/api-models-aws", commit: COMMIT, models: {}, shapes: {} };
    // Each member path, walked shape by shape: every shape on it is kept, with the members it passes through.
    for (const { request, rows } of Object.values(BINDINGS)) {
        for (const [, member] of rows) {
            const { modelName, shape: start, steps } = memberSteps(request, member);
            const m = model(modelName);
            extract.models[modelName] = { file: m.file, namespace: m.namespace };
            const keep = (name: string): ApiShape => {
                const id = `${modelName} ${name}`;
                const smithy = m.shapes[`${m.namespace}#${name}`] ?? m.shapes[name];
                if (!smithy && !name.startsWith("smithy.api#")) throw new Error(`${request} ${member}: no shape ${name} in ${modelName}`);
                extract.shapes[id] ??= smithy ? reduce(smithy, m.namespace) : { type: name.slice("smithy.api#".length).toLowerCase() };
                return extract.shapes[id];
            };
            let name = start;
            for (const step of steps) {
                const shape = keep(name);
                const smithy = m.shapes[`${m.namespace}#${name}`];
                const next = step === "[]" ? shape.member : step === "{}" ? shape.value : step === "<>" ? shape.key
                    : smithy?.members?.[step]?.target.replace(`${m.namespace}#`, "");
                if (!next) throw new Error(`${request} ${member}: ${name} has no ${step}`);
                if (shape.members) shape.members[step] = next;
                name = next;
            }
            keep(name);
        }
    }
    fs.writeFileSync(OUT, JSON.stringify(extract, null, 1) + "\n");
    console.log(`${OUT}: ${Object.keys(extract.shapes).length} shapes of ${Object.keys(extract.models).length} models at ${COMMIT}`);
}

if (require.main === module) {
    const [clone] = process.argv.slice(2);
    if (!clone) {
        console.error("usage: npm run api-models -- <a clone of github.com/aws/api-models-aws that has commit " + COMMIT + ">");
        process.exit(2);
    }
    main(clone);
}
