// What every rule of the schema uses, within one block (blockRules.ts) or across the whole config
// (stacks/validation/rules.ts): whether the keys it reads parsed, and how it reports a problem.
import { z } from "zod";
import { Path } from "./issues";

// Each rule runs whatever else failed (ALWAYS) and first asks `valid` whether the keys it reads
// parsed cleanly, so one mistake is reported once, at its own key, and never again as a mismatch
// with another key.

export type Ctx = z.core.$RefinementCtx;

/** A rule's option: it runs whatever else failed. */
export const ALWAYS = { when: () => true };

/** False when a value's issue (not an unknown key, not another rule's mismatch) is at, below or above one of these keys. */
export function valid(ctx: Ctx, ...paths: Path[]): boolean {
    // One is a prefix of the other: their common length is equal (slice stops at the shorter).
    const overlaps = (a: PropertyKey[], b: Path) => a.slice(0, b.length).every((k, i) => k === b[i]);
    return !ctx.issues.some(i => i.code !== "unrecognized_keys" && !(i.code === "custom" && i.params?.kind !== "value") &&
        paths.some(p => overlaps(i.path ?? [], p)));
}

/**
 * Reports a rule's problem: the key, what was expected there, and an example that would pass.
 * A cross-field problem leaves the values valid for other rules; one that `supersedes` hides
 * the problems below its key (inside a block that must go anyway).
 */
export function problem(ctx: Ctx, path: Path, expected: string, example: string, kind: "value" | "crossField" | "supersedes" = "crossField") {
    ctx.addIssue({ code: "custom", path, message: expected, params: { expected, example, kind } });
}

