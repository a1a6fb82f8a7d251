import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
/** What dist/ is compiled from. */
export const SOURCES = ["index.ts", "components", "stacks", "offline", "scripts"];

/** The last change to a file or to anything in a folder (ms). */
export function newest(file: string): number {
    const stat = fs.statSync(file);
    return stat.isDirectory() ? Math.max(0, ...fs.readdirSync(file).map(f => newest(path.join(file, f)))) : stat.mtimeMs;
}

/**
 * dist/ is compiled at install (`prepare`) so the plan starts as fast as plain Node. When a
 * source is newer than this compiled script, recompile and run the fresh one instead, so
 * the plan never describes a program older than the one in the working tree.
 */
export function recompiledAndRan(): boolean {
    if (!__dirname.includes(`${path.sep}dist${path.sep}`) || newest(__filename) >= Math.max(...SOURCES.map(s => newest(path.join(ROOT, s))))) {
        return false;
    }
    console.error("Sources changed since the last build: recompiling (npm run build) ...");
    const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "tsconfig.build.json")], { stdio: "inherit" });
    const run = tsc.status === 0 ? spawnSync(process.execPath, process.argv.slice(1), { stdio: "inherit" }) : tsc;
    process.exitCode = run.status ?? 1;
    return true;
}
