import { recompiledAndRan } from "./build";
import { parsePlanOptions, PlanOptions, USAGE, UsageError } from "./planArgs";

// The Pulumi runtime records a stack trace for every promise it makes, a large share of an
// offline run; the plan prints messages, never stacks.
Error.stackTraceLimit = 0;

/** `npm run plan -- --stack NAME`: what `pulumi up` would do in each account, offline. */
async function main() {
    if (recompiledAndRan()) {
        return;
    }
    let options: PlanOptions | undefined;
    try {
        options = parsePlanOptions(process.argv.slice(2));
    } catch (e) {
        if (!(e instanceof UsageError)) {
            throw e;
        }
        console.error(`${e.message}\n\n${USAGE}`);
        process.exit(2);
    }
    if (options === undefined) {
        console.log(USAGE);
        return;
    }
    // Loaded only now: a usage error or --help answers without loading Pulumi.
    const { runPlan } = await import("./planRun");
    process.exitCode = await runPlan(options);
}

main().catch(err => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
