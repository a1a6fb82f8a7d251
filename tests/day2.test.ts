import { strict as assert } from "assert";
import * as yaml from "js-yaml";
import { Evaluation, RawConfig } from "../offline/engine";
import { projectOf, runBuildspec } from "./support/buildspec";
import { block, evaluateWith, one } from "./support/stacks";

// Day 2 on a running target: what a config change does to what is already there.

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

const appspecOf = (e: Evaluation) => yaml.load(runBuildspec(projectOf(e, "pipeline-build")).files["appspec.yaml"]) as any;

const EXISTING_VPC = {
    vpcId: "vpc-0123456789abcdef0",
    publicSubnetIds: ["subnet-0a0a0a0a0a0a0a0a0", "subnet-0b0b0b0b0b0b0b0b0"],
    privateSubnetIds: ["subnet-0c0c0c0c0c0c0c0c0", "subnet-0d0d0d0d0d0d0d0d0"],
};
const network = (c: RawConfig) => block(c, "deployTarget").create.network ??= {};

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

            it("changes only service properties that CodeDeploy owns (the service's ignoreChanges), so `up` succeeds", () => {
                const [from, to] = [old, changed].map(e => one(e, "aws:ecs/service:Service"));
                const paths = changedPaths(from.inputs, to.inputs);
                assert.ok(paths.some(p => p.startsWith("networkConfiguration")), `nothing changed: ${paths}`);
                assert.deepEqual(paths.filter(p => !ignoredBy(to.ignoreChanges)(p)), [],
                    `UpdateService would be refused for these on a CODE_DEPLOY service (ignoreChanges: ${to.ignoreChanges})`);
            });

            it("ships the new network with the next deployment: the rendered appspec.yaml changes to the service's new network", () => {
                const [from, to] = [old, changed].map(e => appspecOf(e).Resources[0].TargetService.Properties.NetworkConfiguration);
                const service = one(changed, "aws:ecs/service:Service").inputs.networkConfiguration;
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
