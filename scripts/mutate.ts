// `npm run mutate`: StrykerJS over the program, a few source files per run, so that a whole run can
// be spread over several sittings. Each file keeps its own incremental file, report and page under
// reports/mutation/ (not committed); a file whose source, tests and settings are unchanged since
// its report is skipped, so an interrupted run starts again at the run it stopped in. `--scores` prints the
// score per folder from the reports there, `--survivors` each mutant no test detected. README: Mutation testing.
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { createRequire } from "module";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../offline/engine/root";

const REPORTS = path.join(ROOT, "reports", "mutation");
const FOLDERS = ["stacks", "components", "offline"];
/** What a file's mutants are tested against besides the file itself: a change to any of these retests it. */
const INPUTS = ["tests", "stryker.config.json", ".mocharc.json", "package-lock.json"];

/** Every file under `p` (a file or a folder), sorted. */
function filesUnder(p: string): string[] {
    const full = path.join(ROOT, p);
    if (!fs.statSync(full).isDirectory()) return [p];
    return fs.readdirSync(full).sort().flatMap(name => filesUnder(path.join(p, name)));
}

/** The TypeScript sources StrykerJS mutates under the given paths (all three folders by default). */
export function sourcesToMutate(paths: string[]): string[] {
    return (paths.length ? paths : FOLDERS).flatMap(filesUnder).filter(f => f.endsWith(".ts") && !f.endsWith(".d.ts"));
}

/** A digest of files' paths and contents. */
function digestOf(files: string[]): string {
    const hash = createHash("sha256");
    for (const f of files) hash.update(f).update(fs.readFileSync(path.join(ROOT, f)));
    return hash.digest("hex");
}

const reportOf = (file: string) => path.join(REPORTS, "files", `${file}.json`);
const digestFile = (file: string) => path.join(REPORTS, "files", `${file}.digest`);
const incrementalOf = (file: string) => path.join(REPORTS, "incremental", `${file}.json`);

/** A StrykerJS report (mutation-testing-report-schema): its source files and the tests of the run. */
interface Report { files: Record<string, unknown>; [key: string]: unknown }

/**
 * The StrykerJS runs for the files that need one. A file with an incremental file of its own runs
 * alone, so that StrykerJS reuses its earlier results; files never run go `batch` to a run, so that
 * they share one first run of the whole suite (about two minutes each) instead of paying it apiece.
 */
export function runsFor(files: string[], hasIncremental: (file: string) => boolean, batch: number): string[][] {
    const fresh = files.filter(f => !hasIncremental(f));
    const runs = files.filter(hasIncremental).map(f => [f]);
    for (let i = 0; i < fresh.length; i += batch) runs.push(fresh.slice(i, i + batch));
    return runs;
}

/**
 * A run's report as one report per source file, each with the run's tests (its mutants name them
 * by id). A file of the run that StrykerJS leaves out (it has nothing to mutate: types only) gets
 * a report without mutants, so that its folder counts it as run.
 */
export function splitReport(report: Report, files: string[] = []): Record<string, Report> {
    const none = { language: "typescript", source: "", mutants: [] };
    return Object.fromEntries([...new Set([...Object.keys(report.files), ...files])]
        .map(f => [f, { ...report, files: { [f]: report.files[f] ?? none } }]));
}

/** mutation-testing-elements' page for a report, as StrykerJS's HTML reporter writes it. */
function htmlOf(report: Report): string {
    const fromCore = createRequire(require.resolve("@stryker-mutator/core/package.json"));
    const script = fs.readFileSync(fromCore.resolve("mutation-testing-elements/dist/mutation-test-elements.js"), "utf8");
    return `<!DOCTYPE html><html><head><meta charset="utf-8"><script>${script}</script></head><body>
<mutation-test-report-app titlePostfix="Stryker"></mutation-test-report-app>
<script>document.querySelector("mutation-test-report-app").report = ${JSON.stringify(report).replace(/</g, "\\u003c")};</script>
</body></html>`;
}

