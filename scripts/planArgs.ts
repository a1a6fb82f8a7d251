import { parseArgs } from "util";

export const USAGE = `Usage: npm run plan -- [--stack NAME | -s NAME | NAME] [--full]

Evaluates the program offline with the stack file Pulumi.<NAME>.yaml (default: dev) and
prints a verdict, then what \`pulumi up\` would create in each account, the cross-account
wiring, and who can do what (summed up, with any request that differs from what the program
expects); writes all of it, the whole access table included, with a diagram to plan/<NAME>.md.

  -s, --stack NAME   the stack to plan (a stack name alone works too)
      --full         print the whole access table too
  -h, --help         this text

Exit codes: 0 planned, 1 the stack does not plan (its problems are printed), 2 bad arguments.`;

/** Pulumi's rule for stack names: it also keeps a name from reaching outside this folder. */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export class UsageError extends Error {}

/**
 * The stack to plan, or undefined for --help. Throws a UsageError for anything else.
 * `npmStack`: what npm took for its own option when `--stack=NAME` came without `--` before
 * it (npm then passes it as `npm_config_stack`, and "true" with `--stack NAME`).
 */
export function parsePlanArgs(args: string[], npmStack = process.env.npm_config_stack): string | undefined {
    let parsed;
    try {
        parsed = parseArgs({
            args, allowPositionals: true, strict: true,
            options: { stack: { type: "string", short: "s" }, help: { type: "boolean", short: "h" }, full: { type: "boolean" } },
        });
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
        return undefined;
    }
    if (positionals.length > 1 || (positionals.length === 1 && values.stack !== undefined && values.stack !== positionals[0])) {
        throw new UsageError(`one stack at a time; found ${[values.stack, ...positionals].filter(Boolean).join(", ")}`);
    }
    const stack = values.stack ?? positionals[0] ?? (npmStack !== undefined && npmStack !== "true" ? npmStack : "dev");
    if (!STACK_NAME.test(stack)) {
        throw new UsageError(`a stack name is 1 to 100 letters, digits, '-', '_' or '.'; found ${JSON.stringify(stack)}`);
    }
    return stack;
}

