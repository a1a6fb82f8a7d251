import { parseArgs } from "util";

export const USAGE = `Usage: npm run plan -- [--stack NAME | -s NAME | NAME] [--full] [--json] [--base REF [--fail-on-broadening]]

Evaluates the program offline with the stack file Pulumi.<NAME>.yaml (default: dev) and
prints a verdict, then what \`pulumi up\` would create in each account, the cross-account
wiring, and who can do what (summed up, with any request that differs from what the program
expects); writes all of it, the whole access table included, with a diagram to plan/<NAME>.md.

  -s, --stack NAME        the stack to plan (a stack name alone works too)
  --full                  print the whole access table too
  --json                  also write the plan as data to plan/<NAME>.json (with a formatVersion)
  --base REF              also plan the stack at git REF (a branch, tag or commit) with REF's own
                          code, in a temporary worktree, and print "Changes since REF": resources
                          added, removed, renamed and changed, policy statements added and removed,
                          requests newly allowed and no longer allowed; writes plan/<NAME>.changes.md
  --fail-on-broadening    with --base: exit 3 when the change broadens access (a request newly
                          allowed; a policy statement that gains an action, resource or principal,
                          or loses a condition or a deny; a security group that admits more; a new
                          listener, Security Hub exception, account or stack)
  -h, --help              this text

Exit codes: 0 planned (no broadening); 1 the stack does not plan (its problems are printed);
2 bad arguments (also --fail-on-broadening without --base); 3 broadening, with
--fail-on-broadening, after the report; 4 the base cannot be planned (a ref that does not
resolve, a base older than --json, a base that does not install, build or plan), saying which.`;

/** Pulumi's rule for stack names: it also keeps a name from reaching outside this folder. */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export class UsageError extends Error {}

/** What the command line asks for. */
export interface PlanOptions {
    stack: string;
    /** Print the whole access table, not its summary. */
    full: boolean;
    json: boolean;
    base?: string;
    failOnBroadening: boolean;
}

/**
 * What to plan, or undefined for --help. Throws a UsageError for anything else.
 * `npmStack`: what npm took for its own option when `--stack=NAME` came without `--` before
 * it (npm then passes it as `npm_config_stack`, and "true" with `--stack NAME`).
 */
export function parsePlanOptions(args: string[], npmStack = process.env.npm_config_stack): PlanOptions | undefined {
    let parsed;
    try {
        parsed = parseArgs({
            args, allowPositionals: true, strict: true,
            options: {
                stack: { type: "string", short: "s" }, help: { type: "boolean", short: "h" }, json: { type: "boolean" }, full: { type: "boolean" },
                base: { type: "string" }, "fail-on-broadening": { type: "boolean" },
            },
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
    if (values["fail-on-broadening"] && values.base === undefined) {
        throw new UsageError("--fail-on-broadening needs --base REF: broadening is a change since a base");
    }
    if (values.base !== undefined && (values.base === "" || values.base.startsWith("-"))) {
        throw new UsageError(`--base takes a git ref (a branch, tag or commit); found ${JSON.stringify(values.base)}`);
    }
    return { stack, full: !!values.full, json: !!values.json, base: values.base, failOnBroadening: !!values["fail-on-broadening"] };
}
