import { strict as assert } from "assert";
import { AccessRow, AccessTable, AccessWorld, actionsOf, configOf } from "../offline/access/access";
import { accessTable, MUTATION_EXCEPTIONS, Widening } from "../offline/report/accessTable";
import { evaluate, RawConfig } from "../offline/engine/engine";
import { asList, registeredPolicies } from "../offline/access/policies";
import { PolicyDocument, PolicyStatement } from "../offline/access/simulator";
import { parseConfig } from "../stacks/validation/parse";
import { evaluated, EXISTING_VPC, key, releasePathConfig, fixture, FIXTURE_STACKS, targetsOf } from "./support/stacks";
import { configuredAbsence } from "./support/absence";
import { checkPolicyStatements } from "./properties/invariants";

const label = (row: AccessRow) => `${row.principal} | ${actionsOf(row).join(", ")} | ${row.resource} -> ${row.expect}`;

/**
 * The stacks the table runs on: the committed ones; prod's grown release path; prod granting by
 * organization; dev with its target in an existing VPC (whose rows the others cannot reach: no flow
 * logs). `shared`: the evaluation other test files share (tests/support/stacks.ts). `mutations`:
 * each Allow statement widened must flip a row; dev in an existing VPC registers dev's statements
 * less the flow logs', which dev's run widens already.
 */
const STACKS: { name: string; stack: string; config: RawConfig; mutations: boolean; shared?: string }[] = [
    ...FIXTURE_STACKS.map(stack => ({ name: stack, stack, config: fixture(stack), mutations: true, shared: stack })),
    { name: "prod's grown release path", stack: "prod", config: releasePathConfig(), mutations: true, shared: "path" },
    { name: "prod, granting by organization", stack: "prod",
        config: { ...releasePathConfig(), [key("grants")]: "organization", [key("organizationId")]: "o-a1b2c3d4e5" }, mutations: false },
    { name: "dev, its target in an existing VPC", stack: "dev", config: inExistingVpc(), mutations: false },
];

/** dev with its created target in a VPC the user already has: the network log bucket takes the load balancer's logs only. */
function inExistingVpc(): RawConfig {
    const config = structuredClone(fixture("dev"));
    targetsOf(config)[0].create.network = EXISTING_VPC;
    return config;
}

/** A stack's table, known before the stack is evaluated: its rows become tests. */
function tableOf(stack: string, config: RawConfig): AccessTable {
    const project = "cross-account-pipeline";
    const keys = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(`${project}:`)).map(([k, v]) => [k.slice(project.length + 1), v]));
    return accessTable(parseConfig(project, stack, keys));
}

const ALL_WIDENINGS: Widening[] = ["principal -> account root", "principal -> *", "action -> service:*", "resource -> *"];
const isPrincipalKey = (key: string) => /^aws:principal(arn|account)$/i.test(key);

/** Any principal of `Principal`: the statement without the conditions that say who the principal is. */
function anyPrincipal(s: PolicyStatement, Principal: PolicyStatement["Principal"]): PolicyStatement {
    const { Condition, ...rest } = s;
    const kept = Object.entries(Condition ?? {})
        .map(([op, keys]) => [op, Object.fromEntries(Object.entries(keys).filter(([k]) => !isPrincipalKey(k)))] as const)
        .filter(([, keys]) => Object.keys(keys).length > 0);
    return kept.length > 0 ? { ...rest, Principal, Condition: Object.fromEntries(kept) } : { ...rest, Principal };
}

/** Each way to widen one Allow statement; a widening that changes nothing is left out. */
function widenings(s: PolicyStatement, ownerAccount: string): [Widening, PolicyStatement][] {
    const out: [Widening, PolicyStatement][] = [];
    if (s.Principal && s.Principal !== "*") {
        const arns = "AWS" in s.Principal ? asList(s.Principal.AWS) : [];
        const accounts = arns.length > 0 ? arns.map(a => a.split(":")[4]) : [ownerAccount];
        const roots = [...new Set(accounts)].map(a => `arn:aws:iam::${a}:root`); // committed stacks are in the aws partition
        out.push(["principal -> account root", anyPrincipal(s, { AWS: roots })]);
        out.push(["principal -> *", anyPrincipal(s, "*")]);
    }
    const services = [...new Set(asList(s.Action).map(a => `${a.split(":")[0]}:*`))];
    out.push(["action -> service:*", { ...s, Action: services }]);
    if (s.Resource !== undefined) {
        out.push(["resource -> *", { ...s, Resource: "*" }]);
    }
    // "a" and ["a"] are the same grant.
    const normal = (x: PolicyStatement) => JSON.stringify(x, (_, v) => Array.isArray(v) && v.length === 1 ? v[0] : v);
    return out.filter(([, w]) => normal(w) !== normal(s));
}

