// Two plans of one stack compared (`npm run plan -- --base REF`): what the change does to the
// resources, and what it newly allows. A side without the stack is `undefined`. Broadening is
// what a reviewer must look at before the change widens anyone's access (README: Changes
// since a base).
import { DecidingStatement } from "../access/access";
import { asList } from "../access/policies";
import { accessKey, PlanAccess, PlanJson, PlanListener, PlanResource, PlanRule } from "./planJson";
import { PolicyStatement } from "../access/simulator";

export interface PropertyChange {
    path: string;
    before?: unknown;
    after?: unknown;
    /** For a list of strings (dependencies, principals, ARNs): the values it gains and loses, wherever they stand. */
    added?: string[];
    removed?: string[];
}

export interface StatementChanges {
    /** The input that holds the document. */
    input: string;
    added: PolicyStatement[];
    removed: PolicyStatement[];
}

export interface ResourceChange {
    before: PlanResource;
    after: PlanResource;
    properties: PropertyChange[];
    statements: StatementChanges[];
}

export interface PlanChanges {
    /** The stack exists on one side only. */
    stack?: "added" | "removed";
    accounts: { added: string[]; removed: string[] };
    added: PlanResource[];
    removed: PlanResource[];
    /** Renamed through an alias naming the old URN; `properties` what else changed. */
    renamed: ResourceChange[];
    changed: ResourceChange[];
    rules: { added: PlanRule[]; removed: PlanRule[] };
    listeners: { added: PlanListener[]; removed: PlanListener[] };
    exceptions: { added: string[]; removed: string[] };
    /** Requests allowed now and not before (denied, not applicable or not in the table), and the reverse. */
    newlyAllowed: PlanAccess[];
    newlyDenied: { before: PlanAccess; after?: PlanAccess }[];
    /** Why the change broadens access, one line each; empty when it does not. */
    broadening: string[];
}

const EMPTY: PlanJson = {
    formatVersion: 0, project: "", stack: "", accounts: [], resources: [], policies: [], securityGroupRules: [], listeners: [],
    access: [], securityHubExceptions: [],
};

const isObject = (v: unknown): v is object => v !== null && typeof v === "object";

/** A JSON object or array held in an input as text (a policy, a lifecycle policy, a list of variables), or undefined. */
function jsonIn(value: unknown): object | undefined {
    if (typeof value !== "string") {
        return undefined;
    }
    try {
        const parsed: unknown = JSON.parse(value);
        return isObject(parsed) ? parsed : undefined;
    } catch {
        return undefined;
    }
}

/** A policy document's statements, or undefined. */
const statementsOf = (value: object): PolicyStatement[] | undefined => {
    const statements = (value as { Statement?: unknown }).Statement;
    return Array.isArray(statements) ? statements : undefined;
};
const gained = (from: string[], to: string[]) => to.filter(v => !from.includes(v));
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every(x => typeof x === "string");

const canonical = (value: unknown): string => JSON.stringify(value, (_, v) =>
    isObject(v) && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v);

/** Where two values differ, by path; a policy document's differences are its statements', reported apart. */
function differences(before: unknown, after: unknown, path: string, statements: StatementChanges[]): PropertyChange[] {
    if (canonical(before) === canonical(after)) {
        return [];
    }
    const [parsedBefore, parsedAfter] = [jsonIn(before), jsonIn(after)];
    if (parsedBefore && parsedAfter) {
        const [was, is] = [statementsOf(parsedBefore), statementsOf(parsedAfter)];
        if (was && is) {
            const [a, b] = [new Set(was.map(canonical)), new Set(is.map(canonical))];
            statements.push({ input: path, added: is.filter(s => !a.has(canonical(s))), removed: was.filter(s => !b.has(canonical(s))) });
            return [];
        }
        return differences(parsedBefore, parsedAfter, `${path} (JSON)`, statements);
    }
    // A list of strings that only changed its order falls through: its order is what changed.
    if (strings(before) && strings(after) && (gained(before, after).length || gained(after, before).length)) {
        return [{ path, added: gained(before, after), removed: gained(after, before) }];
    }
    if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
        const [x, y] = [before as Record<string, unknown>, after as Record<string, unknown>];
        const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
        return keys.flatMap(k => differences(x[k], y[k], Array.isArray(before) ? `${path}[${k}]` : path ? `${path}.${k}` : k, statements));
    }
    return [{ path, before, after }];
}

