// Stage rollback: every deploy stage rolls back to the last execution that succeeded in it, and the
// artifacts it redeploys are still there. The rule (stacks/config/releasePath.ts, rollbackWindowMinutes) is
// checked three ways: by hand on small paths; against the registered lifecycle configuration, with
// the path read back from the registered pipeline; and by playing the worst back-to-back releases
// through the registered stages, queued as CodePipeline's QUEUED mode queues them.
import { strict as assert } from "assert";
import { configOf, projectConfig } from "../offline/access/access";
import { Evaluation } from "../offline/engine/engine";
import { plan } from "../offline/report/plan";
import { DEPLOYMENT_GRACE_DAYS } from "../components/ImageRepository";
import { ConfigError } from "../stacks/config/issues";
import { MAX_TERMINATION_WAIT_MINUTES, minimumArtifactRetentionDays, rollbackWindowMinutes, TRAFFIC_SHIFT_MINUTES } from "../stacks/config/releasePath";
import { parseConfig } from "../stacks/validation/parse";
import { checkRollback } from "./properties/invariants";
import { all, evaluated, evaluateWith, key, one, fixture, FIXTURES } from "./support/stacks";

const DAY = 24 * 60;
const P = "cross-account-pipeline";

/**
 * The registered pipeline's stages after the build: an approval's own stage (its timeout; it does not
 * roll back), or a deploy stage (each deployment's longest time: its targets' termination waits).
 */
function registeredStages(e: Evaluation) {
    const groups = all(e, "aws:codedeploy/deploymentGroup:DeploymentGroup");
    return (one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[]).slice(2).map(stage => {
        const approval = stage.actions.find((a: any) => a.provider === "Manual");
        const waits = stage.actions.filter((a: any) => a.provider === "CodeDeployToECS").map((d: any) => {
            const group = groups.find(g => g.state.deploymentGroupName === d.configuration.DeploymentGroupName && g.region === d.region);
            return group?.inputs.blueGreenDeploymentConfig.terminateBlueInstancesOnDeploymentSuccess.terminationWaitTimeInMinutes ?? MAX_TERMINATION_WAIT_MINUTES;
        });
        return { name: stage.name as string, approval: approval ? approval.timeoutInMinutes as number : 0,
            deploy: waits.length ? TRAFFIC_SHIFT_MINUTES + Math.max(...waits) : 0, rollsBack: stage.onFailure?.result === "ROLLBACK" };
    });
}

/**
 * Two executions, played through the registered stages in QUEUED mode (one execution in a stage at a
 * time, in order), every approval waiting its full timeout and every deployment its longest: the last
 * one to succeed in stage s (A, built at 0), and the next (B), started just before A left s. B fails
 * in s at the end of its deployment, and the rollback reads A's artifacts then (the approval is a
 * stage of its own, which the rollback does not run again). Returns, for each stage that rolls back,
 * when that read happens (minutes after A's build).
 */
function worstRollbackReads(stages: ReturnType<typeof registeredStages>, buildMinutes: number): number[] {
    const run = (start: number, ahead: number[] | undefined, upTo: number) => {
        const exits: number[] = [];
        let t = start + buildMinutes;
        for (let k = 0; k <= upTo; k++) {
            t = Math.max(t, ahead?.[k] ?? 0) + stages[k].approval + stages[k].deploy;   // waits for the one ahead to leave the stage
            exits.push(t);
        }
        return exits;
    };
    const a = run(-buildMinutes, undefined, stages.length - 1);
    return stages.flatMap((stage, s) => stage.rollsBack ? [run(a[s], a, s)[s]] : []);
}

