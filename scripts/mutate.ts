// `npm run mutate`: StrykerJS over the program, one source file per run, so that a whole run can
// be spread over several sittings. Each file keeps its own incremental file and report under
// reports/mutation/ (not committed); a file whose source, tests and settings are unchanged since
// its report is skipped, so an interrupted run starts again at the file it stopped in. `--scores` prints the
// score per folder from the reports there. README: Mutation testing.
import { spawnSync } from "child_process";
import { createHash } from "crypto";
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

/** Runs StrykerJS on one file with the project's settings, its report and incremental file its own. */
function mutateFile(file: string, extraArgs: string[]): number {
    const base = JSON.parse(fs.readFileSync(path.join(ROOT, "stryker.config.json"), "utf8"));
    const config = path.join(REPORTS, "stryker.file.config.json");
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.mkdirSync(path.dirname(reportOf(file)), { recursive: true });
    fs.writeFileSync(config, JSON.stringify({
        ...base, $schema: undefined, mutate: [file],
        incrementalFile: path.relative(ROOT, path.join(REPORTS, "incremental", `${file}.json`)),
        reporters: ["json", "html", "clear-text", "progress-append-only"],
        jsonReporter: { fileName: path.relative(ROOT, reportOf(file)) },
        htmlReporter: { fileName: path.relative(ROOT, path.join(REPORTS, "html", `${file}.html`)) },
    }));
    const started = Date.now();
    // The package exports no bin path; its package.json is exported, and bin/ is beside it.
    const stryker = path.join(path.dirname(require.resolve("@stryker-mutator/core/package.json")), "bin", "stryker.js");
    const run = spawnSync(process.execPath, [stryker, "run", config, ...extraArgs], { cwd: ROOT, stdio: "inherit" });
    console.log(`${file}: ${((Date.now() - started) / 60000).toFixed(1)} min`);
    return run.status ?? 1;
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

function main(args: string[]): number {
    const readReport = (file: string) => fs.existsSync(reportOf(file)) ? JSON.parse(fs.readFileSync(reportOf(file), "utf8")) : undefined;
    if (args.includes("--scores")) {
        console.log(scores(sourcesToMutate(args.filter(a => a !== "--scores" && fs.existsSync(path.join(ROOT, a)))), readReport).join("\n"));
        return 0;
    }
    // Files and folders to mutate; every other argument goes to StrykerJS (`--concurrency 1`, `--force`).
    const isPath = (a: string) => !a.startsWith("-") && fs.existsSync(path.join(ROOT, a));
    const [paths, extraArgs] = [args.filter(isPath), args.filter(a => !isPath(a))];
    const force = extraArgs.includes("--force");
    // What every file's mutants are tested against, read once for the whole run.
    const inputs = digestOf(INPUTS.flatMap(filesUnder));
    for (const file of sourcesToMutate(paths)) {
        const digest = digestOf([file]) + inputs;
        if (!force && fs.existsSync(digestFile(file)) && fs.readFileSync(digestFile(file), "utf8") === digest && readReport(file)) {
            console.log(`${file}: unchanged since its report, skipped`);
            continue;
        }
        const status = mutateFile(file, extraArgs);
        if (status !== 0) return status;
        fs.writeFileSync(digestFile(file), digest);
    }
    console.log(scores(sourcesToMutate(paths), readReport).join("\n"));
    return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
