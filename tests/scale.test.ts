import { strict as assert } from "assert";
import { configOf, projectKeys } from "../offline/access/access";
import { accessTable } from "../offline/report/accessTable";
import { evaluate, Evaluation } from "../offline/engine/engine";
import { scaledPath, WAVE_SIZE } from "../offline/engine/scale";
import { ConfigError } from "../stacks/config/issues";
import { MAX_STAGES } from "../stacks/config/releasePath";
import { parseConfig } from "../stacks/validation/parse";
import { growingDocuments } from "../stacks/limits";
import { checkApiModels, checkNames, checkPlacement, checkPolicySizes } from "./properties/invariants";
import { deployTargetsOf, projectOf } from "./support/buildspec";
import { fixture } from "./support/stacks";


// The release path at scale: the bench (`npm run bench`) plans paths of 1, 3, 10 and 50 targets;
// here one path of 50 is evaluated, and longer ones are validated without evaluating them.

const P = "cross-account-pipeline";
const keysOf = (n: number, extra: Record<string, unknown> = {}) => ({ ...projectKeys(P, scaledPath(fixture("prod"), n)), ...extra });

describe("a release path at scale", function () {
    let e: Evaluation;
    before(async () => {
        e = await evaluate("prod", scaledPath(fixture("prod"), 50));
    });

    it("50 targets in waves of ten evaluate: one stage per wave and one per approval, within CodePipeline's limits", () => {
        assert.ifError(e.error);
        const stages = e.resources.find(r => r.type === "aws:codepipeline/pipeline:Pipeline")!.inputs.stages as any[];
        assert.deepEqual(stages.map(s => s.name), ["Source", "Build", ...[0, 1, 2, 3, 4].flatMap(w => [`Approve_w${w}`, `w${w}`])]);
        assert.ok(stages.length <= MAX_STAGES && stages.every(s => s.actions.length <= 50));
        const deploys = stages.flatMap(s => s.actions).filter((a: any) => a.provider === "CodeDeployToECS");
        assert.equal(deploys.length, 50);
        // Spread as the bench describes it: five accounts, three regions, each target's own created service.
        assert.deepEqual([new Set(deploys.map((a: any) => a.roleArn.split(":")[4])).size, new Set(deploys.map((a: any) => a.region)).size], [5, 3]);
        assert.equal(e.resources.filter(r => r.type === "aws:ecs/service:Service").length, 50);
    });

    it("every resource of the 50 targets where it belongs, under names AWS accepts, and nothing an AWS API refuses (policy sizes included)", () => {
        const config = configOf(e);
        checkPlacement(e, config);
        checkNames(e.resources);
        checkPolicySizes(e, config);
        checkApiModels(e.resources);
    });

    it("the 50 targets reach the build in variables of at most 4,096 characters each, which join to one entry per target", () => {
        assert.ifError(e.error);
        const { environment } = projectOf(e, "pipeline-build");
        assert.ok(Object.values(environment).every(v => v.length <= 4096), "a variable over 4,096 characters");
        assert.ok(Number(environment.DEPLOY_TARGETS_PARTS) > 1, "one part only: the join is not exercised");
        assert.deepEqual(JSON.parse(deployTargetsOf(environment)).map((t: { files: object }) => t.files),
            configOf(e).targets.map(t => ({ taskDefinition: `taskdef-${t.name}.json`, appSpec: `appspec-${t.name}.yaml` })));
    });

    it("refuses a path whose grants would outgrow a policy size limit, naming the organization-wide grant; with it the path validates", () => {
        const n = 13 * WAVE_SIZE;
        let problems: string[] = [];
        try {
            parseConfig(P, "prod", keysOf(n));
        } catch (err) {
            assert.ok(err instanceof ConfigError, String(err));
            problems = err.problems;
        }
        assert.ok(problems.length > 0, `${n} targets validated by role`);
        for (const p of problems) {
            assert.match(p, /^Pulumi\.prod\.yaml: cross-account-pipeline:grants: expected policies within AWS's size limits: the .* would have \d+ characters, over \d+; grant by organization instead \(grants: organization, with organizationId\)/);
        }
        assert.ok(problems.some(p => p.includes("pipeline role's inline policy")) && problems.some(p => p.includes("image repository's policy")), problems.join("\n"));
        const config = parseConfig(P, "prod", keysOf(n, { grants: "organization", organizationId: "o-a1b2c3d4e5" }));
        for (const d of growingDocuments(config)) {
            assert.ok(d.text.length <= d.limit, `${d.document}: ${d.text.length} over ${d.limit}`);
        }
    });

    it("grows the access table linearly: each target adds the same rows, against fixed neighbours", () => {
        const rows = (n: number) => accessTable(parseConfig(P, "prod", keysOf(n))).rows.length;
        const [ten, thirty, fifty] = [10, 30, 50].map(rows);
        assert.equal(fifty - thirty, thirty - ten);
        assert.ok((fifty - ten) / 40 < 150, `${(fifty - ten) / 40} rows per target`);
    });
});

