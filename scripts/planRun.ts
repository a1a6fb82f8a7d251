import * as fs from "fs";
import * as path from "path";
import type { PlanJson } from "../offline/report/planJson";
import { stackFile, stackFilePath, stacksDir, STACKS_ENV } from "../offline/engine/root";
import { Base, BaseError, checkBase, planAtBase } from "./planBase";
import { PlanOptions } from "./planArgs";

/**
 * What `npm run plan` does once its arguments are read: plans the stack (and with --base the
 * base, in its own processes meanwhile), prints the plan, writes plan/<stack>.md (.json with
 * --json, .changes.md with --base) and returns the exit code (scripts/planArgs.ts's USAGE).
 */
export async function runPlan(o: PlanOptions): Promise<number> {
    if (o.base !== undefined && process.env[STACKS_ENV]) {
        // The base plans the project's own stack file at REF: against a file of another folder it would compare two files.
        console.error(`--base compares the project's Pulumi.${o.stack}.yaml with itself at a git ref; ${STACKS_ENV} names another folder of stack files`);
        return 2;
    }
    const out = (ext: string) => path.join(stacksDir(), "plan", `${o.stack}.${ext}`);
    // Whatever happens next, no earlier plan of this stack is left to be mistaken for this one.
    for (const ext of ["md", "json", "changes.md"]) {
        fs.rmSync(out(ext), { force: true });
    }
    const here = fs.existsSync(stackFilePath(o.stack));
    if (!here && o.base === undefined) {
        stackFile(o.stack);
    }
    let checked: Base | undefined;
    try {
        checked = o.base === undefined ? undefined : checkBase(o.base, o.stack);
    } catch (e) {
        return cannotPlanBase(e);
    }
    // The base plans in processes of its own while this one plans the working tree.
    const base = checked && planAtBase(checked, o.stack).then(json => ({ json }), (error: unknown) => ({ error }));
    // Loaded only now: a stack without a stack file answers without loading Pulumi.
    // The plan as data and the diff only when asked for: a plain plan neither loads nor computes them.
    const [{ evaluate }, { planOf }, data] = await Promise.all([import("../offline/engine/engine"), import("../offline/report/plan"),
        o.json || o.base !== undefined ? Promise.all([import("../offline/report/planJson"), import("../offline/report/planDiff")]) : undefined]);
    const files: [string, string][] = [];
    let text = "";
    let head: PlanJson | undefined;
    if (here) {
        const e = await evaluate(o.stack);
        const result = await planOf(e);
        if (!result.markdown) {
            console.error(result.text);
            await base;
            return result.exitCode;
        }
        text = o.full ? result.text : result.brief!;
        head = data?.[0].planJson(e, result.access!);
        files.push(["md", result.markdown], ...o.json ? [["json", `${JSON.stringify(head, null, 2)}\n`] as [string, string]] : []);
    }
    let exitCode = 0;
    const based = await base;
    if (based && data) {
        try {
            const { section, broadening } = changesSinceBase(o, based, head, data);
            text = text ? `${text}\n\n${section}` : section;
            const markdown = `## Stack \`${o.stack}\`: changes since \`${o.base}\`\n\n\`\`\`text\n${section}\n\`\`\`\n`;
            // The plan's Markdown ends with the section too.
            const plan = files.find(([ext]) => ext === "md");
            if (plan) {
                plan[1] += `\n${markdown}`;
            }
            files.push(["changes.md", markdown]);
            exitCode = o.failOnBroadening && broadening ? 3 : 0;
        } catch (e) {
            exitCode = cannotPlanBase(e);
        }
    }
    console.log(text);
    fs.mkdirSync(path.dirname(out("md")), { recursive: true });
    for (const [ext, content] of files) {
        fs.writeFileSync(out(ext), content);
    }
    if (files.length > 0) {
        console.log(`\nWritten to ${files.map(([ext]) => path.relative(process.cwd(), out(ext))).join(", ")}`);
    }
    return exitCode;
}

/** The modules a plan as data and its diff need: loaded only when asked for. */
type PlanDataModules = [typeof import("../offline/report/planJson"), typeof import("../offline/report/planDiff")];

/**
 * The changes since the base: the section that reports them, and whether they broaden access.
 * Throws (a BaseError) when the base could not be planned or its plan is of another format.
 */
function changesSinceBase(o: PlanOptions, based: { json: PlanJson | undefined } | { error: unknown }, head: PlanJson | undefined,
    [{ PLAN_FORMAT_VERSION }, { diffPlans, renderChanges }]: PlanDataModules) {
    if ("error" in based) {
        throw based.error;
    }
    if (based.json && based.json.formatVersion !== PLAN_FORMAT_VERSION) {
        throw new BaseError(`the plan at ${o.base} has formatVersion ${based.json.formatVersion}; this code reads ${PLAN_FORMAT_VERSION}`);
    }
    if (!head && !based.json) {
        stackFile(o.stack);
    }
    const changes = diffPlans(based.json, head);
    return { section: renderChanges(o.base!, o.stack, changes).join("\n"), broadening: changes.broadening.length > 0 };
}

/** Exit 4 for a base that cannot be planned, saying why; anything else is not the base's fault. */
function cannotPlanBase(e: unknown): number {
    if (!(e instanceof BaseError)) {
        throw e;
    }
    console.error(`The base cannot be planned: ${e.message}`);
    return 4;
}
