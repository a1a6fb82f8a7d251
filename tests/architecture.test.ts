// The shape the code keeps (README: Architecture): no source file over 500 lines, no function
// over 80, no import cycle, and imports that only point down the layers. Measured with
// TypeScript's own parser on every source file of the program, the offline tools, the policy
// pack and the scripts (tests aside; the repository has no generated TypeScript).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { ROOT } from "../offline/engine/root";

const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 80;
const SOURCE_FOLDERS = ["components", "stacks", "offline", "policy", "scripts"];

/** Every TypeScript source file under `folder` (dependencies aside), as paths relative to ROOT. */
function sourcesIn(folder: string): string[] {
    return fs.readdirSync(path.join(ROOT, folder), { withFileTypes: true }).flatMap(entry => {
        const file = path.join(folder, entry.name);
        if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourcesIn(file);
        return /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [file] : [];
    });
}

const parse = (file: string, text: string) => ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);

/** Each function (declaration, method, constructor, arrow, accessor) longer than `max` lines, with where it starts; a nested function counts inside its parent too. */
export function longFunctions(file: string, text: string, max = MAX_FUNCTION_LINES): string[] {
    const source = parse(file, text);
    const found: string[] = [];
    const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;
    const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && "body" in node && node.body) {
            const [start, end] = [lineOf(node.getStart(source)), lineOf(node.getEnd())];
            const name = node.name && ts.isIdentifier(node.name) ? node.name.text : ts.SyntaxKind[node.kind];
            if (end - start + 1 > max) found.push(`${file}:${start} ${name} (${end - start + 1} lines)`);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

/** The relative modules a file imports: import and export declarations (type-only ones too), `import x = require()`, `import()` as a call or a type, and `require()`. */
export function importsOf(file: string, text: string): string[] {
    const specifiers: string[] = [];
    const literal = (node: ts.Node | undefined) => node && ts.isStringLiteral(node) ? [node.text] : [];
    const visit = (node: ts.Node): void => {
        if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
            specifiers.push(...literal(node.moduleSpecifier));
        } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
            specifiers.push(...literal(node.moduleReference.expression));
        } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
            specifiers.push(...literal(node.argument.literal));
        } else if (ts.isCallExpression(node) &&
            (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
            specifiers.push(...literal(node.arguments[0]));
        }
        ts.forEachChild(node, visit);
    };
    visit(parse(file, text));
    return specifiers.filter(s => s.startsWith("."));
}

/** A relative import resolved to a measured source file (a .ts file or a folder's index.ts), "data" for JSON, or undefined: a file the measures do not see. */
function resolveImport(from: string, specifier: string, files: Set<string>): string | undefined {
    const base = path.join(path.dirname(from), specifier);
    return specifier.endsWith(".json") ? "data" : [`${base}.ts`, path.join(base, "index.ts"), base].find(candidate => files.has(candidate));
}

/** Every cycle in a graph of modules, each once (from its first module in the graph's order). */
export function importCycles(graph: Map<string, string[]>): string[][] {
    const cycles: string[][] = [];
    const done = new Set<string>();
    const onPath: string[] = [];
    const visit = (module: string): void => {
        onPath.push(module);
        for (const next of graph.get(module) ?? []) {
            const at = onPath.indexOf(next);
            if (at >= 0) cycles.push([...onPath.slice(at), next]);
            else if (!done.has(next)) visit(next);
        }
        onPath.pop();
        done.add(module);
    };
    for (const module of graph.keys()) if (!done.has(module)) visit(module);
    return cycles;
}

/**
 * The layers, bottom up (README: Architecture): a file may import its own layer and those below.
 * Every measured file is in exactly one; a new file in stacks/ is placed here on purpose.
 */
