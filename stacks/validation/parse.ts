// Reading a stack's config: the schema (stacks/config/schema.ts) and every rule, in order, over
// the raw keys; every problem reported together, or the config with its derived defaults.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, problemLines } from "../config/issues";
import { ConfigShape } from "../config/schema";
import { ALWAYS } from "../config/rule";
import { StackConfig, withDerivedDefaults } from "../config/stackConfig";
import { convertSingleTarget } from "../singleTarget";
import { adoptedNames, policySizes } from "./derivedRules";
import { CONFIG_RULES } from "./rules";

/**
 * The schema with its rules across blocks, in order; each runs whatever else failed (ALWAYS). The
 * rules that read a stack's derived names and policies follow, for the stack being read.
 */
const CHECKED = CONFIG_RULES.reduce((schema, rule) => schema.superRefine(rule, ALWAYS), ConfigShape);

/**
 * Validates raw config (the project's namespace, keys without the `project:` prefix) for one
 * stack. Pure: tests call it with plain objects. Throws a ConfigError listing every problem.
 * `otherKeys` are the stack's keys of other namespaces: one that looks like a missing key of
 * ours (`aws:region`) is named in that key's problem. A stack file of the single-target shape
 * (before `targets`) is refused with its conversion: the lines say which keys, the block below
 * them what to write instead, and the other problems are those of the converted file.
 */
export function parseConfig(project: string, stack: string, raw: Record<string, unknown>, otherKeys: string[] = []): StackConfig {
    const file = `Pulumi.${stack}.yaml`;
    const old = convertSingleTarget(project, stack, raw);
    const input = old?.converted ?? raw;
    const result = CHECKED.superRefine(adoptedNames(project, stack), ALWAYS).superRefine(policySizes(project, stack), ALWAYS)
        .safeParse(input);
    const problems = result.success ? [] : problemLines(file, project, ConfigShape, result.error.issues, input, otherKeys);
    if (old) {
        throw new ConfigError([...old.keys.map(key => `${file}: ${project}:${key}: expected the targets list, which replaced ` +
            `targetAccount, deployTarget and manualApproval; found the single-target key; for example the targets block below`),
        ...problems], old.block);
    }
    if (!result.success) {
        throw new ConfigError(problems);
    }
    return withDerivedDefaults(project, stack, result.data);
}

/** Reads and validates the current stack's config from the Pulumi engine. */
export function loadConfig(): StackConfig {
    const project = pulumi.getProject();
    const prefix = `${project}:`;
    const raw: Record<string, unknown> = {};
    const otherKeys: string[] = [];
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = decode(value);
        } else {
            otherKeys.push(key);
        }
    }
    return parseConfig(project, pulumi.getStack(), raw, otherKeys);
}

/** Decodes Pulumi's string config values: structured keys and booleans/numbers arrive as JSON text. */
function decode(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

