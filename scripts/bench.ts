import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const RUNS = 5;

function seconds(args: string[]): number {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    if (run.status !== 0) {
        throw new Error(`node ${args.join(" ")} exited with ${run.status}`);
    }
    return Number(process.hrtime.bigint() - start) / 1e9;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The offline plan against the floor it cannot beat: Node loading the three Pulumi packages.
 * Both are measured alternately in one run, so machine load affects them alike; the result
 * is a ratio, not a time.
 */
function main() {
    const compile = seconds([require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"]);
    const baseline: number[] = [];
    const plans: Record<string, number[]> = { dev: [], prod: [] };
    for (let i = 0; i < RUNS; i++) {
        baseline.push(seconds(["-e", "require('@pulumi/pulumi'); require('@pulumi/aws'); require('@pulumi/awsx')"]));
        for (const stack of Object.keys(plans)) {
            plans[stack].push(seconds([path.join(__dirname, "plan.js"), "--stack", stack]));
        }
    }
    const floor = median(baseline);
    console.log(`| measurement (median of ${RUNS}, alternating) | seconds | ratio to require |`);
    console.log("| --- | --- | --- |");
    console.log(`| node: require @pulumi/pulumi, @pulumi/aws, @pulumi/awsx | ${floor.toFixed(2)} | 1.00 |`);
    for (const [stack, times] of Object.entries(plans)) {
        console.log(`| npm run plan -- --stack ${stack} | ${median(times).toFixed(2)} | ${(median(times) / floor).toFixed(2)} |`);
    }
    console.log(`| compile at install (npm run build, once) | ${compile.toFixed(2)} | - |`);
}

main();