describe("stage rollback", () => {
    for (const stack of ["dev", "prod", "path", "existing"]) {
        describe(stack, () => {
            let e: Evaluation;
            before(async () => { e = await evaluated(stack); });

            it("rolls every deploy stage back on failure, and only those (a V2 pipeline in QUEUED mode, which allows it)", () => {
                assert.equal(e.error?.message, undefined);
                checkRollback(e, configOf(e));
            });

            it("keeps artifacts until the worst back-to-back release's rollback has read them, as the registered lifecycle says", () => {
                const days = all(e, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").filter(r => r.name.startsWith("artifacts"))
                    .map(r => r.inputs.rules[0].expiration.days as number);
                const build = one(e, "aws:codebuild/project:Project", "pipeline-build").inputs.buildTimeout;
                const reads = worstRollbackReads(registeredStages(e), build);
                // S3 expires an object N days after its creation, rounded up to the next midnight UTC: never sooner.
                assert.ok(days.every(d => d * DAY >= Math.max(...reads)), `expires after ${days} days; a rollback reads at ${reads.map(r => (r / DAY).toFixed(2))} days`);
                // The rule, applied to the configuration, says the same as the play on the registrations.
                assert.equal(rollbackWindowMinutes(configOf(e)), Math.max(...reads));
            });

            it("expires an image never released only after the artifacts that name it: a rollback never finds its image gone", () => {
                const rules = JSON.parse(one(e, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy).rules as any[];
                const unreleased = rules.find(r => r.selection.countType === "sinceImagePushed");
                const artifacts = one(e, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "artifacts-lifecycle").inputs.rules[0].expiration.days;
                assert.equal(unreleased.selection.countNumber, artifacts + DEPLOYMENT_GRACE_DAYS);
            });
        });
    }

    it("the rule, by hand: the build and twice the way out of the slowest stage", () => {
        const path = (targets: any[], approvalTimeoutMinutes = 7 * DAY, build = 30) => ({ targets, approvalTimeoutMinutes, build: { timeoutMinutes: build } });
        const created = (name: string, approval = false, wait = 5) => ({ name, approval, create: { terminationWaitMinutes: wait } });
        // No approval, a quick deployment: the build and two deployments.
        assert.equal(rollbackWindowMinutes(path([created("staging", false, 0)])), 30 + 2 * DAY);
        assert.equal(minimumArtifactRetentionDays(path([created("staging", false, 0)])), 3);
        // staging, then PROD behind a 7-day approval: 30 + 2 × (DAY + 5 + 7 days + DAY + 30).
        const prod = path([created("staging"), created("prod", true, 30)]);
        assert.equal(rollbackWindowMinutes(prod), 30 + 2 * (DAY + 5 + 7 * DAY + DAY + 30));
        assert.equal(minimumArtifactRetentionDays(prod), 19);
        // An existing target's termination wait is not known: CodeDeploy's longest, two days.
        assert.equal(rollbackWindowMinutes(path([{ name: "legacy" }])), 30 + 2 * (DAY + 2 * DAY));
        // A wave is one stage: its slowest target counts, its one approval once.
        assert.equal(rollbackWindowMinutes(path([created("a", true, 0), { ...created("b", true, 60), wave: "w" }, { ...created("c", false, 5), wave: "w" }], 60)),
            30 + 2 * (60 + DAY + 0 + 60 + DAY + 60));
    });

    it("refuses artifacts that a rollback would miss, naming the minimum, and a shorter approval timeout lowers it", () => {
        const raw = (keys: Record<string, unknown>) => ({ ...projectConfig("prod", FIXTURES), ...keys });
        assert.throws(() => parseConfig(P, "prod", raw({ artifactRetentionDays: 10 })), (err: unknown) => err instanceof ConfigError &&
            /artifactRetentionDays: expected at least 11 days: .*found number 10; for example 11$/.test(err.problems[0]));
        assert.equal(parseConfig(P, "prod", raw({ artifactRetentionDays: 11 })).artifactRetentionDays, 11);
        assert.throws(() => parseConfig(P, "prod", raw({ approvalTimeoutMinutes: 10080, artifactRetentionDays: 18 })), /expected at least 19 days/);
        assert.equal(parseConfig(P, "prod", raw({ approvalTimeoutMinutes: 60, artifactRetentionDays: 6 })).artifactRetentionDays, 6);
        assert.throws(() => parseConfig(P, "prod", raw({ approvalTimeoutMinutes: 4 })), /approvalTimeoutMinutes: expected a whole number of minutes from 5 to 86400/);
        assert.throws(() => parseConfig(P, "prod", raw({ approvalTimeoutMinutes: 86401 })), /approvalTimeoutMinutes: expected a whole number of minutes from 5 to 86400/);
    });

    it("waits each approval the configured timeout, and the plan says what rolls back, what disarms it and how long a rollback may read artifacts", async () => {
        const e = await evaluateWith("prod", c => { c[key("approvalTimeoutMinutes")] = 1440; });
        const approvals = (one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[]).flatMap(s => s.actions).filter((a: any) => a.provider === "Manual");
        assert.deepEqual(approvals.map((a: any) => a.timeoutInMinutes), [1440]);
        const { text } = await plan("prod", fixture("prod"));
        assert.match(text, /a failed stage \(staging, prod\) rolls back to the artifacts of the last execution that succeeded in it, in this structure of the pipeline: a `pulumi up` that changes the pipeline disarms it until each stage's next success/);
        assert.match(text, /artifacts live 30 days; a rollback may read them up to 11 days after their build/);
    });
});