function resourceChange(before: PlanResource, after: PlanResource): ResourceChange {
    const statements: StatementChanges[] = [];
    const properties = [...differences(before.inputs, after.inputs, "", statements),
        ...differences({ ...before.options, aliases: [] }, { ...after.options, aliases: [] }, "options", statements)];
    return { before, after, properties, statements };
}

/** The values of a statement's field (Action, Resource, Principal) and of its Not- form. */
function values(s: PolicyStatement, field: "Action" | "Resource" | "Principal"): { is: string[]; not: string[] } {
    const flat = (v: unknown): string[] => v === undefined ? [] : typeof v === "string" ? [v]
        : Array.isArray(v) ? v.map(String) : Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => asList(x).map(y => `${k}:${y}`));
    return { is: flat(s[field]), not: flat(s[`Not${field}` as keyof PolicyStatement]) };
}

/** A statement's conditions: operator and key -> values. */
const conditions = (s: PolicyStatement) => new Map(Object.entries(s.Condition ?? {})
    .flatMap(([op, keys]) => Object.entries(keys).map(([k, v]) => [`${op} ${k}`, asList(v).map(String)] as [string, string[]])));

/**
 * How a condition admits more requests than it did, or nothing: it is gone; an operator that
 * matches any of its values (StringEquals, ArnLike, IpAddress, ...) gains one; a negated one
 * (StringNotEquals, NotIpAddress, ...) loses one; any other (Bool, Null, a comparison) changes.
 * For a Deny the same question is asked the other way round: does it match fewer requests.
 */
function conditionWidens(entry: string, before: string[] | undefined, after: string[] | undefined, allow: boolean): string | undefined {
    if (!(allow ? before : after)) {
        return undefined;
    }
    if (!before || !after) {
        return allow ? `loses condition ${entry} ${before!.join(", ")}` : `gains condition ${entry} ${after!.join(", ")}`;
    }
    const op = entry.split(" ")[0];
    const [from, to] = allow ? [before, after] : [after, before];
    const more = !/Equals|Like|IpAddress/.test(op) || /Numeric|Date/.test(op) ? (canonical(from) === canonical(to) ? [] : to)
        : /Not/.test(op) ? gained(to, from) : gained(from, to);
    return more.length ? `${allow ? "widens" : "weakens"} condition ${entry}: ${before.join(", ")} -> ${after.join(", ")}` : undefined;
}

/**
 * What makes a statement admit more than it did: an Allow that gains an action, resource or
 * principal (or whose Not- lists lose one) or loses a condition; a Deny that loses any of them,
 * gains a condition, or is gone. Matched by Sid (every statement of this program has one).
 */
