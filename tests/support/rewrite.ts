// Stack files with other values: a user's copy of the examples, or a fixture with the README's placeholders.
import * as fs from "fs";
import * as path from "path";
import { stackFileConfig, projectName, RawConfig } from "../../offline/engine/engine";

/** Old value -> new value: account ids (12 digits) and region names. */
export type Rewrites = Record<string, string>;

/** `text` with every whole occurrence of each old value replaced by its new one (an id inside a longer number is left alone). */
export function rewrite(text: string, rewrites: Rewrites): string {
    return Object.entries(rewrites).reduce((t, [from, to]) =>
        t.replace(new RegExp(`(?<![\\w-])${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`, "g"), to), text);
}

/** A stack file of `dir`, read as the Pulumi CLI reads it after `rewrite`. */
export function rewrittenConfig(dir: string, stack: string, rewrites: Rewrites): RawConfig {
    const file = `Pulumi.${stack}.yaml`;
    return stackFileConfig(file, rewrite(fs.readFileSync(path.join(dir, file), "utf8"), rewrites), projectName());
}
