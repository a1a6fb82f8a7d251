import fc from "fast-check";
import { checkStack } from "./invariants";
import { StackFile, stackFileText, stackFiles } from "./stackFiles";

export interface PropertyRun {
    seed: number;
    numRuns: number;
    /** fast-check's path to a counterexample: replays it (and its shrinking) without the runs before it. */
    path?: string;
}

/**
 * Checks every invariant on `numRuns` generated stack files. Resolves with undefined when all
 * hold; otherwise with a report: what broke, the smallest stack file fast-check shrank the
 * failure to (pasteable into Pulumi.<stack>.yaml), and how to replay it.
 */
export async function runProperty({ seed, numRuns, path }: PropertyRun): Promise<string | undefined> {
    const result = await fc.check(fc.asyncProperty(stackFiles, checkStack), { seed, numRuns, path, endOnFailure: false });
    if (!result.failed) {
        return undefined;
    }
    const file = result.counterexample?.[0] as StackFile | undefined;
    const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    return [
        `A generated stack breaks an invariant (after ${result.numRuns} runs, shrunk ${result.numShrinks} times):`,
        `  ${error.split("\n").join("\n  ")}`,
        "",
        "The stack file:",
        file ? stackFileText(file) : "(none)",
        "",
        `Replay: npm run fuzz -- --seed ${seed} --runs ${numRuns} --path ${result.counterexamplePath}`,
    ].join("\n");
}
