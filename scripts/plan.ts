import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../offline/engine";
import { plan } from "../offline/plan";
import { recompiledAndRan } from "./build";

// The Pulumi runtime records a stack trace for every promise it makes, a large share of an
// offline run; the plan prints messages, never stacks.
Error.stackTraceLimit = 0;

/** `npm run plan -- --stack NAME`: what `pulumi up` would do in each account, offline. */
async function main() {
    if (recompiledAndRan()) {
        return;
    }
    const i = process.argv.indexOf("--stack");
    const stack = i >= 0 ? process.argv[i + 1] : "dev";
    const result = await plan(stack);
    if (!result.markdown) {
        console.error(result.text);
        process.exit(result.exitCode);
    }
    console.log(result.text);
    const file = path.join(ROOT, "plan", `${stack}.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, result.markdown);
    console.log(`\nWritten to ${path.relative(process.cwd(), file)}`);
}

main().catch(err => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
