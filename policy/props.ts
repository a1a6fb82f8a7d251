// Reading resource properties as @pulumi/policy hands them over, for the rules of the pack: values
// that may not be known yet (preview), lists written three ways, and resources that configure others.
import type { PolicyResource } from "@pulumi/policy";

export const UNKNOWN = Symbol("unknown");
export type Maybe<T> = T | typeof UNKNOWN;

/**
 * During preview @pulumi/policy hands over props that throw an `UnknownValueError` when a
 * value not known yet (an ARN of a resource still to be created) is read. Reading through
 * this lets a rule skip what it cannot see yet instead of giving up on the whole stack.
 */
export function read<T>(get: () => T): Maybe<T> {
    try {
        return get();
    } catch (e) {
        if ((e as object)?.constructor?.name === "UnknownValueError") {
            return UNKNOWN;
        }
        throw e;
    }
}

/** `x`, `[x, y]` or nothing, as a list: IAM and the AWS provider accept all three. */
export function list<T>(x: T | T[] | undefined | null): T[] {
    return x === undefined || x === null ? [] : Array.isArray(x) ? x : [x];
}

/** A provider's list input: the engine JSON-encodes non-string provider inputs; accept both. */
export function providerList(value: unknown): unknown[] {
    if (typeof value === "string") {
        try {
            return list(JSON.parse(value));
        } catch {
            return [value];
        }
    }
    return list(value as unknown[]);
}

export const label = (type: string, name: string) => `${type} "${name}"`;

/**
 * The resources of `type` that configure `target` through their `property` (a bucket's guards by
 * `bucket`, a VPC's flow logs by `vpcId`, a load balancer's listeners by `loadBalancerArn`). The
 * property's dependencies say it even during preview, when names and ids are not known yet;
 * without them, its value must equal one of the target's `keys`.
 */
export function configuring(target: PolicyResource, type: string, resources: PolicyResource[], property: string,
    keys: string[]): PolicyResource[] {
    const own = keys.map(k => read(() => target.props[k])).filter(v => typeof v === "string");
    return resources.filter(r => {
        if (r.type !== type) {
            return false;
        }
        const deps = r.propertyDependencies?.[property] ?? [];
        if (deps.length > 0) {
            return deps.some(d => d.urn === target.urn);
        }
        const value = read(() => r.props[property]);
        return typeof value === "string" && own.includes(value);
    });
}
