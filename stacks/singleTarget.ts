// Stack files of the single-target shape (before `targets`: targetAccount, deployTarget,
// manualApproval, adopt.taskLogGroup) are refused with their conversion, which the error shows:
// one target with `legacyNames`, so the converted stack keeps every name and URN it had.
import * as yaml from "js-yaml";
import { isBlock } from "./config/issues";

/** The keys only the single-target shape has. */
const OLD_KEYS = ["targetAccount", "deployTarget", "manualApproval"];

/**
 * The converted config of a single-target stack file, the keys that gave it away, and the
 * `targets` block to paste; undefined for a file of the current shape.
 */
export function convertSingleTarget(project: string, stack: string, raw: Record<string, unknown>) {
    const keys = OLD_KEYS.filter(k => k in raw);
    const adopt = isBlock(raw.adopt) ? raw.adopt : {};
    if (keys.length === 0 && !("taskLogGroup" in adopt)) {
        return undefined;
    }
    const { targetAccount, deployTarget, manualApproval, ...rest } = raw;
    const { taskLogGroup, ...pipelineAdopt } = adopt;
    const target = {
        name: targetName(stack),
        legacyNames: true,
        account: targetAccount,
        // The old default: a manual approval before the deploy.
        approval: manualApproval ?? true,
        ...(isBlock(deployTarget) ? deployTarget : {}),
        ...(taskLogGroup === undefined ? {} : { adopt: { taskLogGroup } }),
    };
    const converted: Record<string, unknown> = { ...rest, targets: [target], ...("adopt" in raw ? { adopt: pipelineAdopt } : {}) };
    const text = yaml.dump({ [`${project}:targets`]: [target] }, { lineWidth: -1, noRefs: true }).trimEnd();
    const block = "Replace them with this targets block (the same pipeline; its target keeps every name and URN it had):\n" +
        text.split("\n").map(line => `  ${line}`).join("\n");
    return { keys: [...keys, ...("taskLogGroup" in adopt ? ["adopt.taskLogGroup"] : [])], converted, block };
}

/** A target name from the stack's: lowercase letters, digits and single `-`s, starting with a letter, at most 24 (a cut leaves at most one `-` at the end). */
function targetName(stack: string): string {
    const name = stack.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^[^a-z]+/, "").slice(0, 24).replace(/-$/, "");
    return name || "target";
}
