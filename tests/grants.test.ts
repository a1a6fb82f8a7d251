import { strict as assert } from "assert";
import fc from "fast-check";
import { onlyRoles, partitionOf } from "../components/policies/document";
import { projectKeys } from "../offline/access/access";
import { evaluate } from "../offline/access/simulator";
import { RawConfig } from "../offline/engine/engine";
import { StackConfig } from "../stacks/config/stackConfig";
import { pathGrants } from "../stacks/grants";
import { stackNames } from "../stacks/names";
import { parseConfig } from "../stacks/validation/parse";
import { configAsRead, stackFiles } from "./properties/stackFiles";
import { EXISTING_TARGET, existingTargetConfig, key, releasePathConfig, targetsOf } from "./support/stacks";

// `grants: organization`: the growing policies admit the organization's roles whose ARNs match
// the path's patterns. What a user relies on: every role of the path is admitted, no other role
// the stack creates is, nor a role of another stack; and the policies stay one size as the path grows.

const P = "cross-account-pipeline";
const ORG = "o-a1b2c3d4e5";
const byOrganization = (raw: RawConfig) => ({ ...raw, [key("grants")]: "organization", [key("organizationId")]: ORG });
const parsed = (raw: RawConfig, stack = "prod") => parseConfig(P, stack, projectKeys(P, raw));

type Grantees = Parameters<typeof onlyRoles>[0];

/** Whether a resource policy admitting `grantees` lets this role (of the grantees' organization) read an object, as IAM decides. */
async function admits(grantees: Grantees, roleArn: string, inOrganization?: string): Promise<boolean> {
    const organization = inOrganization ?? (Array.isArray(grantees) ? ORG : grantees.organizationId);
    const partition = roleArn.split(":")[1];
    const account = roleArn.split(":")[4];
    const { decision } = await evaluate({
        principal: roleArn, action: "s3:GetObject", resource: `arn:${partition}:s3:::store/object`, resourceAccount: account,
        context: { "aws:PrincipalOrgID": organization }, identityPolicies: [],
        resourcePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Read", Effect: "Allow", Action: "s3:GetObject",
            Resource: `arn:${partition}:s3:::store/*`, ...onlyRoles(grantees) }] }),
    });
    return decision === "Allowed";
}

/** The roles a stack creates, by kind: its pipeline account's, and each target's (task and execution roles for created targets only). */
function createdRoles(config: StackConfig) {
    const names = stackNames(config);
    const arn = (account: string, name: string) => `arn:${partitionOf(config.region)}:iam::${account}:role/${name}`;
    return [
        ...Object.values(names.roles).map(n => ({ kind: "pipeline", arn: arn(config.pipelineAccount.accountId, n) })),
        ...config.targets.flatMap((t, i) => {
            const { deploy, task, execution, codeDeploy } = names.targets[i].roles;
            const own = (kind: string, name: string) => ({ kind, arn: arn(t.account.accountId, name) });
            return [own("deploy", deploy), ...t.create ? [own("task", task), own("execution", execution), own("codeDeploy", codeDeploy)] : []];
        }),
    ];
}

/** Which of these roles the grantees admit. */
async function admitted(grantees: Grantees, arns: string[]): Promise<string[]> {
    const decisions = await Promise.all(arns.map(a => admits(grantees, a)));
    return arns.filter((_, i) => decisions[i]);
}

/** Checks the deploy roles' and pullers' grants of one stack against every role it creates and the existing targets' execution roles. */
async function checkOrganizationGrants(config: StackConfig) {
    const grants = pathGrants(config, stackNames(config));
    const roles = createdRoles(config);
    const existingExecution = config.targets.flatMap(t => t.existing ? [t.existing.executionRoleArn] : []);
    const candidates = [...new Set([...roles.map(r => r.arn), ...existingExecution])];
    const of = (kind: string) => new Set([...roles.filter(r => r.kind === kind).map(r => r.arn), ...kind === "execution" ? existingExecution : []]);
    const only = (admittedSet: Set<string>) => candidates.filter(a => admittedSet.has(a));
    assert.deepEqual(await admitted(grants.deployRoles, candidates), only(of("deploy")), "the pipeline role's deploy roles");
    // The same role names in an account of another organization match the patterns, and are refused.
    const [deploy] = only(of("deploy"));
    assert.equal(await admits(grants.deployRoles, deploy, "o-z9y8x7w6v5"), false, `${deploy} in another organization`);
    assert.deepEqual(await admitted(grants.pullers, candidates), only(of("execution")), "the image repository's pullers");
    for (const store of grants.stores) {
        const readers = grants.targets.filter(t => t.region === store.region).map(t => t.deployRoleArn);
        if (readers.length === 0) {
            assert.deepEqual(store.readers, [], `the store in ${store.region}, where no target deploys, admits no one`);
        } else {
            assert.deepEqual(await admitted(store.readers, readers), readers, `the store in ${store.region}`);
        }
    }
}

