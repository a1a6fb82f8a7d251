import * as fs from "fs";
import * as path from "path";
import { stackFile, stacksDir } from "../offline/root";
import { recompiledAndRan } from "./build";
import { parsePlanArgs, USAGE, UsageError } from "./planArgs";

// The Pulumi runtime records a stack trace for every promise it makes, a large share of an
// offline run; the plan prints messages, never stacks.
Error.stackTraceLimit = 0;

/** `npm run plan -- --stack NAME`: what `pulumi up` would do in each account, offline. */
async function main() {
    if (recompiledAndRan()) {
        return;
    }
    let stack: string | undefined;
    try {
        stack = parsePlanArgs(process.argv.slice(2));
    } catch (e) {
        if (!(e instanceof UsageError)) {
            throw e;
        }
        console.error(`${e.message}\n\n${USAGE}`);
        process.exit(2);
    }
    if (stack === undefined) {
        console.log(USAGE);
        return;
    }
    // Whatever happens next, no earlier plan of this stack is left to be mistaken for this one.
    const file = path.join(stacksDir(), "plan", `${stack}.md`);
    fs.rmSync(file, { force: true });
    // Loaded only now: a usage error, --help or a stack without a stack file answers without loading Pulumi.
    stackFile(stack);
    const { plan } = await import("../offline/plan");
    const result = await plan(stack);
    if (!result.markdown) {
        console.error(result.text);
        process.exit(result.exitCode);
    }
    // --full is checked by parsePlanArgs with the other options.
    console.log(process.argv.includes("--full") ? result.text : result.brief);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, result.markdown);
    console.log(`\nWritten to ${path.relative(process.cwd(), file)}`);
}

main().catch(err => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
