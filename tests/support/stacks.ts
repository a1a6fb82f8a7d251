import { Evaluation, evaluate, readStackConfig, RawConfig, Resource } from "../../offline/engine";

const cache = new Map<string, Promise<Evaluation>>();

/** The committed stack, evaluated once per test process. */
export function evaluated(stack: string): Promise<Evaluation> {
    if (!cache.has(stack)) {
        cache.set(stack, evaluate(stack));
    }
    return cache.get(stack)!;
}

/** A stack's committed config with a change, evaluated afresh. */
export function evaluateWith(stack: string, change: (config: RawConfig) => void): Promise<Evaluation> {
    const config = structuredClone(readStackConfig(stack));
    change(config);
    return evaluate(stack, config);
}

/** The one resource of a type (and name, when a type has several). */
export function one(e: Evaluation, type: string, name?: string): Resource {
    const found = e.resources.filter(r => r.type === type && (name === undefined || r.name === name));
    if (found.length !== 1) {
        throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    }
    return found[0];
}

export const all = (e: Evaluation, type: string) => e.resources.filter(r => r.type === type);

/** A structured block of the project's config, as the stack file has it. */
export function block<T = any>(config: RawConfig, key: string): T {
    return config[`cross-account-pipeline:${key}`] as T;
}
