import { strict as assert } from "assert";
import { evaluate, RawConfig } from "../offline/engine/engine";
import { scaledPath } from "../offline/engine/scale";
import { growingDocuments, oversized } from "../stacks/limits";
import { projectKeys } from "../offline/access/access";
import { parseConfig } from "../stacks/validation/parse";
import { stackNames } from "../stacks/names";
import { problemsBesideAnother } from "./support/fixtures";
import { fixture } from "./support/stacks";

// Limits the program enforces, at the limit and one past it (the limit's value written out: a
// changed constant fails here instead of moving the boundary with it).

const P = "cross-account-pipeline";

/** prod's fixture with one wave of `n` created targets, the first `checked` of them checked after their deploy. */
function oneWave(n: number, checked: number): RawConfig {
    const config = scaledPath(fixture("prod"), n);
    config[`${P}:targets`] = (config[`${P}:targets`] as any[]).map((t, i) => ({ ...t, wave: "all", approval: i === 0,
        ...i < checked ? { check: { path: "/health" } } : {} }));
    return config;
}


describe("limits at the limit and one past it", function () {
    this.timeout(60_000);

    it("a stage of exactly 50 actions (CodePipeline's limit) registers; 51 are refused, naming the wave", async () => {
        // 24 targets, each checked: 2 markers + 24 deploys + 24 checks = 50 actions in the wave's stage.
        const e = await evaluate("prod", oneWave(24, 24));
        assert.ifError(e.error);
        const stages = e.resources.find(r => r.type === "aws:codepipeline/pipeline:Pipeline")!.inputs.stages as { name: string; actions: unknown[] }[];
        assert.equal(stages.find(s => s.name === "all")!.actions.length, 50);
        // One more target without a check: 51.
        assert.ok(problemsBesideAnother("prod", oneWave(25, 24)).some(p => /wave: expected at most 50 actions in a stage, CodePipeline's limit \(the wave all has 51/.test(p)));
    });

    it("an image repository's name of 2 to 256 characters (ECR's CreateRepository) is the stack's; 1 and 257 are refused at images.repositoryName", () => {
        const named = (name: string) => ({ ...fixture("prod"), [`${P}:images`]: { repositoryName: name } });
        const problems = (name: string) => problemsBesideAnother("prod", named(name)).map(p => p.split(": expected")[0]);
        const at = "Pulumi.prod.yaml: cross-account-pipeline:images.repositoryName";
        assert.deepEqual(["ab", `team/${"a".repeat(251)}`, "a", `team/${"a".repeat(252)}`].map(problems), [[], [], [at], [at]]);
        // What the stack registers is the name as given, never a shortened one.
        const config = parseConfig(P, "prod", projectKeys(P, named(`team/${"a".repeat(251)}`)));
        assert.equal(stackNames(config).imageRepository, `team/${"a".repeat(251)}`);
    });

    it("a growing policy of exactly its size limit is within it, one character more is over; only the documents that list roles name the organization-wide grant", () => {
        const document = (kind: "key" | "bucket" | "repository" | "lifecycle" | "pipelineRole", size: number) =>
            ({ kind, region: "eu-west-1", document: `the ${kind}`, text: "x".repeat(size), limit: 20_480 });
        assert.deepEqual(oversized([document("bucket", 20_480)]), []);
        assert.deepEqual(oversized(["key", "bucket", "repository", "lifecycle", "pipelineRole"].map(k => document(k as "key", 20_481))), [
            { document: "the key", size: 20_481, limit: 20_480, grants: true }, { document: "the bucket", size: 20_481, limit: 20_480, grants: true },
            { document: "the repository", size: 20_481, limit: 20_480, grants: true }, { document: "the lifecycle", size: 20_481, limit: 20_480, grants: false },
            { document: "the pipelineRole", size: 20_481, limit: 20_480, grants: true },
        ]);
    });

    it("names each growing document, as a refusal shows it, by what it is and the region of its store", () => {
        const config = parseConfig(P, "prod", projectKeys(P, fixture("prod")));
        const regions = [...new Set([config.region, ...config.targets.map(t => t.region)])];
        assert.deepEqual(growingDocuments(config).map(d => d.document).sort(), [
            ...regions.flatMap(r => [`key policy of the artifact store in ${r}`, `bucket policy of the artifact store in ${r}`]),
            "image repository's policy", "image repository's lifecycle policy", "pipeline role's inline policy"].sort());
    });
});
