// The shape of an FSBP control of the policy pack (policy/securityHub.ts), and how its checks read
// a resource's properties: a value not known yet (preview) is UNKNOWN and fails nothing.
import type { PolicyResource } from "@pulumi/policy";
import { list, read, UNKNOWN } from "./props";

export interface FsbpControl {
    /** Security Hub's control id: `ECS.12`. */
    id: string;
    /** Security Hub's title of the control. */
    title: string;
    /** The rule's name where it predates this list; else `security-hub-<id>`. */
    name?: string;
    /** What the rule checks, in the program's terms. */
    checks: string;
    /** The Pulumi types of the resources the control evaluates. */
    types: string[];
    /** Of those types, the resources it evaluates; all of them when absent. */
    appliesTo?(r: PolicyResource): boolean;
    /** The check reads other resources of the stack: a stack rule (after the update); else a resource rule (before it). */
    stack?: true;
    /** Why a resource fails the control; none when it passes. Values not known yet (preview) fail nothing. */
    failures(r: PolicyResource, stack: PolicyResource[]): string[];
    /** The controls a resource declares as exceptions, where not in its own tags. */
    declared?(r: PolicyResource): string[];
}

/** The CodeBuild project type: the build's checks and the checks of the task definitions it renders read it. */
export const PROJECT = "aws:codebuild/project:Project";

/** A property by path; UNKNOWN while it is not known (preview). */
export function at(r: PolicyResource, ...path: string[]): unknown {
    return read(() => path.reduce<any>((v, k) => v?.[k], r.props));
}

/** A CodeBuild project's environment variables; a value not known yet (an ARN, in preview) is UNKNOWN. */
export function environmentOf(r: PolicyResource): Record<string, { value: unknown; type: unknown }> {
    const variables = at(r, "environment", "environmentVariables");
    return Object.fromEntries(list(variables === UNKNOWN ? [] : variables as any[])
        .map(v => [v.name, { value: read(() => v.value), type: read(() => v.type) }]));
}

/** The failure when `bad` holds for a known value. */
export const when = (value: unknown, bad: (v: any) => boolean, failure: string): string[] => value !== UNKNOWN && bad(value) ? [failure] : [];