const LAYERS: { name: string; files: RegExp }[] = [
    { name: "components", files: /^components\// },
    { name: "AWS's models and name limits", files: /^stacks\/(apiModels|nameLimits)\.ts$/ },
    { name: "config schema", files: /^stacks\/config\// },
    { name: "derived names, grants and limits", files: /^stacks\/(names|grants|limits|reach|singleTarget)\.ts$/ },
    { name: "validation", files: /^stacks\/validation\// },
    { name: "wiring", files: /^(stacks\/(pipelineStack|accounts)\.ts|index\.ts)$/ },
    { name: "offline engine", files: /^offline\/engine\// },
    { name: "access proof", files: /^offline\/access\// },
    { name: "plan report", files: /^offline\/report\// },
    { name: "scripts", files: /^scripts\// },
];
/** The policy pack stands beside the layers: it reads itself and components (their shared tags and accounts), and only the plan report reads it. */
const POLICY_PACK = { name: "policy pack", files: /^policy\//, reads: ["policy pack", "components"], readBy: ["policy pack", "plan report"] };

/** A file's layer (or the policy pack); a file in none is an error. */
function layerOf(file: string): string {
    const posix = file.split(path.sep).join("/");
    const found = [...LAYERS, POLICY_PACK].filter(layer => layer.files.test(posix));
    if (found.length !== 1) throw new Error(`${file} is in ${found.length} layers (${found.map(l => l.name).join(", ")}): place it in exactly one (tests/architecture.test.ts LAYERS)`);
    return found[0].name;
}

/** Imports that point up the layers, or into or out of the policy pack other than those it may have. */
export function upwardImports(graph: Map<string, string[]>): string[] {
    const rank = (layer: string) => LAYERS.findIndex(l => l.name === layer);
    const allowed = (from: string, to: string) => from === POLICY_PACK.name ? POLICY_PACK.reads.includes(to)
        : to === POLICY_PACK.name ? POLICY_PACK.readBy.includes(from)
        : rank(to) <= rank(from);
    return [...graph].flatMap(([file, imports]) => imports
        .filter(imported => !allowed(layerOf(file), layerOf(imported)))
        .map(imported => `${file} (${layerOf(file)}) imports ${imported} (${layerOf(imported)})`));
}

describe("architecture: files, functions and imports keep their shape", () => {
    const files = [...SOURCE_FOLDERS.flatMap(sourcesIn), "index.ts"];
    const texts = new Map(files.map(file => [file, fs.readFileSync(path.join(ROOT, file), "utf8")]));
    const fileSet = new Set(files);
    const resolved = files.flatMap(file => importsOf(file, texts.get(file)!).map(specifier => ({ file, specifier, to: resolveImport(file, specifier, fileSet) })));
    const graph = new Map(files.map(file => [file, resolved.filter(i => i.file === file && i.to !== undefined && i.to !== "data").map(i => i.to!)]));

    it(`finds every part of the program (${files.length} files)`, () => {
        for (const expected of ["index.ts", "components/CrossAccountPipeline.ts", "stacks/pipelineStack.ts", "offline/engine/engine.ts", "policy/index.ts", "scripts/plan.ts"]) {
            assert.ok(fileSet.has(expected), `${expected} not among the measured files`);
        }
        assert.ok(graph.get("index.ts")!.length > 0, "index.ts's imports were not resolved");
        assert.deepEqual(resolved.filter(i => i.to === undefined).map(i => `${i.file}: ${i.specifier}`), [], "imports of files the measures do not see");
    });

    it(`no source file is over ${MAX_FILE_LINES} lines`, () => {
        const long = files.map(file => ({ file, lines: texts.get(file)!.split("\n").length })).filter(f => f.lines > MAX_FILE_LINES);
        assert.deepEqual(long.map(f => `${f.file} (${f.lines} lines)`), []);
    });

    it(`no function is over ${MAX_FUNCTION_LINES} lines`, () => {
        assert.deepEqual(files.flatMap(file => longFunctions(file, texts.get(file)!)), []);
    });

    it("no import cycle, type-only imports included", () => {
        assert.deepEqual(importCycles(graph).map(cycle => cycle.join(" -> ")), []);
    });

    it("imports point down the layers: components know nothing of config, the program nothing of the offline tools, the engine nothing of the report", () => {
        assert.deepEqual(upwardImports(graph), []);
    });

    describe("the measures themselves", () => {
        it("count a function's lines from its first to its last, nested ones inside their parent", () => {
            const body = (n: number) => Array.from({ length: n - 2 }, (_, i) => `    const v${i} = ${i};`).join("\n");
            const text = `function fits() {\n${body(80)}\n}\nclass C {\n    constructor() {\n        const inner = () => {\n${body(79)}\n        };\n    }\n}\n`;
            // fits: lines 1-80; the constructor: 82-162, 81 lines, only because of the 79-line arrow inside it.
            assert.deepEqual(longFunctions("x.ts", text), ["x.ts:82 Constructor (81 lines)"]);
            assert.deepEqual(longFunctions("x.ts", text, 79), ["x.ts:1 fits (80 lines)", "x.ts:82 Constructor (81 lines)"]);
        });

        it("see type-only, re-exported, dynamic and required imports, not packages", () => {
            const text = `import type { A } from "./a";\nexport { B } from "../b";\nconst c = import("./c");\nconst d = require("./d");\n` +
                `import e = require("./e");\ntype F = typeof import("./f");\ntype G = import("./g").G;\nimport * as fs from "fs";\n`;
            assert.deepEqual(importsOf("x.ts", text), ["./a", "../b", "./c", "./d", "./e", "./f", "./g"]);
        });

        it("find a cycle of any length once, and none in a chain", () => {
            const graph = (edges: string) => new Map(edges.split(" ").map(e => e.split(">")).map(([from, to]) => [from, to ? to.split(",") : []]));
            assert.deepEqual(importCycles(graph("a>b b>c c>a")), [["a", "b", "c", "a"]]);
            assert.deepEqual(importCycles(graph("a>a")), [["a", "a"]]);
            assert.deepEqual(importCycles(graph("a>b,c b>c c")), []);
        });

        it("refuse an import up the layers, and the policy pack reaching into the program", () => {
            const imports = (edges: [string, string][]) => upwardImports(new Map(edges.map(([from, to]) => [from, [to]])));
            assert.deepEqual(imports([["stacks/names.ts", "components/X.ts"], ["stacks/validation/parse.ts", "stacks/names.ts"],
                ["stacks/pipelineStack.ts", "stacks/validation/parse.ts"], ["offline/report/plan.ts", "policy/securityHub.ts"], ["policy/rules.ts", "components/X.ts"]]), []);
            assert.deepEqual(imports([["components/X.ts", "stacks/config/schema.ts"]]), ["components/X.ts (components) imports stacks/config/schema.ts (config schema)"]);
            assert.deepEqual(imports([["stacks/config/target.ts", "stacks/names.ts"]]), ["stacks/config/target.ts (config schema) imports stacks/names.ts (derived names, grants and limits)"]);
            assert.deepEqual(imports([["stacks/limits.ts", "stacks/validation/rules.ts"]]), ["stacks/limits.ts (derived names, grants and limits) imports stacks/validation/rules.ts (validation)"]);
            assert.deepEqual(imports([["stacks/names.ts", "offline/engine/engine.ts"]]), ["stacks/names.ts (derived names, grants and limits) imports offline/engine/engine.ts (offline engine)"]);
            assert.deepEqual(imports([["policy/rules.ts", "stacks/names.ts"]]), ["policy/rules.ts (policy pack) imports stacks/names.ts (derived names, grants and limits)"]);
            assert.deepEqual(imports([["offline/engine/engine.ts", "offline/report/plan.ts"]]), ["offline/engine/engine.ts (offline engine) imports offline/report/plan.ts (plan report)"]);
            assert.deepEqual(imports([["scripts/plan.ts", "policy/rules.ts"]]), ["scripts/plan.ts (scripts) imports policy/rules.ts (policy pack)"]);
            assert.throws(() => imports([["stacks/new.ts", "components/X.ts"]]), /stacks\/new\.ts is in 0 layers/);
            assert.deepEqual(imports([["components/X.ts", "policy/rules.ts"]]), ["components/X.ts (components) imports policy/rules.ts (policy pack)"]);
        });
    });
});
