import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectKeys } from "../../offline/access/access";
import { evaluate, Evaluation, projectName, RawConfig, stackFileConfig } from "../../offline/engine/engine";
import { ConfigError } from "../../stacks/config/issues";
import { parseConfig } from "../../stacks/validation/parse";

const FIXTURES = path.join(__dirname, "..", "fixtures");

/** A stack file of the tests' own (tests/fixtures/<name>.yaml), read as the Pulumi CLI reads it. */
export function fixtureConfig(name: string): RawConfig {
    const file = `${name}.yaml`;
    return stackFileConfig(file, fs.readFileSync(path.join(FIXTURES, file), "utf8"), projectName());
}

/** A fixture evaluated as a stack named after it, optionally changed first. */
export function evaluateFixture(name: string, change: (config: RawConfig) => void = () => undefined): Promise<Evaluation> {
    const config = fixtureConfig(name);
    change(config);
    return evaluate(name, config);
}

/** The problems parseConfig reports for a project's keys (without the `project:` prefix) of one stack (none: []). */
export function configProblems(project: string, stack: string, keys: Record<string, unknown>): string[] {
    try {
        parseConfig(project, stack, keys);
        return [];
    } catch (e) {
        if (!(e instanceof ConfigError)) {
            throw e;
        }
        return e.problems;
    }
}

/** The key a problem line is about, as the stack file writes it: `targets[1].account.provisioningRoleArn`. */
export const problemKey = (line: string) => /^Pulumi\.[^:]+\.yaml: [^:]+:(\S+?): expected /.exec(line)?.[1];

/** The problems parseConfig reports for a fixture's stack file as changed (none: []). */
export const problemsOf = (name: string, raw: RawConfig): string[] => configProblems(projectName(), name, projectKeys(projectName(), raw));

/**
 * The problems parseConfig reports for a stack file, as `problemsOf`, checked to be every problem
 * at once: beside another key's problem (an address in notifications.emails that is none, a key no
 * rule between keys reads), the same problems are reported, and that one too.
 */
export function problemsBesideAnother(name: string, raw: RawConfig): string[] {
    const alone = problemsOf(name, raw);
    const key = `${projectName()}:notifications`;
    const notifications = (raw[key] ?? {}) as { emails?: string[] };
    const beside = problemsOf(name, { ...raw, [key]: { ...notifications, emails: [...notifications.emails ?? [], "not-an-email"] } });
    const other = `${projectName()}:notifications.emails: `;
    assert.deepStrictEqual(beside.filter(l => !l.includes(other)), alone, "a problem of notifications.emails hid another");
    assert.strictEqual(beside.length, alone.length + 1, beside.join("\n"));
    return alone;
}

/**
 * The API-model tests' stack (tests/fixtures/models/Pulumi.apimodels.yaml), its project's keys
 * (unprefixed) changed by `change`, as a stack file's config again.
 */
export function modelsStack(change: (keys: Record<string, any>) => void): RawConfig {
    const file = "Pulumi.apimodels.yaml";
    const keys = projectKeys(projectName(), stackFileConfig(file, fs.readFileSync(path.join(FIXTURES, "models", file), "utf8"), projectName()));
    change(keys);
    return Object.fromEntries(Object.entries(keys).map(([k, v]) => [`${projectName()}:${k}`, v]));
}

