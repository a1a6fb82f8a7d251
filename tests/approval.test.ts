// An approval never triggers a rollback: it stands alone in a stage of its own, which does not roll
// back, so a rejection or a timeout stops the execution and redeploys nothing. Checked on the
// registered pipeline of a fixture of the prod path's shape, and by playing releases through its
// registered stages (tests/support/pipelinePlayer.ts: AWS's rollback rules, the rest marked ASSUMED).
import { strict as assert } from "assert";
import { projectKeys } from "../offline/access/access";
import { Evaluation, projectName } from "../offline/engine/engine";
import { planOf } from "../offline/report/plan";
import { ConfigError } from "../stacks/config/issues";
import { parseConfig } from "../stacks/validation/parse";
import { evaluateFixture, fixtureConfig } from "./support/fixtures";
import { PipelinePlayer } from "./support/pipelinePlayer";
import { key, one, targetsOf } from "./support/stacks";

const FIXTURE = "release-path-https";
const pipelineOf = (e: Evaluation) => one(e, "aws:codepipeline/pipeline:Pipeline");

describe("an approval rolls nothing back", () => {
    let e: Evaluation;
    before(async () => {
        e = await evaluateFixture(FIXTURE);
        assert.equal(e.error?.message, undefined);
    });

    it("stands alone in a stage of its own, before the stage it approves, and that stage does not roll back", () => {
        const stages = pipelineOf(e).inputs.stages as any[];
        assert.deepEqual(stages.map(s => [s.name, s.onFailure?.result, s.actions.map((a: any) => a.provider).join(" ")]), [
            ["Source", undefined, "CodeCommit"], ["Build", undefined, "CodeBuild"],
            ["qa", "ROLLBACK", "CodeDeployToECS CodeBuild CodeBuild"],
            ["Approve_live", undefined, "Manual"],
            ["live", "ROLLBACK", "CodeDeployToECS CodeBuild"],
        ]);
    });

    it("a rejected approval redeploys nothing: the execution stops at it, and live keeps the release it runs", () => {
        const player = new PipelinePlayer(pipelineOf(e));
        assert.deepEqual(player.release("r1"), {});
        // ASSUMED (AWS documents only that the execution fails): a rejection fails the approval's stage.
        assert.deepEqual(player.release("r2", (_run, _stage, action) => action.provider === "Manual" ? "Rejected" : "Succeeded"), { failedIn: "Approve_live" });
        assert.deepEqual(player.rollbacks, [], "no stage rolled back");
        assert.deepEqual(player.deployed("live").map(p => p.release), ["r1"], "live was deployed once, with r1");
        assert.deepEqual(player.deployed("qa").map(p => p.release), ["r1", "r2"], "qa, before the approval, runs r2");
        // The next release waits at the approval again, and goes through once approved.
        assert.deepEqual(player.release("r3"), {});
        assert.deepEqual(player.deployed("live").map(p => [p.release, p.kind]), [["r1", "standard"], ["r3", "standard"]]);
    });

    it("a failed deployment after an approval still rolls its own stage back, without asking again", () => {
        const player = new PipelinePlayer(pipelineOf(e));
        player.release("r1");
        const failLive = (run: { kind: string }, stage: any, action: any) =>
            run.kind === "standard" && stage.name === "live" && action.provider === "CodeDeployToECS" ? "Failed" : "Succeeded";
        assert.deepEqual(player.release("r2", failLive), { failedIn: "live" });
        assert.deepEqual(player.rollbacks, [{ stage: "live", failed: "execution-2", to: "execution-1" }]);
        assert.deepEqual(player.played.filter(p => p.kind === "rollback").map(p => [p.stage, p.provider]),
            [["live", "CodeDeployToECS"], ["live", "CodeBuild"]], "the rollback runs the deploy stage only: no approval");
    });

    it("the plan says what a rejection does", async () => {
        const { text } = await planOf(e);
        assert.match(text, /a rejected or timed-out approval \(Approve_live\) fails its own stage, which does not roll back: the execution stops there and nothing is redeployed/);
    });
});

describe("stages within CodePipeline's 50, each approval counted", () => {
    /** The fixture's path as `n` targets of their own stages, every one behind an approval. */
    const approvedPath = (n: number) => {
        const raw = fixtureConfig(FIXTURE);
        const [qa] = targetsOf(raw);
        raw[key("targets")] = Array.from({ length: n }, (_, i) => ({ ...qa, name: `t${i}`, approval: true, check: undefined,
            create: { serviceName: `release-t${i}` } }));
        raw[key("approvalTimeoutMinutes")] = 5;
        raw[key("artifactRetentionDays")] = 365;
        return projectKeys(projectName(), raw);
    };

    it("accepts 24 approved targets (Source, Build, 24 approvals, 24 deploy stages: 50) and refuses 25, counting both", () => {
        assert.equal(parseConfig(projectName(), FIXTURE, approvedPath(24)).targets.length, 24);
        assert.throws(() => parseConfig(projectName(), FIXTURE, approvedPath(25)), (err: unknown) => err instanceof ConfigError &&
            err.problems.length === 1 && /targets: expected at most 50 stages, CodePipeline's limit: Source, Build, one per target or wave and one per approval \(found 52: 25 of targets, 25 of approvals\)/.test(err.problems[0]));
    });
});
