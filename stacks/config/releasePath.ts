// The release path as a pipeline: its stages, CodePipeline's limits on them, and how long a stage
// rollback may read an execution's artifacts (which sets the least artifact retention).

/** CodePipeline's default manual approval timeout: 7 days (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html). */
export const DEFAULT_APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60;

/** What the rollback rule allows one deployment: its traffic shift, marks and checks take up to a day, then the termination wait. */
export const TRAFFIC_SHIFT_MINUTES = 24 * 60;
/** CodeDeploy's longest termination wait: an existing target's own is not known here. */
export const MAX_TERMINATION_WAIT_MINUTES = 2880;

/** What the rollback rule reads of a stack: its path, the approvals' timeout, the build's. */
export interface RollbackPath {
    targets: { name: string; wave?: string; approval?: boolean; create?: { terminationWaitMinutes: number } }[];
    approvalTimeoutMinutes: number;
    build: { timeoutMinutes: number };
}

/**
 * How long after its build a stage rollback may still read an execution's artifacts, in minutes.
 * A rollback redeploys the artifacts of the last execution that succeeded in the stage, so they must
 * outlive the next execution's failure there, and its rollback. Executions queue stage by stage
 * (QUEUED mode): with P(s) the longest an execution takes from its build out of stage s (each
 * approval on the way at its timeout, each deployment a day of traffic shift plus its targets'
 * longest termination wait), the next one, started before the last one succeeded in s (releases back
 * to back), builds (up to the build's timeout) and fails in s at most 2 × P(s) + build timeout after
 * the last one's build, when its rollback reads them at once: an approval is a stage of its own
 * before s, which the rollback of s does not run again. The longest of these over the stages.
 */
export function rollbackWindowMinutes(c: RollbackPath): number {
    let path = 0;
    let window = 0;
    for (const stage of pipelineStages(c.targets)) {
        const approval = stage.approval ? c.approvalTimeoutMinutes : 0;
        path += approval + TRAFFIC_SHIFT_MINUTES + Math.max(...stage.targets.map(t => t.create?.terminationWaitMinutes ?? MAX_TERMINATION_WAIT_MINUTES));
        window = Math.max(window, 2 * path);
    }
    return c.build.timeoutMinutes + window;
}

/** How long artifacts live when the stack file does not say (or longer: what a stage rollback needs). */
export const DEFAULT_ARTIFACT_RETENTION_DAYS = 30;

/** The fewest days artifacts may live: the rollback window, in whole days (S3 expires an object N days after its creation, or later). */
export function minimumArtifactRetentionDays(c: RollbackPath): number {
    return Math.ceil(rollbackWindowMinutes(c) / (24 * 60));
}


/** CodePipeline's limits (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html): stages per pipeline, actions per stage. */
export const MAX_STAGES = 50;
export const MAX_ACTIONS_PER_STAGE = 50;

/** The pipeline's stages after Build: consecutive targets of one wave share one; each target without a wave has its own. */
export function pipelineStages<T extends { name: string; wave?: string; approval?: boolean; check?: object }>(targets: T[]) {
    const stages: { name: string; wave?: string; targets: T[] }[] = [];
    for (const t of targets) {
        const last = stages[stages.length - 1];
        if (t.wave !== undefined && last?.wave === t.wave) {
            last.targets.push(t);
        } else {
            stages.push({ name: t.wave ?? t.name, wave: t.wave, targets: [t] });
        }
    }
    return stages.map(s => ({
        ...s,
        // The release marker (and a wave's attempt marker), each deploy and each check; the approval has a stage of its own.
        actions: (s.targets.length > 1 ? 2 : 1) + s.targets.length + s.targets.filter(t => t.check).length,
        /** A target of the stage asks for an approval, which is a stage of its own before it. */
        approval: s.targets.some(t => t.approval),
    }));
}

