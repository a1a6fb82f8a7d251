// A stand-in for CodePipeline V2, driven by a REGISTERED pipeline: its stages in order, each stage's
// actions by runOrder, executions one after the other (QUEUED, played back to back). It encodes
// AWS's documented stage-rollback rules
// (https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html):
//   - a stage with `onFailure: ROLLBACK` that fails rolls back by itself (stage-rollback-auto.html);
//   - a rollback targets an execution that succeeded in that stage, started in the current pipeline
//     structure version, and never a rollback execution; it uses that execution's artifacts and
//     variables, and runs the stage's actions again as a new (rollback) execution.
// What AWS does not document is ASSUMED here, and says so where it is used:
//   - ASSUMED: the structure version changes when, and only when, the pipeline's declaration (what
//     UpdatePipeline sends: stages, stores, triggers, variables) changes;
//   - ASSUMED: the rollback targets the newest such execution (the console's automatic choice);
//   - ASSUMED: a failed action fails its stage, and no later runOrder of the stage starts; actions of
//     one runOrder all run;
//   - ASSUMED: a rejected (or timed-out) approval fails its stage like a failed action (AWS documents
//     that it fails the execution: approvals-approve-or-reject.html).
import { Resource } from "../../offline/engine/engine";

export type Outcome = "Succeeded" | "Failed" | "Rejected";

/** One action the stand-in ran: in which execution, of which kind, with which release's artifacts. */
export interface PlayedAction {
    execution: string;
    kind: "standard" | "rollback";
    stage: string;
    action: string;
    provider: string;
    /** The release (the build) whose artifacts the action read. */
    release: string;
    outcome: Outcome;
}

interface Execution {
    id: string;
    kind: "standard" | "rollback";
    version: number;
    release: string;
    succeededIn: Set<string>;
}

/** What decides each action's outcome: the execution, the stage and the action as registered. */
export type Decide = (run: { execution: string; kind: "standard" | "rollback"; release: string }, stage: any, action: any) => Outcome;

const succeed: Decide = () => "Succeeded";

/** The part of a registered pipeline that UpdatePipeline sends (tags and the name are not its structure). */
const declaration = (pipeline: Resource) => {
    const { stages, artifactStores, triggers, variables, executionMode, pipelineType, roleArn } = pipeline.inputs;
    return JSON.stringify({ stages, artifactStores, triggers, variables, executionMode, pipelineType, roleArn });
};

export class PipelinePlayer {
    readonly played: PlayedAction[] = [];
    /** What each stage's rollbacks found: the execution they rolled back to, or none. */
    readonly rollbacks: { stage: string; failed: string; to?: string }[] = [];
    private readonly executions: Execution[] = [];
    private version = 0;
    private declared = "";
    private stages: any[] = [];

    constructor(pipeline: Resource) {
        this.update(pipeline);
    }

    /** A `pulumi up` that registers this pipeline: a changed declaration is a new structure version (ASSUMED: only then). */
    update(pipeline: Resource): void {
        const next = declaration(pipeline);
        if (next !== this.declared) {
            this.version++;
            this.declared = next;
        }
        this.stages = pipeline.inputs.stages;
    }

    /** The stages' names, in order. */
    get stageNames(): string[] {
        return this.stages.map(s => s.name);
    }

    /**
     * One execution of `release` (a build: every action reads its artifacts), stage after stage until
     * one fails; a failed stage that rolls back on failure rolls back. Returns the stage it failed in.
     */
    release(release: string, decide: Decide = succeed): { failedIn?: string } {
        const execution: Execution = { id: `execution-${this.executions.length + 1}`, kind: "standard", version: this.version, release, succeededIn: new Set() };
        this.executions.push(execution);
        for (const stage of this.stages) {
            if (!this.runStage(execution, stage, decide)) {
                if (stage.onFailure?.result === "ROLLBACK") {
                    this.rollback(stage, execution, decide);
                }
                return { failedIn: stage.name };
            }
            execution.succeededIn.add(stage.name);
        }
        return {};
    }

    /** The releases each deploy action deployed, in order (standard and rollback executions), for one target's action name. */
    deployed(action: string): PlayedAction[] {
        return this.played.filter(p => p.provider === "CodeDeployToECS" && p.action === action && p.outcome === "Succeeded");
    }

    private runStage(execution: Execution, stage: any, decide: Decide): boolean {
        const orders = [...new Set<number>(stage.actions.map((a: any) => a.runOrder ?? 1))].sort((a, b) => a - b);
        for (const order of orders) {
            const outcomes = stage.actions.filter((a: any) => (a.runOrder ?? 1) === order).map((action: any) => {
                const outcome = decide({ execution: execution.id, kind: execution.kind, release: execution.release }, stage, action);
                this.played.push({ execution: execution.id, kind: execution.kind, stage: stage.name, action: action.name, provider: action.provider,
                    release: execution.release, outcome });
                return outcome;
            });
            if (outcomes.some((o: Outcome) => o !== "Succeeded")) {
                return false;
            }
        }
        return true;
    }

    /** The documented rule: the newest standard execution of this structure version that succeeded in the stage (ASSUMED: the newest). */
    private rollback(stage: any, failed: Execution, decide: Decide): void {
        const target = [...this.executions].reverse().find(x => x.kind === "standard" && x.version === this.version && x.succeededIn.has(stage.name));
        this.rollbacks.push({ stage: stage.name, failed: failed.id, to: target?.id });
        if (target) {
            const rollback: Execution = { id: `rollback-${this.executions.length + 1}`, kind: "rollback", version: this.version, release: target.release, succeededIn: new Set() };
            this.executions.push(rollback);
            if (this.runStage(rollback, stage, decide)) {
                rollback.succeededIn.add(stage.name);
            }
        }
    }
}