describe("grants by organization", function () {
    this.timeout(120_000);

    it("admit each role of the path, and no other role the stack creates, on every generated stack granting by organization", async () => {
        const files = fc.sample(stackFiles, { seed: 20261207, numRuns: 200 })
            .map(f => parseConfig(f.project, f.stack, projectKeys(f.project, configAsRead(f))))
            .filter(c => c.grants === "organization");
        assert.ok(files.length >= 20 && files.some(c => c.targets.length > 1), `${files.length} stacks granting by organization`);
        for (const config of files) await checkOrganizationGrants(config);
    });

    it("admit the deploy roles of targets named alike (`a`, `a-b`) but not their CodeDeploy roles, and no role of a stack whose name only starts alike", async () => {
        const raw = byOrganization(releasePathConfig());
        const [staging, , euTarget] = targetsOf(raw);
        raw[key("targets")] = [{ ...staging, name: "a" }, { ...euTarget, name: "a-b" }];
        const config = parsed(raw);
        await checkOrganizationGrants(config);
        const grants = pathGrants(config, stackNames(config));
        const other = parsed(raw, "prodx");
        const otherRoles = createdRoles(other).map(r => r.arn);
        assert.deepEqual(await admitted(grants.deployRoles, otherRoles), []);
        assert.deepEqual(await admitted(grants.pullers, otherRoles), []);
    });

    it("name a target with legacy names by its ARN: the pattern of the others keeps the stack's name whole", async () => {
        const config = parsed(byOrganization(releasePathConfig()));
        assert.ok(config.targets.some(t => t.legacyNames));
        await checkOrganizationGrants(config);
        const otherRoles = createdRoles(parsed(byOrganization(releasePathConfig()), "prodx")).map(r => r.arn);
        const grants = pathGrants(config, stackNames(config));
        assert.deepEqual(await admitted(grants.deployRoles, otherRoles), []);
        assert.deepEqual(await admitted(grants.pullers, otherRoles), []);
    });

    it("admit one target's roles by their whole names: not a role of a project whose name ends with this one's", async () => {
        const raw = byOrganization(releasePathConfig());
        raw[key("targets")] = targetsOf(raw).slice(0, 1);
        const config = parsed(raw);
        await checkOrganizationGrants(config);
        const grants = pathGrants(config, stackNames(config));
        const other = `team-${P}`;
        const otherRoles = createdRoles(parseConfig(other, "prod", projectKeys(other, Object.fromEntries(
            Object.entries(raw).map(([k, v]) => [k.replace(`${P}:`, `${other}:`), v]))))).map(r => r.arn);
        assert.deepEqual(await admitted(grants.deployRoles, otherRoles), []);
        assert.deepEqual(await admitted(grants.pullers, otherRoles), []);
    });

    it("name only the existing targets' roles when no target is created: the repository admits their execution roles and nothing else", () => {
        const config = parsed(byOrganization(existingTargetConfig()), "dev");
        const { pullers } = pathGrants(config, stackNames(config));
        assert.deepEqual(pullers, { organizationId: ORG, rolePatterns: [EXISTING_TARGET.executionRoleArn] });
    });

    it("keep the stores', the repository's and the pipeline role's grants one size however many targets a region has", () => {
        const grantsOf = (n: number) => {
            const raw = byOrganization(releasePathConfig());
            const [staging] = targetsOf(raw);
            raw[key("artifactRetentionDays")] = 365;
            raw[key("targets")] = Array.from({ length: n }, (_, i) => ({ ...staging, name: `t${i}`, create: { ...staging.create, serviceName: `svc-${i}` } }));
            const config = parsed(raw);
            return pathGrants(config, stackNames(config));
        };
        const [two, twenty] = [grantsOf(2), grantsOf(20)];
        assert.deepEqual(twenty.stores, two.stores);
        assert.deepEqual(twenty.pullers, two.pullers);
        assert.deepEqual(twenty.deployRoles, two.deployRoles);
    });
});
