// The IAM policy documents in a resource's properties, and how the pack's rules read them: their
// statements, principals, condition values and action patterns, as IAM matches them.
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { label, list, providerList, read, UNKNOWN } from "./props";

export interface Statement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    NotPrincipal?: unknown;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

/** A policy document found in a resource's properties: where it was, and its statements. */
export interface FoundDocument {
    /** Property path, e.g. `assumeRolePolicy` or `inlinePolicies[0].policy`. */
    path: string;
    statements: Statement[];
}

const isDocument = (v: unknown): v is { Statement: Statement | Statement[] } =>
    typeof v === "object" && v !== null && !Array.isArray(v) && "Statement" in v;

/**
 * Every IAM policy document in a resource's properties, whatever the resource type: a role's
 * trust and inline policies, a role/managed policy, a key, bucket or repository policy, and
 * whatever a later change adds. A document is a JSON string (what the provider receives) or
 * an object with a `Statement`. A policy whose value is not known yet (preview) is read
 * anyway, so the engine reports that the rule could not run rather than a silent pass.
 */
export function policyDocuments(props: Record<string, any>): FoundDocument[] {
    const found: FoundDocument[] = [];
    const visit = (get: () => unknown, path: string, key: string) => {
        // A policy itself is read plainly; anything else (a role name, an ARN) may be skipped while unknown.
        const value = /polic(y|ies)$/i.test(key) ? get() : read(get);
        if (value === UNKNOWN) {
            return;
        }
        let parsed = value;
        if (typeof value === "string" && value.trimStart().startsWith("{")) {
            try {
                parsed = JSON.parse(value);
            } catch {
                return;
            }
        }
        if (isDocument(parsed)) {
            found.push({ path, statements: list(parsed.Statement) });
        } else if (Array.isArray(parsed)) {
            // Index by index: iterating a props array whole would read its unknown elements too.
            for (let i = 0; i < parsed.length; i++) {
                visit(() => (parsed as unknown[])[i], `${path}[${i}]`, key);
            }
        } else if (typeof parsed === "object" && parsed !== null) {
            for (const k of Object.keys(parsed)) {
                visit(() => (parsed as Record<string, unknown>)[k], path ? `${path}.${k}` : k, k);
            }
        }
    };
    for (const key of Object.keys(props)) {
        visit(() => props[key], key, key);
    }
    return found;
}

const allows = (s: Statement) => s.Effect === "Allow";

/** `"*"`, `{AWS: "*"}` or `{AWS: [..., "*"]}`: anyone, in any account. */
export function principalIsEveryone(principal: unknown): boolean {
    if (principal === "*") {
        return true;
    }
    return typeof principal === "object" && principal !== null
        && list((principal as Record<string, string | string[]>).AWS).includes("*");
}

export function awsPrincipals(principal: unknown): string[] {
    return typeof principal === "object" && principal !== null
        ? list((principal as Record<string, string | string[]>).AWS).filter(p => p !== "*")
        : [];
}

/** Values of one condition key under the given operators (operator and key compared case-insensitively). */
export function conditionValues(s: Statement, operators: string[], key: string): unknown[] {
    const ops = operators.map(o => o.toLowerCase());
    return Object.entries(s.Condition ?? {})
        .filter(([op]) => ops.includes(op.toLowerCase()))
        .flatMap(([, block]) => Object.entries(block ?? {})
            .filter(([k]) => k.toLowerCase() === key.toLowerCase())
            .flatMap(([, v]) => list(v as unknown)));
}

/** IAM wildcard matching of an action pattern (`*`, `?`) against an action, case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
    const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${regex}$`, "i").test(action);
}

export const ROLE_ARN = /^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** The account of an AWS principal, and whether it is the account root, a role or something else. */
export function parsePrincipal(p: string): { account: string; kind: "root" | "role" | "other" } | undefined {
    if (/^\d{12}$/.test(p)) {
        return { account: p, kind: "root" };
    }
    const m = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):(.*)$/.exec(p);
    if (!m) {
        return undefined;
    }
    return { account: m[1], kind: m[2] === "root" ? "root" : ROLE_ARN.test(p) ? "role" : "other" };
}

/** The accounts a resource may live in: its provider's `allowedAccountIds`. */
export function accountsOf(provider: ResourceValidationArgs["provider"]): string[] {
    const ids = provider ? read(() => providerList(provider.props.allowedAccountIds)) : [];
    return ids === UNKNOWN ? [] : ids.map(String);
}

const statementName = (s: Statement, i: number) => s.Sid ? `statement "${s.Sid}"` : `statement #${i + 1}`;

/** A resource-level check run on every Allow statement of every policy document of any resource. */
export function eachAllowStatement(check: (s: Statement, where: string, args: ResourceValidationArgs, report: (m: string) => void) => void) {
    return (args: ResourceValidationArgs, report: ReportViolation) => {
        for (const doc of policyDocuments(args.props)) {
            doc.statements.forEach((s, i) => {
                // Only grants can be too broad; Deny statements narrow.
                if (allows(s)) {
                    check(s, `${label(args.type, args.name)}: ${doc.path} ${statementName(s, i)}`, args, m => report(m));
                }
            });
        }
    };
}
