import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CrossAccountArtifactStore } from "../components/CrossAccountArtifactStore";
import * as pipelineModule from "../components/CrossAccountPipeline";
import { CrossAccountPipeline } from "../components/CrossAccountPipeline";
import { EcsBlueGreenTarget } from "../components/EcsBlueGreenTarget";
import { ImageRepository } from "../components/ImageRepository";
import { PipelineNotifications } from "../components/PipelineNotifications";
import { ProdDeployRole } from "../components/ProdDeployRole";
import { SourceConnection } from "../components/SourceConnection";
import { evaluate, Evaluation } from "../offline/engine/engine";
import { checkDescriptions, descriptionsOf } from "./properties/invariants";
import { all, evaluated, fixture, one } from "./support/stacks";

// Pulumi's conventions for a component, as a caller relies on them: it refuses to run without its
// account's provider, and what it exposes is registered as its outputs (the engine keeps them as
// the component's state, and `pulumi stack --show-urns` and a parent's outputs read them there).

describe("components: Pulumi's conventions", () => {
    it("each refuses to be built without its account's provider, naming itself and the option", async () => {
        const refusals: string[] = [];
        const components: [string, () => unknown][] = [
            ["store", () => new CrossAccountArtifactStore("store", {} as never)],
            ["pipeline", () => new CrossAccountPipeline("pipeline", {} as never)],
            ["target", () => new EcsBlueGreenTarget("target", {} as never)],
            ["images", () => new ImageRepository("images", {} as never)],
            ["notifications", () => new PipelineNotifications("notifications", {} as never)],
            ["deploy role", () => new ProdDeployRole("deploy", {} as never)],
            ["connection", () => new SourceConnection("connection", {} as never)],
        ];
        await evaluate("dev", fixture("dev"), {
            program: () => {
                for (const [, build] of components) {
                    try {
                        build();
                    } catch (e) {
                        refusals.push((e as Error).message);
                    }
                }
                return {};
            },
        });
        assert.deepEqual(refusals, [
            "CrossAccountArtifactStore needs the provider of the account it belongs in (opts.provider)",
            "CrossAccountPipeline needs the provider of the account it belongs in (opts.provider)",
            "EcsBlueGreenTarget needs the provider of the target account (opts.provider)",
            "ImageRepository needs the provider of the account it belongs in (opts.provider)",
            "PipelineNotifications needs the provider of the account it belongs in (opts.provider)",
            "ProdDeployRole needs the provider of the account it belongs in (opts.provider)",
            "SourceConnection needs the provider of the account it belongs in (opts.provider)",
        ]);
    });

    /** Each component of an evaluation: what it exposes, what it passed to registerOutputs, and what the engine kept as its state. */
    async function outputsOf(stack: string): Promise<{ component: string; exposed: string[]; passed: string[]; kept: string[] }[]> {
        const seen = new Map<string, { exposed: string[]; passed: string[] }>();
        const register = pulumi.ComponentResource.prototype["registerOutputs"];
        pulumi.ComponentResource.prototype["registerOutputs"] = function (this: pulumi.ComponentResource, outputs) {
            const self = this as unknown as Record<string, unknown> & { __name: string; __pulumiType: string };
            // The first call counts (the SDK makes one of its own, with nothing, once the constructor is done).
            // Public properties: the SDK's own are `urn` and names starting with `__`.
            if (!seen.has(`${self.__pulumiType}::${self.__name}`)) seen.set(`${self.__pulumiType}::${self.__name}`, {
                exposed: Object.keys(self).filter(k => !k.startsWith("__") && k !== "urn").sort(),
                passed: Object.keys(outputs ?? {}).sort(),
            });
            return register.call(this, outputs);
        };
        let e: Evaluation;
        try {
            e = await evaluate(stack, fixture(stack));
        } finally {
            pulumi.ComponentResource.prototype["registerOutputs"] = register;
        }
        assert.ifError(e.error);
        return e.resources.filter(r => r.type.startsWith("cross-account-pipeline:")).map(r => ({
            component: `${r.type}::${r.name}`, ...seen.get(`${r.type}::${r.name}`) ?? { exposed: [], passed: [] }, kept: Object.keys(r.state).sort(),
        }));
    }

    // prod has all seven: a connection source and notifications besides dev's five.
    for (const stack of ["dev", "prod"]) {
        it(`each registers every output it exposes, and the engine keeps them as its state (${stack})`, async () => {
            const components = await outputsOf(stack);
            assert.ok(components.length >= 5, `components found: ${components.map(c => c.component).join(", ")}`);
            for (const { component, exposed, passed, kept } of components) {
                assert.ok(exposed.length > 0, `${component} exposes nothing`);
                assert.deepEqual(passed, exposed, `${component}: registerOutputs is not given what it exposes`);
                // An output that resolves to undefined is not kept (Pulumi serializes no undefined value).
                assert.ok(kept.length > 0 && kept.every(k => passed.includes(k)), `${component}: kept ${kept.join(", ")} of ${passed.join(", ")}`);
            }
        });
    }

    it("the pipeline takes its optional arguments left out: nothing adopted, no rendered task's exceptions declared", async () => {
        // The stack always passes both; a caller of the component may not. Each construction of the stack's goes through this subclass.
        // The original, held here: the imported name reads the module's export, which the patch replaces.
        const exported = pipelineModule as { CrossAccountPipeline: typeof CrossAccountPipeline };
        const original = exported.CrossAccountPipeline;
        exported.CrossAccountPipeline = class extends original {
            constructor(name: string, args: pipelineModule.CrossAccountPipelineArgs, opts: pulumi.ComponentResourceOptions) {
                const { adopt: _adopt, ...rest } = args;
                super(name, { ...rest, build: { ...rest.build, renderedExceptions: undefined } }, opts);
            }
        };
        let e: Evaluation;
        try {
            e = await evaluate("dev", fixture("dev"));
        } finally {
            exported.CrossAccountPipeline = original;
        }
        assert.ifError(e.error);
        assert.deepEqual(["aws:codecommit/repository:Repository", "aws:cloudwatch/logGroup:LogGroup"].flatMap(t => all(e, t))
            .filter(r => r.name.startsWith("pipeline-")).map(r => [r.name, r.importId]), [["pipeline-repository", ""], ["pipeline-build-logs", ""]]);
        assert.deepEqual(one(e, "aws:codebuild/project:Project", "pipeline-build").inputs.tags, { "security-hub-exceptions": "CodeBuild.5" });
    });

    // "path" adds what the fixtures lack (a Slack channel, waves, approvals).
    for (const stack of ["dev", "prod", "path"]) {
        it(`every description a resource is given says what it is to a person reading the console (${stack})`, async () => {
            const { resources } = await evaluated(stack);
            assert.ok(descriptionsOf(resources).length >= 5, `descriptions found: ${descriptionsOf(resources).length}`);
            checkDescriptions(resources);
        });
    }
});
