import { strict as assert } from "assert";
import * as yaml from "js-yaml";
import { evaluate, Evaluation, RawConfig, Resource } from "../offline/engine/engine";
import { projectOf, runBuildspec } from "./support/buildspec";
import { configOf } from "../offline/access/access";
import { stackNames } from "../stacks/names";
import { block, EXISTING_VPC, evaluated, evaluateWith, guardsOf, key, one, targetsOf, fixture, FIXTURE_STACKS } from "./support/stacks";

// Day 2: what a destroy, a re-create and a config change do to what is already there.

/** Inputs that give a resource a fixed physical name (an auto-named resource has none of them). */
const NAME_INPUTS = ["name", "repositoryName", "bucket"];
/** The `adopt` key of each kept resource of the pipeline with a fixed name; each created target's log group has its own, in the target. */
const ADOPT_KEYS: Record<string, string> = {
    "pipeline-repository": "sourceRepository",
    "images": "imageRepository",
    "pipeline-build-logs": "buildLogGroup",
};
const TARGET_LOGS = /^(.*)-logs$/;

/**
 * What `pulumi destroy` leaves behind under a fixed name, found from the registrations: kept
 * resources (not their guards, which name the kept resource instead) that carry their own name.
 * Creating one of them again fails with "already exists".
 */
function keptWithFixedNames(resources: Resource[]): Resource[] {
    const retained = resources.filter(r => r.retainOnDelete && r.custom);
    const guards = guardsOf(resources, retained);
    return retained.filter(r => !guards.includes(r) && NAME_INPUTS.some(i => typeof r.inputs[i] === "string"));
}
const physicalName = (r: Resource) => NAME_INPUTS.map(i => r.inputs[i]).find(n => typeof n === "string") as string;

describe("day 2: re-create after destroy, adopting what the destroy kept", () => {
    for (const stack of FIXTURE_STACKS) {
        describe(`stack ${stack}`, () => {
            let original: Evaluation;
            let adopted: Evaluation;
            let kept: Resource[];
            let config: RawConfig;
            before(async () => {
                original = await evaluated(stack);
                kept = keptWithFixedNames(original.resources);
                config = fixture(stack);
                const names = stackNames(configOf(original)).targets;
                config[key("adopt")] = Object.fromEntries(kept.filter(r => r.name in ADOPT_KEYS).map(r => [ADOPT_KEYS[r.name], physicalName(r)]));
                for (const r of kept.filter(r => !(r.name in ADOPT_KEYS))) {
                    const i = names.findIndex(n => `${n.logical.target}-logs` === r.name);
                    assert.ok(i >= 0, `${r.type} ${r.name}: kept with a fixed name, and no adoption path: a re-create after destroy would fail on it`);
                    targetsOf(config)[i].adopt = { taskLogGroup: physicalName(r) };
                }
                adopted = await evaluate(stack, config);
                assert.ifError(adopted.error);
            });

            it("has an adoption key for every kept resource with a fixed name (the repositories, the build's and every created target's log group)", () => {
                // A source through a connection has no repository of its own: the code is the provider's.
                const codeCommit = block(fixture(stack), "source").provider === undefined;
                const expected = Object.keys(ADOPT_KEYS).filter(name => codeCommit || name !== "pipeline-repository");
                const targets = configOf(original).targets.filter(t => t.create).length;
                assert.deepEqual(kept.filter(r => r.name in ADOPT_KEYS).map(r => r.name).sort(), expected.sort());
                assert.equal(kept.filter(r => TARGET_LOGS.test(r.name) && !(r.name in ADOPT_KEYS)).length, targets);
                assert.equal(targetsOf(config).filter(t => t.adopt).length, targets);
            });

            it("registers each with its name as the import id and the inputs of its original registration (import fails on any difference)", () => {
                for (const r of kept) {
                    const again = one(adopted, r.type, r.name);
                    assert.equal(again.importId, physicalName(r), `${r.type} ${r.name}`);
                    assert.deepEqual(again.inputs, r.inputs, `${r.type} ${r.name}`);
                    assert.equal(again.retainOnDelete, true);
                }
            });

            it("imports nothing else: every other resource is registered as before", () => {
                const others = adopted.resources.filter(r => !kept.some(k => k.type === r.type && k.name === r.name));
                assert.deepEqual(others.filter(r => r.importId).map(r => `${r.type} ${r.name}`), []);
                assert.equal(others.length, original.resources.length - kept.length);
            });
        });
    }
});