describe("access table", function () {
    for (const { name, stack, config, mutations, shared } of STACKS) {
        describe(`stack ${name}`, () => {
            let world: AccessWorld;
            /** The table made again for each run of the tests (a mutation run's mutant may change it); the one made here names them. */
            let rows: AccessRow[];
            before(async () => {
                const e = await (shared ? evaluated(shared) : evaluate(stack, config));
                world = new AccessWorld(tableOf(stack, config), e, configOf(e));
                rows = world.table.rows;
            });

            tableOf(stack, config).rows.forEach((named, index) => {
                it(label(named), async () => {
                    const row = rows[index];
                    // A row that does not apply must not apply by config (the other kind of source, another value of a key),
                    // or be about what an existing target's config does not name: its CodeDeploy role, listeners, ...
                    const absence = world.absence(row);
                    const byConfig = configuredAbsence(world.table, row, world.config);
                    assert.ok(Boolean(absence) === Boolean(byConfig) || (absence && world.config.targets.find(t => t.name === row.target)?.existing), absence);
                    if (absence) {
                        return;
                    }
                    const decisions = await world.decide(row);
                    actionsOf(row).forEach((action, i) => assert.equal(decisions[i], row.expect, `${action}: ${row.why}`));
                });
            });

            // A misspelt action in a policy silently matches nothing; an Allowed row using it would fail.
            it("exercises every action the program grants in at least one Allowed row", () => {
                const exercised = rows.filter(r => r.expect === "Allowed").flatMap(actionsOf);
                const matches = (pattern: string) => {
                    const re = new RegExp(`^${pattern.split("*").map(p => p.replace(/[.?+^$()|[\]{}\\]/g, "\\$&")).join(".*")}$`, "i");
                    return exercised.some(a => re.test(a));
                };
                const unexercised = registeredPolicies(world.evaluation).flatMap(p =>
                    (p.document.Statement as PolicyStatement[])
                        .filter(s => s.Effect === "Allow")
                        .flatMap(s => asList(s.Action).filter(a => !matches(a)).map(a => `${p.resource.name} ${s.Sid}: ${a}`)));
                assert.deepEqual(unexercised, []);
            });

            // Prod granting by organization runs its rows only: the widenings of `*` principals are the opt-in itself.
            // Dev in an existing VPC too (see STACKS).
            (mutations ? it : () => undefined)("flips a row for every widening of every Allow statement, except the listed ones", async () => {
                const applicable = rows.filter(row => !world.absence(row));
                const baseline = new Map(await Promise.all(applicable.map(async row => [row, await world.decide(row)] as const)));
                const users = new Map(applicable.map(row => [row, world.uses(row)]));
                const survivors: string[] = [];
                // Widenings that change nothing (already `*`, already the root) are not tried.
                const skipped = new Set<string>();
                for (const policy of registeredPolicies(world.evaluation)) {
                    const urn = policy.resource.urn;
                    const original = world.documents.get(urn)!;
                    const affected = applicable.filter(row => users.get(row)!.includes(urn));
                    for (const [i, statement] of original.Statement.entries()) {
                        if (statement.Effect !== "Allow") {
                            continue;
                        }
                        const tried = widenings(statement, policy.resource.account!);
                        ALL_WIDENINGS.filter(w => !tried.some(([t]) => t === w)).forEach(w => skipped.add(`${statement.Sid}: ${w}`));
                        for (const [widening, wider] of tried) {
                            const mutated: PolicyDocument = { ...original, Statement: original.Statement.map((s, j) => j === i ? wider : s) };
                            world.documents.set(urn, mutated);
                            let flipped = false;
                            for (const row of affected) {
                                const now = await world.decide(row);
                                if (now.some((d, k) => d !== baseline.get(row)![k])) {
                                    flipped = true;
                                    break;
                                }
                            }
                            world.documents.set(urn, original);
                            if (!flipped) {
                                survivors.push(`${statement.Sid}: ${widening}`);
                            }
                        }
                    }
                }
                // An exception about a statement this stack does not register (the notification topic's, without notifications) is not tried.
                const sids = new Set(registeredPolicies(world.evaluation).flatMap(p => (p.document.Statement as PolicyStatement[]).map(s => s.Sid)));
                const excepted = new Set(MUTATION_EXCEPTIONS.filter(e => sids.has(e.sid)).map(e => `${e.sid}: ${e.widening}`));
                assert.deepEqual(survivors.filter(s => !excepted.has(s)), [],
                    "a widening flipped no row: add a row that it would allow, or narrow the grant");
                assert.deepEqual([...excepted].filter(e => !survivors.includes(e) && !skipped.has(e)), [],
                    "these exceptions are no longer needed: a row now catches them");
            });
        });
    }
});

describe("policy statements", () => {
    for (const [name, shared] of [...FIXTURE_STACKS.map(st => [st, st] as const), ["prod's grown release path", "path"] as const]) {
        it(`${name}: every statement of every registered policy has a descriptive Sid, unique in its document`, async () => {
            const e = await evaluated(shared);
            assert.ok(registeredPolicies(e).length >= 9, "the program registers trust, identity, key and bucket policies");
            checkPolicyStatements(e);
        });

        it(`${name}: attaches no managed policies to the roles it creates`, async () => {
            const { resources } = await evaluated(shared);
            // A customer-managed policy is made only as a Slack channel's guardrail (prod's grown path has one): it caps, attached to nothing.
            const guardrails = new Set(resources.filter(r => r.type.startsWith("aws:chatbot/")).flatMap(r => r.inputs.guardrailPolicyArns ?? []));
            const attachments = resources.filter(r => /^aws:iam\/(rolePolicyAttachment|policyAttachment|policy):/.test(r.type) &&
                !(r.type === "aws:iam/policy:Policy" && guardrails.has(r.state.arn)));
            assert.deepEqual(attachments.map(r => `${r.type} ${r.name}`), []);
            const roles = resources.filter(r => r.type === "aws:iam/role:Role");
            assert.ok(roles.length >= 4);
            for (const role of roles) {
                assert.deepEqual(role.inputs.managedPolicyArns ?? [], [], `${role.name} has managed policies`);
                assert.equal(role.inputs.inlinePolicies, undefined, `${role.name}: inline policies belong in aws.iam.RolePolicy`);
            }
        });
    }
});
