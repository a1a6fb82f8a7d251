// What happens when a deployment fails, played through the registered stages of a wave
// (tests/support/pipelinePlayer.ts). Decided (README, "Roll back"): CodeDeploy rolls the failed
// target back by itself (its group's DEPLOYMENT_FAILURE rollback); the stage then rolls back once,
// to the last execution that succeeded in it, which redeploys that release to every target of the
// stage: the only way back for the wave's targets that deployed, and for the failed target a second
// deployment of the release it already runs again (the same files), which changes nothing.
import { strict as assert } from "assert";
import { RawConfig } from "../offline/engine/engine";
import { evaluateFixture } from "./support/fixtures";
import { PipelinePlayer } from "./support/pipelinePlayer";
import { all, one, targetsOf } from "./support/stacks";

/** qa, then live and live-eu together in the wave prod. */
const wave = (c: RawConfig) => {
    const [qa, live] = targetsOf(c);
    targetsOf(c).splice(1, 1, { ...live, wave: "prod" }, { ...live, name: "live-eu", wave: "prod", region: "eu-west-1",
        create: { ...live.create, serviceName: "release-live-eu", certificateArn: "arn:aws:acm:eu-west-1:666666666666:certificate/11111111-2222-4333-8444-777777777777" } });
    assert.equal(qa.name, "qa");
};

describe("one failed deployment, one rollback of the stage", () => {
    it("a failed deploy in a wave: CodeDeploy has rolled that target back; the stage rolls back once, redeploying the last good release to the wave", async () => {
        const e = await evaluateFixture("release-path-https", wave);
        assert.equal(e.error?.message, undefined);
        // CodeDeploy rolls back a failed deployment of every created target by itself.
        assert.ok(all(e, "aws:codedeploy/deploymentGroup:DeploymentGroup").every(g => g.inputs.autoRollbackConfiguration.enabled &&
            g.inputs.autoRollbackConfiguration.events.includes("DEPLOYMENT_FAILURE")));
        const player = new PipelinePlayer(one(e, "aws:codepipeline/pipeline:Pipeline"));
        player.release("r1");
        const failEu = (run: { kind: string }, _stage: any, action: any) => run.kind === "standard" && action.name === "live-eu" ? "Failed" : "Succeeded";
        assert.deepEqual(player.release("r2", failEu), { failedIn: "prod" });
        assert.deepEqual(player.rollbacks, [{ stage: "prod", failed: "execution-2", to: "execution-1" }], "one stage rollback");
        // live deployed r2 and is brought back to r1; live-eu's own deployment failed (CodeDeploy put r1 back), then r1 once more.
        assert.deepEqual(player.deployed("live").map(p => [p.release, p.kind]), [["r1", "standard"], ["r2", "standard"], ["r1", "rollback"]]);
        assert.deepEqual(player.deployed("live-eu").map(p => [p.release, p.kind]), [["r1", "standard"], ["r1", "rollback"]]);
        // The rollback marks r1 released again in the stage (Mark_released), and no approval is asked again.
        assert.deepEqual(player.played.filter(p => p.kind === "rollback" && p.provider !== "CodeDeployToECS").map(p => p.action), ["Mark_attempt", "Mark_released"]);
    });

    it("a second failure in the stage rolls back to the last standard execution that succeeded, never to the rollback execution", async () => {
        const e = await evaluateFixture("release-path-https", wave);
        assert.equal(e.error?.message, undefined);
        const player = new PipelinePlayer(one(e, "aws:codepipeline/pipeline:Pipeline"));
        player.release("r1");
        const failEu = (run: { kind: string }, _stage: any, action: any) => run.kind === "standard" && action.name === "live-eu" ? "Failed" : "Succeeded";
        player.release("r2", failEu);
        player.release("r3", failEu);
        // stage-rollback.html: the target is a source-triggered execution that succeeded in the stage, not a rollback
        // execution (rollback-3 succeeded in the stage too, with r1's artifacts).
        assert.deepEqual(player.rollbacks.map(r => r.to), ["execution-1", "execution-1"]);
        assert.equal(player.rollbacks[1].failed, "execution-4");
    });
});
