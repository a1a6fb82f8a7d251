// `npm run plan -- --base REF`: the stack planned at REF with REF's own code. A temporary git
// worktree of REF gets its own install (this one's node_modules, linked, when the lock files
// are the same) and its own build (kept per code, so a second stack or a second run at a
// revision with the same code builds nothing), then runs its own `npm run plan -- --json`.
import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, STACKS_ENV } from "../offline/engine/root";
import type { PlanJson } from "../offline/report/planJson";

/** The base cannot be planned: the command exits 4 with this message. */
export class BaseError extends Error {}

/** The file a plan that writes JSON has, where it has been: a base with neither predates `--json`. */
const JSON_SOURCES = ["offline/report/planJson.ts", "offline/planJson.ts"];

function git(args: string[], cwd = ROOT): { ok: boolean; out: string; err: string } {
    const run = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { ok: run.status === 0, out: run.stdout?.trim() ?? "", err: (run.stderr ?? String(run.error ?? "")).trim() };
}

/** Runs a command in `cwd`, its output kept; resolves with its exit code and output. */
function run(command: string, args: string[], cwd: string): Promise<{ status: number; out: string; err: string }> {
    return new Promise(resolve => {
        // The base plans its own stack files, in its worktree.
        const child = spawn(command, args, { cwd, env: { ...process.env, npm_config_stack: undefined, [STACKS_ENV]: undefined } });
        let [out, err] = ["", ""];
        child.stdout.on("data", d => { out += d; });
        child.stderr.on("data", d => { err += d; });
        child.on("error", e => resolve({ status: 127, out, err: `${err}${e.message}` }));
        child.on("close", status => resolve({ status: status ?? 1, out, err }));
    });
}

/** The commit a ref names, and where the project is inside the repository. */
function resolveBase(ref: string): { commit: string; prefix: string } {
    const commit = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    if (!commit.ok) {
        throw new BaseError(`--base ${ref}: not a commit of this repository (git rev-parse found none; in a shallow clone, ` +
            `fetch it first: git fetch origin ${ref})`);
    }
    return { commit: commit.out, prefix: git(["rev-parse", "--show-prefix"]).out };
}

/** What the base's build depends on: every file of its tree but the stack files (a stack file's change needs no build). */
function buildKey(commit: string, prefix: string): string {
    const files = git(["ls-tree", "-r", commit, "--", prefix || "."]).out.split("\n").filter(l => !/\tPulumi\.[^/]+\.yaml$/.test(l) || /\tPulumi\.yaml$/.test(l));
    return createHash("sha256").update(files.join("\n")).digest("hex").slice(0, 16);
}

/** Where the bases' builds are kept: this project's npm cache folder (the base's node_modules is this one when it links it). */
const BUILDS = path.join(ROOT, "node_modules", ".cache", "cross-account-pipeline", "base-builds");
const KEPT_BUILDS = 5;

