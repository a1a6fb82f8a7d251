import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const RUNS = 5;

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

/**
 * The offline plan and the property tests against the floor they cannot beat: Node loading the three Pulumi packages.
 * All are measured alternately in one run, so machine load affects them alike; the result
 * is a ratio, not a time.
 */
function main() {
    const compile = seconds([require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"]);
    const baseline: number[] = [];
    const plans: Record<string, number[]> = { dev: [], prod: [] };
    const properties: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        baseline.push(seconds(["-e", "require('@pulumi/pulumi'); require('@pulumi/aws'); require('@pulumi/awsx')"]));
        for (const stack of Object.keys(plans)) {
            plans[stack].push(seconds([path.join(__dirname, "plan.js"), "--stack", stack]));
        }
        properties.push(seconds(PROPERTY_BATCH));
    }
    const test = seconds(["test", "--silent"], "npm");
    const floor = median(baseline);
    console.log(`| measurement (median of ${RUNS}, alternating) | seconds | ratio to require |`);
    console.log("| --- | --- | --- |");
    console.log(`| node: require @pulumi/pulumi, @pulumi/aws, @pulumi/awsx | ${floor.toFixed(2)} | 1.00 |`);
    for (const [stack, times] of Object.entries(plans)) {
        console.log(`| npm run plan -- --stack ${stack} | ${median(times).toFixed(2)} | ${(median(times) / floor).toFixed(2)} |`);
    }
    console.log(`| property tests: 20 generated stacks evaluated and planned, one process | ${median(properties).toFixed(2)} | ${(median(properties) / floor).toFixed(2)} |`);
    console.log(`| compile at install (npm run build, once) | ${compile.toFixed(2)} | - |`);
    console.log(`| npm test: type check and every test (once) | ${test.toFixed(2)} | ${(test / floor).toFixed(2)} |`);
}

main();