function widened(before: PolicyStatement | undefined, after: PolicyStatement | undefined): string[] {
    if (!after) {
        // A statement of neither side is never asked about: `before` is the one gone.
        return before!.Effect === "Deny" ? ["loses the deny"] : [];
    }
    const was = before?.Effect === after.Effect ? before : undefined;
    const allow = after.Effect === "Allow";
    if (!was) {
        const scope = (field: "Action" | "Resource" | "Principal") => {
            const { is, not } = values(after, field);
            return [...is, ...not.map(v => `all but ${v}`)].join(", ");
        };
        return allow ? [`is new: allows ${scope("Action")} on ${scope("Resource") || "(the resource it is attached to)"}` +
            `${after.Principal || after.NotPrincipal ? ` to ${scope("Principal")}` : ""}${after.Condition ? ` if ${canonical(after.Condition)}` : ""}`] : [];
    }
    const reasons = (["Action", "Resource", "Principal"] as const).flatMap(field => {
        const [b, a] = [values(was, field), values(after, field)];
        const more = allow ? [...gained(b.is, a.is), ...gained(a.not, b.not).map(v => `(no longer Not${field}) ${v}`)]
            : [...gained(a.is, b.is), ...gained(b.not, a.not).map(v => `(now Not${field}) ${v}`)];
        return more.length ? [`${allow ? "gains" : "no longer denies"} ${field.toLowerCase()} ${more.join(", ")}`] : [];
    });
    const [c, d] = [conditions(was), conditions(after)];
    const changed = [...new Set([...c.keys(), ...d.keys()])].map(k => conditionWidens(k, c.get(k), d.get(k), allow));
    return [...reasons, ...changed.filter((w): w is string => !!w)];
}

const ruleKey = (r: PlanRule) => canonical([r.securityGroup, r.direction, r.protocol, r.fromPort, r.toPort, r.peer]);
const listenerKey = (l: PlanListener) => canonical([l.loadBalancer, l.protocol, l.port]);

function addedAndRemoved<T>(before: T[], after: T[], key: (t: T) => string): { added: T[]; removed: T[] } {
    const [b, a] = [new Set(before.map(key)), new Set(after.map(key))];
    return { added: after.filter(t => !b.has(key(t))), removed: before.filter(t => !a.has(key(t))) };
}

/** `<type> <name>` of a URN: `aws:iam/rolePolicy:RolePolicy deploy-permissions`. */
const urnWords = (urn: string) => {
    const [, , qualified, name] = urn.split("::");
    return qualified === undefined ? urn : `${qualified.split("$").pop()} ${name}`;
};
/** A value in words: each URN in it as its resource's type and name, the rest as it is (CIDRs, ids, ARNs; a rule's peers joined by commas). */
const words = (text: string) => text.replace(/urn:pulumi:[^\s,]+/g, urnWords);

/** The changes from `base` to `head` (either may be undefined: the stack exists on one side only). */
export function diffPlans(base: PlanJson | undefined, head: PlanJson | undefined): PlanChanges {
    const [b, h] = [base ?? EMPTY, head ?? EMPTY];
    const before = new Map(b.resources.map(r => [r.urn, r]));
    const after = new Map(h.resources.map(r => [r.urn, r]));
    const renamed = h.resources.flatMap(r => {
        const old = r.options.aliases.find(u => before.has(u) && !after.has(u));
        return old ? [resourceChange(before.get(old)!, r)] : [];
    });
    const renamedFrom = new Set(renamed.map(c => c.before.urn));
    const changed = h.resources.filter(r => before.has(r.urn)).map(r => resourceChange(before.get(r.urn)!, r))
        .filter(c => c.properties.length || c.statements.length);
    const allowedBefore = new Map(b.access.filter(a => a.decision === "Allowed").map(a => [accessKey(a), a]));
    const headAccess = new Map(h.access.map(a => [accessKey(a), a]));
    const changes: Omit<PlanChanges, "broadening"> = {
        ...!base && head ? { stack: "added" as const } : base && !head ? { stack: "removed" as const } : {},
        accounts: addedAndRemoved(b.accounts, h.accounts, a => a),
        added: h.resources.filter(r => !before.has(r.urn) && !renamed.some(c => c.after === r)),
        removed: b.resources.filter(r => !after.has(r.urn) && !renamedFrom.has(r.urn)),
        renamed, changed,
        rules: addedAndRemoved(b.securityGroupRules, h.securityGroupRules, ruleKey),
        listeners: addedAndRemoved(b.listeners, h.listeners, listenerKey),
        exceptions: addedAndRemoved(b.securityHubExceptions, h.securityHubExceptions, e => e),
        newlyAllowed: h.access.filter(a => a.decision === "Allowed" && !allowedBefore.has(accessKey(a))),
        newlyDenied: [...allowedBefore].filter(([k]) => headAccess.get(k)?.decision !== "Allowed").map(([k, a]) => ({ before: a, after: headAccess.get(k) })),
    };
    return { ...changes, broadening: broadening(changes, b, h) };
}