function writeFile(file: string, text: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
}

/** Runs StrykerJS on some files with the project's settings, then keeps a report, a page and an incremental file per file. */
function mutateFiles(files: string[], extraArgs: string[]): number {
    const base = JSON.parse(fs.readFileSync(path.join(ROOT, "stryker.config.json"), "utf8"));
    const run = (name: string) => path.join(REPORTS, "run", name);
    // One file reuses its own incremental file; a batch of files never run starts from none.
    const incremental = files.length === 1 && fs.existsSync(incrementalOf(files[0])) ? incrementalOf(files[0]) : run("incremental.json");
    fs.rmSync(path.join(REPORTS, "run"), { recursive: true, force: true });
    fs.mkdirSync(path.join(REPORTS, "run"), { recursive: true });
    fs.writeFileSync(run("stryker.config.json"), JSON.stringify({
        ...base, $schema: undefined, mutate: files,
        incrementalFile: path.relative(ROOT, incremental),
        reporters: ["json", "clear-text", "progress-append-only"],
        jsonReporter: { fileName: path.relative(ROOT, run("report.json")) },
    }));
    const started = Date.now();
    // The package exports no bin path; its package.json is exported, and bin/ is beside it.
    const stryker = path.join(path.dirname(require.resolve("@stryker-mutator/core/package.json")), "bin", "stryker.js");
    const status = spawnSync(process.execPath, [stryker, "run", run("stryker.config.json"), ...extraArgs], { cwd: ROOT, stdio: "inherit" }).status ?? 1;
    console.log(`${files.join(", ")}: ${((Date.now() - started) / 60000).toFixed(1)} min`);
    if (status !== 0) return status;
    const read = (file: string): Report => JSON.parse(fs.readFileSync(file, "utf8"));
    for (const [file, report] of Object.entries(splitReport(read(run("report.json")), files))) {
        writeFile(reportOf(file), JSON.stringify(report));
        writeFile(path.join(REPORTS, "html", `${file}.html`), htmlOf(report));
    }
    for (const [file, report] of Object.entries(splitReport(read(incremental)))) writeFile(incrementalOf(file), JSON.stringify(report));
    return 0;
}

interface Counts { detected: number; undetected: number; ignored: number }

/** A report's mutants counted as StrykerJS scores them: killed and timed out are detected; survived and not covered are not; ignored and errors do not count. */
export function countsOf(report: { files: Record<string, { mutants: { status: string }[] }> }): Counts {
    const counts: Counts = { detected: 0, undetected: 0, ignored: 0 };
    for (const { mutants } of Object.values(report.files)) {
        for (const { status } of mutants) {
            if (status === "Killed" || status === "Timeout") counts.detected++;
            else if (status === "Survived" || status === "NoCoverage") counts.undetected++;
            else counts.ignored++;
        }
    }
    return counts;
}

/** The score per folder (and the files not yet run), from the reports under reports/mutation/files. */
export function scores(files: string[], readReport: (file: string) => Parameters<typeof countsOf>[0] | undefined): string[] {
    const byFolder = new Map<string, Counts & { files: number; missing: number }>();
    for (const file of files) {
        const folder = file.split(/[\\/]/)[0];
        const total = byFolder.get(folder) ?? { detected: 0, undetected: 0, ignored: 0, files: 0, missing: 0 };
        const report = readReport(file);
        const counts = report ? countsOf(report) : undefined;
        byFolder.set(folder, {
            detected: total.detected + (counts?.detected ?? 0), undetected: total.undetected + (counts?.undetected ?? 0),
            ignored: total.ignored + (counts?.ignored ?? 0), files: total.files + 1, missing: total.missing + (counts ? 0 : 1),
        });
    }
    return [...byFolder].map(([folder, c]) => {
        const tested = c.detected + c.undetected;
        const score = tested ? `${(100 * c.detected / tested).toFixed(1)}%` : "n/a";
        return `${folder}/: ${score} (${c.detected} of ${tested} mutants detected, ${c.ignored} ignored; ${c.files - c.missing} of ${c.files} files run)`;
    });
}

