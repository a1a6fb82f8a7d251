// A stage rollback never re-applies a network the stack no longer declares: what the build renders
// for the targets from the stack (roles, network, ...) is in the pipeline's declaration (a digest
// on the build action), so a change of it is a new pipeline structure version, and CodePipeline
// rolls no stage back to an execution built before it. Planned before and after the change, and
// played through the registered stages (tests/support/pipelinePlayer.ts).
import { strict as assert } from "assert";
import { Evaluation, RawConfig } from "../offline/engine/engine";
import { planOf } from "../offline/report/plan";
import { evaluateFixture } from "./support/fixtures";
import { PipelinePlayer } from "./support/pipelinePlayer";
import { deployTargetsOf, projectOf } from "./support/buildspec";
import { one, targetsOf } from "./support/stacks";

const FIXTURE = "release-path-https";
const pipelineOf = (e: Evaluation) => one(e, "aws:codepipeline/pipeline:Pipeline");
/** qa's tasks moved from public to private subnets: the appspec the build renders for qa changes. */
const privateTasks = (c: RawConfig) => { targetsOf(c)[0].create.network = { subnets: "private" }; };
const publicTasks = (c: RawConfig) => { targetsOf(c)[0].create.network = { subnets: "public" }; };
const deployTargets = (e: Evaluation) => deployTargetsOf(projectOf(e, "pipeline-build").environment);

describe("a network change disarms stage rollback to executions built before it", () => {
    let earlier: Evaluation;
    let later: Evaluation;
    before(async () => {
        earlier = await evaluateFixture(FIXTURE, publicTasks);
        later = await evaluateFixture(FIXTURE, privateTasks);
        assert.equal(earlier.error?.message ?? later.error?.message, undefined);
    });

    it("changes what the build renders and, with it, the pipeline's declaration", () => {
        assert.notEqual(deployTargets(earlier), deployTargets(later));
        assert.notDeepEqual(pipelineOf(earlier).inputs.stages, pipelineOf(later).inputs.stages);
    });

    it("played: after the change, a failing qa has nothing to roll back to (no redeploy of the public network); after one success it has", async () => {
        const again = await evaluateFixture(FIXTURE, publicTasks);
        assert.deepEqual(pipelineOf(again).inputs.stages, pipelineOf(earlier).inputs.stages, "the declaration is the stack's, not the run's");
        const player = new PipelinePlayer(pipelineOf(earlier));
        assert.deepEqual(player.release("r1"), {});
        player.update(pipelineOf(later));
        const failQa = (run: { kind: string; release: string }, stage: any, action: any) =>
            run.kind === "standard" && run.release !== "r3" && stage.name === "qa" && action.provider === "CodeDeployToECS" ? "Failed" : "Succeeded";
        assert.deepEqual(player.release("r2", failQa), { failedIn: "qa" });
        assert.deepEqual(player.rollbacks, [{ stage: "qa", failed: "execution-2", to: undefined }], "no execution of this structure to roll back to");
        assert.deepEqual(player.deployed("qa").map(p => p.release), ["r1"], "r1's artifacts (the public network) are not deployed again");
        // One release succeeds in the new structure: the next failure rolls back to it.
        assert.deepEqual(player.release("r3", failQa), {});
        assert.deepEqual(player.release("r4", failQa), { failedIn: "qa" });
        assert.deepEqual(player.rollbacks.at(-1), { stage: "qa", failed: "execution-4", to: "execution-3" });
        assert.deepEqual(player.deployed("qa").map(p => [p.release, p.kind]), [["r1", "standard"], ["r3", "standard"], ["r3", "rollback"]]);
    });

    it("the plan says so", async () => {
        const { text } = await planOf(later);
        assert.match(text, /a change of what the build renders for a target \(its roles, its network\) changes the pipeline too/);
    });
});