/** Every way the change broadens access (see the README's list), one line each. */
function broadening(c: Omit<PlanChanges, "broadening">, base: PlanJson, head: PlanJson): string[] {
    const policies = new Map(base.policies.map(p => [p.urn, p]));
    const asked = new Set(base.access.map(accessKey));
    const statementLines = head.policies.flatMap(p => {
        // A renamed resource's policy is compared with the one it had under its old URN.
        const old = policies.get(p.urn) ?? policies.get(c.renamed.find(r => r.after.urn === p.urn)?.before.urn ?? "");
        const was = new Map(old?.statements.map(s => [s.Sid, s]));
        const sids = [...new Set([...p.statements.map(s => s.Sid), ...was.keys()])];
        return sids.flatMap(sid => widened(was.get(sid), p.statements.find(s => s.Sid === sid))
            .map(why => `policy of ${urnWords(p.urn)}: statement ${sid ?? "(no Sid)"} ${why}`));
    });
    return [
        ...c.stack === "added" ? ["the stack is new"] : [],
        ...c.accounts.added.map(a => `account ${a} is new to the stack`),
        ...statementLines,
        ...c.rules.added.map(r => `security group ${words(r.securityGroup)} ${r.direction === "ingress" ? "admits" : "lets out"} ${ruleWords(r)}`),
        ...c.listeners.added.map(l => `new listener ${listenerWords(l)}`),
        ...c.exceptions.added.map(e => `new Security Hub exception ${e}`),
        // A request the table never asked before that only policies it assumes allow (a stranger's Allow *, AWS's default
        // key policy) is a new row about what the stack does not own, not access the stack grants.
        ...c.newlyAllowed.filter(a => asked.has(accessKey(a)) || a.decidedBy.some(s => s.policy))
            .map(a => `newly allowed: ${requestWords(a)}`),
    ];
}

const ruleWords = (r: PlanRule) => `${r.protocol}${r.fromPort === undefined ? "" : ` ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`} ` +
    `${r.direction === "ingress" ? "from" : "to"} ${words(r.peer)}`;
const listenerWords = (l: PlanListener) => `${l.protocol} port ${l.port} on ${words(l.loadBalancer)}`;

/** A request in words: who, what, on which resource, in which context. */
function requestWords(a: PlanAccess): string {
    const context = [...Object.entries(a.context).map(([k, v]) => `${k}=${v}`), ...a.absent.map(k => `no ${k}`)];
    return `${a.principal} ${a.action} on ${a.resource}${context.length ? ` (${context.join(", ")})` : ""}`;
}

const decidedWords = (statements: DecidingStatement[]) => statements.length === 0 ? "no statement allows it"
    : statements.map(s => `${s.policy ? urnWords(s.policy) : "a policy the table assumes"} statement ${s.sid ?? "(no Sid)"}`).join("; ");

const accountsWords = (a: PlanAccess) => `accounts ${a.accounts.principal || "(service)"} -> ${a.accounts.resource || "(none)"}`;

const short = (v: unknown, max = 200) => {
    const text = JSON.stringify(v);
    return text.length > max ? `${text.slice(0, max - 3)}...` : text;
};
const place = (r: PlanResource) => `${r.type} ${r.name} (${r.account ?? "no account"}, ${r.region ?? "no region"})`;

