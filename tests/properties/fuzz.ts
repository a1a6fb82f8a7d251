// `npm run fuzz -- --runs N [--batch B] [--jobs J] [--seed S] [--path P]`: the property tests
// over many more generated stacks than `npm test` runs. Batches run in child processes (one
// evaluation grows the heap, so a long run in one process slows down and runs out of memory);
// batch i uses seed S+i, so any failing batch replays alone with the command it prints.
import { spawn } from "child_process";
import * as os from "os";
import { parseArgs } from "util";
import { runProperty } from "./property";

const USAGE = `Usage: npm run fuzz -- [--runs N] [--batch B] [--jobs J] [--seed S] [--path P]

  --runs N    generated stacks in all (default 200)
  --batch B   stacks per child process (default 20)
  --jobs J    child processes at a time (default 1; the machine is shared)
  --seed S    the first batch's seed (default: from the clock; printed)
  --path P    replay one failure: the path a failing run printed (with its --seed and --runs)`;

interface Options {
    runs: number;
    batch: number;
    jobs: number;
    seed: number;
    path?: string;
    child: boolean;
}

function options(args: string[]): Options {
    const { values } = parseArgs({
        args, strict: true, options: {
            runs: { type: "string" }, batch: { type: "string" }, jobs: { type: "string" }, seed: { type: "string" },
            path: { type: "string" }, child: { type: "boolean" }, help: { type: "boolean", short: "h" },
        },
    });
    if (values.help) {
        console.log(USAGE);
        process.exit(0);
    }
    const count = (name: "runs" | "batch" | "jobs" | "seed", fallback: number, min: number) => {
        const value = values[name] === undefined ? fallback : Number(values[name]);
        if (!Number.isInteger(value) || value < min) {
            throw new Error(`--${name} takes a whole number from ${min}; found ${values[name]}`);
        }
        return value;
    };
    return {
        runs: count("runs", 200, 1), batch: count("batch", 20, 1), jobs: count("jobs", 1, 1),
        seed: count("seed", Date.now() % 2 ** 31, 0), path: values.path, child: values.child ?? false,
    };
}

/** One batch in a child process: its report on failure, undefined when every stack held. */
function batch(seed: number, runs: number): Promise<string | undefined> {
    return new Promise(resolve => {
        const child = spawn(process.execPath, [...process.execArgv, __filename, "--child", "--seed", String(seed), "--runs", String(runs)],
            { stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", chunk => { output += chunk; });
        child.stderr.on("data", chunk => { output += chunk; });
        child.on("close", code => resolve(code === 0 ? undefined : output || `the batch exited with ${code}`));
    });
}

async function main() {
    const o = options(process.argv.slice(2));
    if (o.child || o.path) {
        const report = await runProperty({ seed: o.seed, numRuns: o.runs, path: o.path });
        console.log(report ?? `seed ${o.seed}: ${o.runs} stacks, every invariant holds`);
        process.exit(report ? 1 : 0);
    }
    const batches = Array.from({ length: Math.ceil(o.runs / o.batch) }, (_, i) => ({ seed: o.seed + i, runs: Math.min(o.batch, o.runs - i * o.batch) }));
    console.log(`${o.runs} generated stacks in ${batches.length} batches of up to ${o.batch}, seeds ${o.seed}..${o.seed + batches.length - 1}, ` +
        `${o.jobs} at a time (${os.cpus().length} cores)`);
    let failed = 0;
    let next = 0;
    const worker = async () => {
        while (next < batches.length) {
            const { seed, runs } = batches[next++];
            const report = await batch(seed, runs);
            console.log(report ? `seed ${seed}: FAILED\n${report}` : `seed ${seed}: ${runs} stacks, every invariant holds`);
            failed += report ? 1 : 0;
        }
    };
    await Promise.all(Array.from({ length: Math.min(o.jobs, batches.length) }, worker));
    console.log(failed ? `${failed} of ${batches.length} batches failed` : `all ${o.runs} stacks hold every invariant`);
    process.exit(failed ? 1 : 0);
}

main().catch(e => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
});