/** Every leaf path where two registrations' inputs differ: `networkConfiguration.subnets[0]`. */
function changedPaths(a: unknown, b: unknown, path = ""): string[] {
    if (typeof a === "object" && a !== null && typeof b === "object" && b !== null && Array.isArray(a) === Array.isArray(b)) {
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        return [...keys].flatMap(k => changedPaths((a as any)[k], (b as any)[k],
            Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

/** A path is ignored if an `ignoreChanges` entry is the path or one of its ancestors. */
const ignoredBy = (ignoreChanges: string[]) => (path: string) =>
    ignoreChanges.some(i => path === i || path.startsWith(`${i}.`) || path.startsWith(`${i}[`));

/** The appspec the build renders for the target with legacy names (dev's staging, prod's PROD): the one whose network changes below. */
const appspecOf = (e: Evaluation) => {
    const target = configOf(e).targets.find(t => t.legacyNames)!;
    return yaml.load(runBuildspec(projectOf(e, "pipeline-build")).files[`appspec-${target.name}.yaml`]) as any;
};

/** The network of the target with legacy names. */
const network = (c: RawConfig) => targetsOf(c).find(t => t.legacyNames).create.network ??= {};

const NETWORK_CHANGES: { name: string; stack: string; before: (c: RawConfig) => void; after: (c: RawConfig) => void }[] = [{
    name: "new private subnets in an existing VPC (prod)",
    stack: "prod",
    before: c => { Object.assign(network(c), EXISTING_VPC); },
    after: c => { Object.assign(network(c), EXISTING_VPC, { privateSubnetIds: ["subnet-0e0e0e0e0e0e0e0e0", "subnet-0f0f0f0f0f0f0f0f0"] }); },
}, {
    name: "tasks moved from public to private subnets (dev)",
    stack: "dev",
    before: () => undefined,
    after: c => { network(c).subnets = "private"; },
}];

describe("day 2: changing the network of a running target", () => {
    for (const change of NETWORK_CHANGES) {
        describe(change.name, () => {
            let old: Evaluation;
            let changed: Evaluation;
            before(async () => {
                old = await evaluateWith(change.stack, change.before);
                changed = await evaluateWith(change.stack, change.after);
                assert.ifError(old.error ?? changed.error);
            });

            it("changes only service properties that CodeDeploy owns (the service's ignoreChanges), and tags, so `up` succeeds", () => {
                const [from, to] = [old, changed].map(e => one(e, "aws:ecs/service:Service", "target-service"));
                const paths = changedPaths(from.inputs, to.inputs);
                assert.ok(paths.some(p => p.startsWith("networkConfiguration")), `nothing changed: ${paths}`);
                // Tags change through TagResource and UntagResource, which a CODE_DEPLOY service accepts (here the
                // Security Hub exceptions of public tasks come or go with the network).
                assert.deepEqual(paths.filter(p => !ignoredBy([...to.ignoreChanges, "tags"])(p)), [],
                    `UpdateService would be refused for these on a CODE_DEPLOY service (ignoreChanges: ${to.ignoreChanges})`);
            });

            it("ships the new network with the next deployment: the rendered appspec.yaml changes to the service's new network", () => {
                const [from, to] = [old, changed].map(e => appspecOf(e).Resources[0].TargetService.Properties.NetworkConfiguration);
                const service = one(changed, "aws:ecs/service:Service", "target-service").inputs.networkConfiguration;
                assert.notDeepEqual(to, from);
                assert.deepEqual(to.AwsvpcConfiguration, {
                    Subnets: service.subnets,
                    SecurityGroups: service.securityGroups,
                    AssignPublicIp: service.assignPublicIp ? "ENABLED" : "DISABLED",
                });
            });
        });
    }
});

const CONNECTION = "aws:codeconnections/connection:Connection";
const HOST = "aws:codeconnections/host:Host";
const GHES = { provider: "GitHubEnterpriseServer", repository: "platform/my-service", host: { endpoint: "https://github.example.com" } };

describe("day 2: a source through a connection", () => {
    it("destroy deletes a created connection and host, whatever retainOnDelete says: a kept one would be a credential nobody watches", async () => {
        for (const retain of [true, false]) {
            const e = await evaluateWith("prod", c => { c[key("retainOnDelete")] = retain; c[key("source")] = GHES; });
            assert.ifError(e.error);
            const parts = [one(e, CONNECTION), one(e, HOST)];
            assert.deepEqual(parts.map(r => r.retainOnDelete || r.protect), [false, false]);
        }
    });

    it("a new provider or server replaces the connection, deleting the old one first: its name is fixed and unique in the account", async () => {
        const [github, ghes] = await Promise.all([evaluateWith("prod", () => undefined), evaluateWith("prod", c => { c[key("source")] = GHES; })]);
        const [before, after] = [one(github, CONNECTION), one(ghes, CONNECTION)];
        assert.equal(after.inputs.name, before.inputs.name);
        // providerType and hostArn are the connection's create-only inputs: a change replaces it.
        assert.notDeepEqual([after.inputs.providerType, after.inputs.hostArn], [before.inputs.providerType, before.inputs.hostArn]);
        assert.deepEqual([before.deleteBeforeReplace, after.deleteBeforeReplace, one(ghes, HOST).deleteBeforeReplace], [true, true, true]);
    });
});