function changeLines(c: ResourceChange): string[] {
    return [
        ...c.properties.map(p => `      ${p.path}: ` + (p.added ? [...p.added.map(v => `+ ${words(v)}`), ...p.removed!.map(v => `- ${words(v)}`)].join("; ")
            : `${p.before === undefined ? "(none)" : short(p.before)} -> ${p.after === undefined ? "(none)" : short(p.after)}`)),
        ...c.statements.flatMap(s => [
            ...s.added.map(st => `      ${s.input}: statement added ${short(st, 1000)}`),
            ...s.removed.map(st => `      ${s.input}: statement removed ${short(st, 1000)}`),
        ]),
    ];
}

/** Whether anything differs at all. */
const hasChanges = (c: PlanChanges) => !!c.stack || [c.accounts.added, c.accounts.removed, c.added, c.removed, c.renamed, c.changed,
    c.rules.added, c.rules.removed, c.listeners.added, c.listeners.removed, c.exceptions.added, c.exceptions.removed, c.newlyAllowed, c.newlyDenied]
    .some(list => list.length > 0);

/** The section "Changes since <ref>" of a plan. */
export function renderChanges(ref: string, stack: string, c: PlanChanges): string[] {
    /** A titled list; `count`: its entries, when an entry takes several lines. */
    const section = (title: string, lines: string[], count = lines.length) => lines.length ? [`  ${title} (${count}):`, ...lines] : [];
    const head = `Changes since ${ref}, stack ${stack}`;
    if (!hasChanges(c)) {
        return [`${head}: no changes (the same resources, policies, rules and access as at ${ref}).`];
    }
    return [`${head}:`,
        ...c.stack ? [`  the stack is ${c.stack === "added" ? `new: Pulumi.${stack}.yaml is not at ${ref}` : `removed: Pulumi.${stack}.yaml is only at ${ref}`}`] : [],
        ...c.broadening.length ? [`  BROADENING: this change widens access (${c.broadening.length}); a person should review it:`,
            ...c.broadening.map(b => `    ! ${b}`)] : ["  No broadening: nobody may do anything they could not before."],
        ...section("accounts added", c.accounts.added.map(a => `    + account ${a}`)),
        ...section("accounts removed", c.accounts.removed.map(a => `    - account ${a}: the stack no longer has resources there`)),
        ...section("resources added", c.added.map(r => `    + ${place(r)}`)),
        ...section("resources removed", c.removed.map(r => `    - ${place(r)}`)),
        ...section("resources renamed through an alias (not replaced)", c.renamed.flatMap(r =>
            [`    ~ ${r.before.type} ${r.before.name} -> ${r.after.name} (${r.after.account}, ${r.after.region})${r.properties.length + r.statements.length ? "" : ": nothing else changes"}`,
                ...changeLines(r)]), c.renamed.length),
        ...section("resources changed", c.changed.flatMap(r => [`    ~ ${place(r.after)}`, ...changeLines(r)]), c.changed.length),
        ...section("security group rules added", c.rules.added.map(r => `    + ${words(r.securityGroup)} ${r.direction} ${ruleWords(r)}`)),
        ...section("security group rules removed", c.rules.removed.map(r => `    - ${words(r.securityGroup)} ${r.direction} ${ruleWords(r)}`)),
        ...section("listeners added", c.listeners.added.map(l => `    + ${listenerWords(l)}`)),
        ...section("listeners removed", c.listeners.removed.map(l => `    - ${listenerWords(l)}`)),
        ...section("Security Hub exceptions added", c.exceptions.added.map(e => `    + ${e}`)),
        ...section("Security Hub exceptions removed", c.exceptions.removed.map(e => `    - ${e}`)),
        ...section("requests newly allowed", c.newlyAllowed.map(a =>
            `    + ${requestWords(a)}; ${accountsWords(a)}; decided by ${decidedWords(a.decidedBy)}`)),
        ...section("requests no longer allowed", c.newlyDenied.map(({ before, after }) =>
            `    - ${requestWords(before)}; ${accountsWords(before)}; ` + (after ? `now ${after.decision}` + (after.reason ? ` (${after.reason})` : `: ${decidedWords(after.decidedBy)}`)
                : "no longer asked: the stack no longer has it"))),
    ];
}
