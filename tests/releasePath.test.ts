// The first release succeeds: a fixture of the prod path's shape (a checked HTTPS staging, an
// approval, PROD) played through its REGISTERED stages and actions by the pipeline stand-in
// (tests/support/pipelinePlayer.ts: AWS's documented rollback rules, the rest marked ASSUMED there),
// each action running what the program registered: the build's and the release marker's buildspecs
// (docker and aws stubbed), the check's against a real TLS server whose certificate a throwaway CA
// signed, and each deploy reading the files its action names from the build's output. Then, in the
// same play, a rejected approval redeploys nothing, and a network change disarms rollback to the
// executions built before it.
import { strict as assert } from "assert";
import { Evaluation, RawConfig } from "../offline/engine/engine";
import { actionVariables, BuildRun, projectOf, runBuildspec, runCheckAction } from "./support/buildspec";
import { evaluateFixture } from "./support/fixtures";
import { Decide, PipelinePlayer } from "./support/pipelinePlayer";
import { one, targetsOf } from "./support/stacks";
import { throwawayCa, ThrowawayCa, tlsServer, TlsServer } from "./support/tls";

const FIXTURE = "release-path-https";

/** What each registered action does in the play: the program's own scripts, with local stand-ins for AWS. */
function standIns(e: Evaluation, server: TlsServer, ca: ThrowawayCa, options: { reject?: string[] } = {}) {
    const builds = new Map<string, BuildRun>();
    const projectName = (logical: string) => one(e, "aws:codebuild/project:Project", logical).state.name;
    const ok = (run: BuildRun) => run.status === 0 ? "Succeeded" : "Failed";
    const decide: Decide = (run, _stage, action) => {
        const output = builds.get(run.release);
        switch (action.provider) {
            case "Manual":
                return options.reject?.includes(run.release) ? "Rejected" : "Succeeded";
            case "CodeDeployToECS": {
                // CodeDeployToECS reads the task definition and appspec its action names, and the image, from the build's output.
                const { TaskDefinitionTemplatePath: taskdef, AppSpecTemplatePath: appspec } = action.configuration;
                return output && [taskdef, appspec, "imageDetail.json"].every(f => f in output.files) ? "Succeeded" : "Failed";
            }
            case "CodeBuild":
                if (action.configuration.ProjectName === projectName("pipeline-build")) {
                    const build = runBuildspec(projectOf(e, "pipeline-build"), {}, { mayFail: true });
                    builds.set(run.release, build);
                    return ok(build);
                }
                if (action.configuration.ProjectName === projectName("pipeline-release")) {
                    const project = projectOf(e, "pipeline-release");
                    return ok(runBuildspec({ ...project, environment: { ...project.environment, ...actionVariables(action) } },
                        { "imageDetail.json": output!.files["imageDetail.json"] }, { mayFail: true }));
                }
                return ok(runCheckAction(e, action, server.port, ca.caFile));
            default:
                return "Succeeded";    // the source
        }
    };
    return decide;
}

describe("the first release reaches its last target, played through the registered stages", function () {
    this.timeout(120_000);
    let e: Evaluation;
    let ca: ThrowawayCa;
    let server: TlsServer;
    before(async () => {
        e = await evaluateFixture(FIXTURE);
        assert.equal(e.error?.message, undefined);
        ca = throwawayCa();
        server = await tlsServer(ca.issue(["qa.release.test"]), [200]);
    });
    after(() => {
        server?.stop();
        ca?.remove();
    });

    it("r1 goes through every stage: built once, deployed to qa, checked over verified TLS, approved, deployed to live, marked in each stage", async () => {
        const player = new PipelinePlayer(one(e, "aws:codepipeline/pipeline:Pipeline"));
        assert.deepEqual(player.stageNames, ["Source", "Build", "qa", "Approve_live", "live"]);
        assert.deepEqual(player.release("r1", standIns(e, server, ca)), {});
        assert.deepEqual(player.played.map(p => `${p.stage}/${p.action}: ${p.outcome}`), [
            "Source/Source: Succeeded", "Build/Build: Succeeded",
            "qa/qa: Succeeded", "qa/Mark_released: Succeeded", "qa/Check_qa: Succeeded",
            "Approve_live/Approve: Succeeded",
            "live/live: Succeeded", "live/Mark_released: Succeeded",
        ]);
        assert.deepEqual(await server.hosts(), ["qa.release.test"], "the check reached qa under its domain");
        assert.deepEqual(player.deployed("live").map(p => p.release), ["r1"], "the last target runs r1");
    });

    it("then a rejected approval redeploys nothing, and after a network change a failing stage rolls back to nothing built before it", async () => {
        const player = new PipelinePlayer(one(e, "aws:codepipeline/pipeline:Pipeline"));
        player.release("r1", standIns(e, server, ca));
        assert.deepEqual(player.release("r2", standIns(e, server, ca, { reject: ["r2"] })), { failedIn: "Approve_live" });
        assert.deepEqual(player.rollbacks, []);
        assert.deepEqual(player.deployed("live").map(p => p.release), ["r1"]);
        // `pulumi up` moving qa's tasks to public subnets: the registered pipeline changes with what the build renders.
        const changed = await evaluateFixture(FIXTURE, (c: RawConfig) => { targetsOf(c)[0].create.network = { subnets: "public" }; });
        player.update(one(changed, "aws:codepipeline/pipeline:Pipeline"));
        const decide = standIns(changed, server, ca);
        assert.deepEqual(player.release("r3", (run, stage, action) =>
            action.provider === "CodeDeployToECS" && stage.name === "qa" ? "Failed" : decide(run, stage, action)), { failedIn: "qa" });
        assert.deepEqual(player.rollbacks, [{ stage: "qa", failed: "execution-3", to: undefined }]);
        assert.deepEqual(player.deployed("qa").map(p => p.release), ["r1", "r2"], "nothing of the old network deployed again");
    });
});
