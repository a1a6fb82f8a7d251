import { strict as assert } from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { Resource } from "../offline/engine/engine";
import { evaluationOf, handmade, handmadeUrn } from "./support/handmade";
import { resourceArgs, stackArgs, violations } from "../offline/engine/policyArgs";

// The harness that hands the program's resources to the policy pack as @pulumi/policy would
// (offline/engine/policyArgs.ts), on an evaluation of the tests' own: secrets at any depth,
// options, providers, parents and dependencies, and the analyzer's handling of notApplicable.

const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const resource = (name: string, type: string, extra: Partial<Resource> = {}) => handmade(name, { type, ...extra });

const stack = resource("s", "pulumi:pulumi:Stack", { custom: false });
const provider = resource("dev", "pulumi:providers:aws", { inputs: { region: "eu-west-1", accessKey: secret("AKIA") } });
const component = resource("store", "cross-account-pipeline:store:Store", { custom: false, parent: stack.urn, providers: { aws: `${provider.urn}::dev-id` } });
const role = resource("role", "aws:iam/role:Role", {
    parent: component.urn, provider: `${provider.urn}::dev-id`, protect: true, ignoreChanges: ["tags"],
    inputs: { name: "r", tags: [secret("a"), { inner: secret({ deep: secret("b") }) }], count: 1, none: null },
    state: { name: "r", arn: secret("arn:aws:iam::111111111111:role/r") },
    dependencies: [provider.urn, handmadeUrn("gone")], propertyDependencies: { name: [component.urn] },
});
const e = evaluationOf([stack, provider, component, role]);
const Role = { __pulumiType: "aws:iam/role:Role" };
const Bucket = { __pulumiType: "aws:s3/bucket:Bucket" };

describe("the policy pack's view of the program's resources", () => {
    it("validateResource: every resource but the stack, its inputs with each secret's plain value at any depth, its options and provider", () => {
        const args = resourceArgs(e);
        assert.deepEqual(args.map(a => a.name), ["dev", "store", "role"]);
        const r = args[2];
        assert.deepEqual(r.props, { name: "r", tags: ["a", { inner: { deep: "b" } }], count: 1, none: null });
        assert.deepEqual(r.opts, { protect: true, ignoreChanges: ["tags"], aliases: [], additionalSecretOutputs: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, parent: component.urn });
        assert.deepEqual(r.provider, { type: "pulumi:providers:aws", props: { region: "eu-west-1", accessKey: "AKIA" }, urn: provider.urn, name: "dev" });
        assert.equal(args[1].provider?.urn, provider.urn, "a component's provider is its providers' aws entry");
        assert.equal(args[0].provider, undefined);
        assert.equal(args[0].opts.parent, undefined);
        assert.deepEqual([r.isType(Role as never), r.isType(Bucket as never)], [true, false]);
        assert.deepEqual([r.asType(Role as never), r.asType(Bucket as never)], [r.props, undefined]);
        assert.throws(() => r.notApplicable("not a bucket"), (err: Error) => err.message === "not a bucket");
        const shown = resourceArgs(e, (props, res) => ({ ...props, seen: res.name }));
        assert.equal(shown[2].props.seen, "role");
    });

    it("validateStack: every resource with its outputs, parent and (property) dependencies as the resources themselves", () => {
        const { resources } = stackArgs(e);
        const r = resources.find(x => x.name === "role")!;
        assert.deepEqual(r.props, { name: "r", arn: "arn:aws:iam::111111111111:role/r" });
        assert.equal(r.parent?.name, "store");
        assert.deepEqual(r.dependencies.map(d => d.name), ["dev"], "a dependency on nothing registered is dropped");
        assert.deepEqual(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map(d => d.name)]), [["name", ["store"]]]);
        assert.equal(resources.length, 4, "the stack too");
    });

    it("runs every validation of a rule on every resource, as the analyzer does: notApplicable skips one, any other error stops the run", async () => {
        const seen: string[] = [];
        const rule: ResourceValidationPolicy = {
            name: "r", description: "d", enforcementLevel: "mandatory",
            validateResource: [
                (args, report) => { seen.push(`first ${args.name}`); if (args.name === "dev") args.notApplicable(); report(`bad ${args.name}`); },
                (args) => { seen.push(`second ${args.name}`); },
            ],
        };
        assert.deepEqual(await violations(rule, e), [{ urn: component.urn, message: "bad store" }, { urn: role.urn, message: "bad role" }]);
        assert.deepEqual(seen, ["first dev", "second dev", "first store", "second store", "first role", "second role"]);
        const broken: ResourceValidationPolicy = { ...rule, validateResource: () => { throw new Error("a bug in the rule"); } };
        await assert.rejects(violations(broken, e), /a bug in the rule/);
        const whole: StackValidationPolicy = { name: "s", description: "d", enforcementLevel: "mandatory",
            validateStack: (args, report) => report(`${args.resources.length} resources`, role.urn) };
        assert.deepEqual(await violations(whole, e), [{ urn: role.urn, message: "4 resources" }]);
        const remediating: ResourceValidationPolicy = { name: "m", description: "d", enforcementLevel: "remediate", remediateResource: () => undefined };
        assert.deepEqual(await violations(remediating, e), [], "a rule that only remediates validates nothing");
    });
});
