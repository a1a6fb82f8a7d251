import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const RUNS = 5;
/** Release paths of these lengths (offline/engine/scale.ts: waves of ten over five accounts and three regions) are planned too. */
const PATHS = [1, 3, 10, 50];

function seconds(args: string[], command = process.execPath): number {
    const start = process.hrtime.bigint();
    const run = spawnSync(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } });
    if (run.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} exited with ${run.status}`);
    }
    return Number(process.hrtime.bigint() - start) / 1e9;
}

/** One batch of the property tests, as `npm run fuzz` runs it: 20 generated stacks, each evaluated and planned. */
const PROPERTY_BATCH = ["-r", "ts-node/register", "tests/properties/fuzz.ts", "--child", "--seed", "1", "--runs", "20"];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `bench.js --path N`: what `npm run plan` does for prod's stack grown to a path of N targets, in this process. */
async function planPath(n: number) {
    Error.stackTraceLimit = 0;
    const { evaluate, readStackConfig } = await import("../offline/engine/engine");
    const { planOf } = await import("../offline/report/plan");
    const { scaledPath } = await import("../offline/engine/scale");
    const plan = await planOf(await evaluate("prod", scaledPath(readStackConfig("prod"), n)));
    if (plan.exitCode !== 0 || plan.text.includes("EXPECTED")) {
        throw new Error(`the path of ${n} targets did not plan cleanly:\n${plan.text.slice(0, 2000)}`);
    }
}

/** `bench.js --plan STACK [--no-checks]`: what `npm run plan` does, in this process, with or without the engine's rules and AWS's API models. */
async function planStack(stack: string, checks: boolean) {
    Error.stackTraceLimit = 0;
    const { evaluate, readStackConfig } = await import("../offline/engine/engine");
    const { planOf } = await import("../offline/report/plan");
    const plan = await planOf(await evaluate(stack, readStackConfig(stack), { checks }));
    if (plan.exitCode !== 0) {
        throw new Error(`${stack} did not plan:\n${plan.text.slice(0, 2000)}`);
    }
}

/**
 * The offline plan, of the committed stacks and of release paths of 1 to 50 targets, and the
 * property tests, against the floor they cannot beat: Node loading the three Pulumi packages.
 * All are measured alternately in one run, so machine load affects them alike; the result is a
 * ratio, not a time, and for the paths the cost of each added target.
 */
function main() {
    const compile = seconds([require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"]);
    const baseline: number[] = [];
    const plans: Record<string, number[]> = { dev: [], prod: [] };
    const paths = new Map<number, number[]>(PATHS.map(n => [n, []]));
    const properties: number[] = [];
    const checked: Record<"with" | "without", number[]> = { with: [], without: [] };
    // The diff of dev against the previous commit (README: Changes since a base): its base is built once, then reused.
    const diff = [path.join(__dirname, "plan.js"), "--stack", "dev", "--base", "HEAD~1"];
    const diffs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        checked.with.push(seconds([__filename, "--plan", "dev"]));
        checked.without.push(seconds([__filename, "--plan", "dev", "--no-checks"]));
        baseline.push(seconds(["-e", "require('@pulumi/pulumi'); require('@pulumi/aws'); require('@pulumi/awsx')"]));
        for (const stack of Object.keys(plans)) {
            plans[stack].push(seconds([path.join(__dirname, "plan.js"), "--stack", stack]));
        }
        for (const [n, times] of paths) {
            times.push(seconds([__filename, "--path", String(n)]));
        }
        properties.push(seconds(PROPERTY_BATCH));
        diffs.push(seconds(diff));
    }
    const test = seconds(["test", "--silent"], "npm");
    const floor = median(baseline);
    const row = (what: string, t: number) => console.log(`| ${what} | ${t.toFixed(2)} | ${(t / floor).toFixed(2)} |`);
    console.log(`| measurement (median of ${RUNS}, alternating) | seconds | ratio to require |`);
    console.log("| --- | --- | --- |");
    row("node: require @pulumi/pulumi, @pulumi/aws, @pulumi/awsx", floor);
    for (const [stack, times] of Object.entries(plans)) {
        row(`npm run plan -- --stack ${stack}`, median(times));
    }
    for (const [n, times] of paths) {
        row(`plan of a release path of ${n} target${n === 1 ? "" : "s"}`, median(times));
    }
    row("property tests: 20 generated stacks evaluated and planned, one process", median(properties));
    row("plan of dev, engine rules and API models checked", median(checked.with));
    row("plan of dev, without those checks", median(checked.without));
    row("npm run plan -- --stack dev --base HEAD~1", median(diffs));
    console.log(`| compile at install (npm run build, once) | ${compile.toFixed(2)} | - |`);
    row("npm test: type check and every test (once)", test);
    const at = (n: number) => median(paths.get(n)!);
    const early = (at(10) - at(1)) / 9;
    const late = (at(50) - at(10)) / 40;
    const cost = median(checked.with.map((t, i) => t - checked.without[i]));
    console.log(`\nthe engine rules and API models cost ${cost.toFixed(3)} s of dev's plan (${(cost / median(checked.without)).toFixed(3)} of it; ` +
        "median of the paired differences)");
    console.log(`\nthe diff of dev against HEAD~1 takes ${(median(diffs) / (2 * median(plans.dev))).toFixed(2)} times two plain plans of dev ` +
        `(slowest run ${Math.max(...diffs).toFixed(2)} s: the base is built the first time its code is met, kept after)`);
    console.log(`cost of an added target: ${early.toFixed(3)} s from 1 to 10 targets, ${late.toFixed(3)} s from 10 to 50 ` +
        `(${(late / early).toFixed(2)} times)`);
}

if (process.argv[2] === "--path" || process.argv[2] === "--plan") {
    (process.argv[2] === "--path" ? planPath(Number(process.argv[3])) : planStack(process.argv[3], process.argv[4] !== "--no-checks")).catch(e => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    });
} else {
    main();
}