interface ReportedMutant { status: string; mutatorName: string; replacement?: string; location: { start: { line: number; column: number } } }

/** Each mutant no test detected, as `file:line:column status mutator: replacement` and the line it changed. */
export function survivors(report: { files: Record<string, { source: string; mutants: ReportedMutant[] }> }): string[] {
    return Object.entries(report.files).flatMap(([file, { source, mutants }]) => {
        const lines = source.split("\n");
        return mutants.filter(m => m.status === "Survived" || m.status === "NoCoverage").map(({ status, mutatorName, replacement, location: { start } }) =>
            `${file}:${start.line}:${start.column} ${status} ${mutatorName}: ${JSON.stringify(replacement ?? "")}\n    ${lines[start.line - 1].trim()}`);
    });
}

function main(args: string[]): number {
    const readReport = (file: string) => fs.existsSync(reportOf(file)) ? JSON.parse(fs.readFileSync(reportOf(file), "utf8")) : undefined;
    const isPath = (a: string) => !a.startsWith("-") && fs.existsSync(path.join(ROOT, a));
    const named = () => sourcesToMutate(args.filter(isPath));
    if (args.includes("--scores")) {
        console.log(scores(named(), readReport).join("\n"));
        return 0;
    }
    if (args.includes("--survivors")) {
        console.log(named().flatMap(f => { const report = readReport(f); return report ? survivors(report) : []; }).join("\n"));
        return 0;
    }
    // Files and folders to mutate; `--batch=N` files never run per StrykerJS run (6 by default);
    // every other argument goes to StrykerJS (`--concurrency 1`, `--force`).
    const batchArg = args.find(a => a.startsWith("--batch="));
    const batch = batchArg ? Number(batchArg.slice("--batch=".length)) : 6;
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`--batch=N takes a whole number of files, at least 1; found ${batchArg}`);
    const [paths, extraArgs] = [args.filter(isPath), args.filter(a => !isPath(a) && a !== batchArg)];
    const force = extraArgs.includes("--force");
    // What every file's mutants are tested against, read once for the whole run.
    const inputs = digestOf(INPUTS.flatMap(filesUnder));
    const digest = (file: string) => digestOf([file]) + inputs;
    const unchanged = (file: string) => !force && fs.existsSync(reportOf(file)) && fs.existsSync(digestFile(file)) &&
        fs.readFileSync(digestFile(file), "utf8") === digest(file);
    const stale: string[] = [];
    for (const file of sourcesToMutate(paths)) {
        if (unchanged(file)) console.log(`${file}: unchanged since its report, skipped`);
        else stale.push(file);
    }
    const status = runAndRecord(runsFor(stale, f => fs.existsSync(incrementalOf(f)), batch), digest, run => mutateFiles(run, extraArgs),
        (file, tested) => fs.writeFileSync(digestFile(file), tested));
    if (status !== 0) return status;
    console.log(scores(sourcesToMutate(paths), readReport).join("\n"));
    return 0;
}

/**
 * Runs each group of files and, after each run, records its files' digests as they were when the
 * runs began: what was tested. A file edited during a run (a pull in the clone that runs it) is
 * then stale, and runs again next time. Stops at a run that fails, recording nothing of it.
 */
export function runAndRecord(runs: string[][], digest: (file: string) => string, mutate: (files: string[]) => number,
    record: (file: string, digest: string) => void): number {
    const tested = new Map(runs.flat().map(f => [f, digest(f)]));
    for (const run of runs) {
        const status = mutate(run);
        if (status !== 0) return status;
        for (const file of run) record(file, tested.get(file)!);
    }
    return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