/** The base's install: this node_modules when the lock files are the same, else its own `npm ci`. */
async function install(dir: string) {
    const lock = (root: string) => fs.readFileSync(path.join(root, "package-lock.json"), "utf8");
    if (lock(dir) === lock(ROOT)) {
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        return;
    }
    const ci = await run("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], dir);
    if (ci.status !== 0) {
        throw new BaseError(`the base's own install (npm ci, its lock file differs from this one) failed:\n${ci.err.trim()}`);
    }
}

/**
 * Whether this checkout's compiled program is the build of the code with this key: this
 * process runs compiled (so dist/ is fresh: scripts/build.ts) and the working tree is the
 * commit's code, its stack files aside.
 */
function ownBuildIs(key: string, prefix: string): boolean {
    const changed = git(["status", "--porcelain", "--untracked-files=all", "--", "."]).out.split("\n").filter(l => l && !/ Pulumi\.[^/]+\.yaml$/.test(l));
    return __dirname.includes(`${path.sep}dist${path.sep}`) && changed.length === 0 && buildKey("HEAD", prefix) === key;
}

/**
 * The base's build: kept per code key, made once by the base's own `npm run build` (or taken
 * from this checkout when its code is the same), and copied into the base's worktree.
 */
async function build(dir: string, key: string, prefix: string) {
    const kept = path.join(BUILDS, key);
    if (!fs.existsSync(kept)) {
        let from = path.join(ROOT, "dist");
        if (!ownBuildIs(key, prefix)) {
            const built = await run("npm", ["run", "build", "--silent"], dir);
            if (built.status !== 0) {
                throw new BaseError(`the base's own build (npm run build) failed:\n${(built.out + built.err).trim()}`);
            }
            from = path.join(dir, "dist");
        }
        // Another run may build the same code meanwhile: each copies to a folder of its own, and the first to rename wins.
        const copy = `${kept}.${process.pid}`;
        fs.mkdirSync(BUILDS, { recursive: true });
        fs.cpSync(from, copy, { recursive: true });
        try {
            fs.renameSync(copy, kept);
        } catch {
            fs.rmSync(copy, { recursive: true, force: true });
        }
        // The newest few are kept: each change of the code would add one more.
        const builds = fs.readdirSync(BUILDS).filter(b => /^[0-9a-f]{16}$/.test(b)).map(b => path.join(BUILDS, b));
        builds.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs).slice(KEPT_BUILDS)
            .forEach(b => fs.rmSync(b, { recursive: true, force: true }));
    }
    // Copied after the checkout, so newer than every source: the base's plan does not recompile.
    fs.cpSync(kept, path.join(dir, "dist"), { recursive: true });
}

/** A base that can be planned: its commit, where the project is in the repository, whether it has the stack. */
export interface Base {
    ref: string;
    commit: string;
    prefix: string;
    hasStack: boolean;
}

/** The base a ref names, checked at once (no install, no build): a BaseError when it cannot be planned. */
export function checkBase(ref: string, stack: string): Base {
    const { commit, prefix } = resolveBase(ref);
    const at = (file: string) => git(["cat-file", "-e", `${commit}:${prefix}${file}`]).ok;
    if (!JSON_SOURCES.some(at)) {
        throw new BaseError(`--base ${ref} (${commit.slice(0, 12)}) is older than \`npm run plan -- --json\` (it has no ${JSON_SOURCES.join(" or ")}): ` +
            "its plan cannot be compared; choose a later base");
    }
    return { ref, commit, prefix, hasStack: at(`Pulumi.${stack}.yaml`) };
}

/**
 * The stack's plan at a base, as its own code writes it; undefined when the base has no stack
 * file of that name. Throws a BaseError when the base cannot be planned.
 */
export async function planAtBase({ ref, commit, prefix, hasStack }: Base, stack: string): Promise<PlanJson | undefined> {
    if (!hasStack) {
        return undefined;
    }
    const worktree = fs.mkdtempSync(path.join(os.tmpdir(), "plan-base-"));
    const added = git(["worktree", "add", "--detach", "--quiet", worktree, commit]);
    if (!added.ok) {
        fs.rmSync(worktree, { recursive: true, force: true });
        throw new BaseError(`--base ${ref}: git worktree add failed: ${added.err}`);
    }
    const dir = path.join(worktree, prefix);
    try {
        await install(dir);
        await build(dir, buildKey(commit, prefix), prefix);
        const planned = await run(process.execPath, [path.join(dir, "scripts", "run-compiled.js"), "plan", "--stack", stack, "--json"], dir);
        if (planned.status === 2) {
            throw new BaseError(`the plan at ${ref} (${commit.slice(0, 12)}) refuses \`--stack ${stack} --json\` (older than --json?): ` +
                `${planned.err.trim().split("\n")[0]}`);
        }
        if (planned.status !== 0) {
            throw new BaseError(`the stack ${stack} does not plan at ${ref} (${commit.slice(0, 12)}), exit ${planned.status}:\n` +
                `${planned.err.trim().split("\n").slice(0, 20).join("\n")}`);
        }
        return JSON.parse(fs.readFileSync(path.join(dir, "plan", `${stack}.json`), "utf8")) as PlanJson;
    } finally {
        // The link first: removing the worktree must never reach into this node_modules.
        const link = path.join(dir, "node_modules");
        if (fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) {
            fs.unlinkSync(link);
        }
        git(["worktree", "remove", "--force", worktree]);
        fs.rmSync(worktree, { recursive: true, force: true });
    }
}
