// What the offline engine refuses, in one shape for every rule: the Pulumi engine's registration
// rules (offline/engine/engineRules.ts) and AWS's API models and documented limits (offline/engine/apiRules.ts).

/** One thing the real engine or an AWS API would refuse, on one resource. */
export interface Violation {
    /** The resource's logical name (the name it was registered with). */
    name: string;
    /** Its Pulumi type token. */
    type: string;
    /** The input property at fault (`name`, `stages[2].actions[0].name`), or "" for the registration itself. */
    property: string;
    /** What is required, in words: `length at most 64`, `a unique URN`. */
    rule: string;
    /** Where the rule comes from: a file of the Pulumi engine's source, an AWS API model shape, a documentation link. */
    source: string;
    /** What was found, as the user can recognise it. */
    found: string;
}

/** One line per violation: the resource, the property, what was found, the rule and its source. */
export function describeViolation(v: Violation): string {
    const where = v.property ? `${v.name} (${v.type}) ${v.property}` : `${v.name} (${v.type})`;
    return `${where}: expected ${v.rule}; found ${v.found} [${v.source}]`;
}

/** Ends an evaluation: every violation found at once. */
export class EngineRuleError extends Error {
    constructor(readonly violations: Violation[]) {
        super(`the Pulumi engine or AWS would refuse ${violations.length} registration${violations.length === 1 ? "" : "s"}:\n` +
            violations.map(v => `  - ${describeViolation(v)}`).join("\n"));
        this.name = "EngineRuleError";
    }
}
