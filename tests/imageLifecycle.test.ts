import { strict as assert } from "assert";
import { configOf } from "../offline/access/access";
import { expiredImages, Image, LifecyclePolicy } from "../offline/access/ecrLifecycle";
import { Evaluation } from "../offline/engine/engine";
import { CODEBUILD_VARIABLES, projectOf, runBuildspec, STUB_MANIFEST, STUB_MEDIA_TYPE } from "./support/buildspec";
import { evaluated, one } from "./support/stacks";

// Images a target runs or may roll back to are never expired, whatever the ratio of builds to
// releases. The registered lifecycle rules are evaluated (offline/access/ecrLifecycle.ts, checked against
// ECR's documented examples) over histories of pushes, rejected approvals, failed deployments,
// releases and rollbacks, with the tags the registered build and release marker really write.

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** The tag a run of a registered buildspec gives an image, for a given CodeBuild build id. */
function buildTag(e: Evaluation, buildId: string): string {
    const project = projectOf(e, "pipeline-build");
    const run = runBuildspec({ ...project, environment: { ...project.environment, CODEBUILD_BUILD_ID: buildId } });
    return JSON.parse(run.files["imageDetail.json"]).ImageURI.split(":").pop();
}

/** The release marker's calls for an imageDetail.json, run with a given CodeBuild build id and its stage's tag prefix. */
function markerCalls(e: Evaluation, imageUri: string, prefix: string, buildId = CODEBUILD_VARIABLES.CODEBUILD_BUILD_ID): string[] {
    const project = projectOf(e, "pipeline-release");
    return runBuildspec({ ...project, environment: { ...project.environment, RELEASE_TAG_PREFIX: prefix, CODEBUILD_BUILD_ID: buildId } },
        { "imageDetail.json": JSON.stringify({ ImageURI: imageUri }) }).calls;
}

/** The registered path after the build: each stage's approval (a stage of its own before it), and the tag prefixes its marker actions set (a wave's attempt one too). */
function registeredStages(e: Evaluation) {
    const stages = (one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[]);
    const approved = (stage: any) => stages[stages.indexOf(stage) - 1].actions.some((a: any) => a.provider === "Manual");
    return stages.slice(2).filter(stage => stage.actions.some((a: any) => a.provider === "CodeDeployToECS")).map(stage => {
        const prefix = (name: string) => {
            const marker = stage.actions.find((a: any) => a.name === name);
            return marker && JSON.parse(marker.configuration.EnvironmentVariables).find((v: { name: string }) => v.name === "RELEASE_TAG_PREFIX").value as string;
        };
        return { name: stage.name as string, approval: approved(stage),
            prefix: prefix("Mark_released")!, attempt: prefix("Mark_attempt") };
    });
}

const releaseTagOf = (calls: string[]) => /--image-tag (\S+)/.exec(calls.find(c => c.startsWith("aws ecr put-image"))!)![1];

/** The part two strings share at their start. */
function commonPrefix(a: string, b: string): string {
    let i = 0;
    while (i < a.length && a[i] === b[i]) {
        i++;
    }
    return a.slice(0, i);
}

/** A small deterministic random generator (mulberry32): the same seed, the same history. */
function random(seed: number): () => number {
    return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

interface Scenario {
    name: string;
    seed: number;
    days: number;
    buildsPerDay: number;
    /** Hours from reaching a stage's approval (executions queue in order, as in a QUEUED pipeline) to the decision. */
    reviewHours: (rnd: () => number) => number;
    /** The chance an approval approves; a stage without one deploys whatever reaches it. */
    approved: number;
    deploySucceeds: number;
    /** Hours a deployment takes: traffic shifting, the termination wait and the check. */
    deployHours: (rnd: () => number) => number;
    /** Chance per hour without a deployment in a stage that someone rolls it back. */
    rollbackPerHour?: number;
}

interface Tags {
    /** A build's tag, from the registered build. */
    build: (n: number) => string;
    /** Each stage's release tags, from the registered release marker with the stage's prefix. */
    release: ((n: number) => string)[];
    /** A wave's attempt tags, likewise (undefined for a stage of one target). */
    attempt: (((n: number) => string) | undefined)[];
}

interface Outcome {
    violations: string[];
    builds: number;
    /** Successful deployments, per stage. */
    releases: number[];
    expired: number;
    rollbacks: number;
}

/** One stage's state: what waits for it, what it deploys, what its targets run and ran before, what it released. */
interface StageState {
    approval: boolean;
    queue: { image: Image; reviewAt: number }[];
    deploying?: { image: Image; endsAt: number; succeeds: boolean; rollback?: boolean };
    running?: Image;
    previous?: Image;
    /** After a wave partly failed: the image the targets that deployed run, until the stage's next successful deploy. */
    partly?: Image;
    released: Image[];
    marks: number;
}

/**
 * One history, hour by hour, over the path's stages, with ECR's lifecycle run every 6 hours (ECR
 * acts within 24 hours of an image becoming eligible; running it more often is stricter). An
 * execution passes the stages in order: it waits for a stage (and its approval, if it has one),
 * the release marker tags the image for that stage, the deploy runs, and on success the execution
 * moves on. What must survive, in every stage: the image its targets run, the one they ran before
 * (CodeDeploy's blue tasks, the instant rollback), an image being deployed, and every execution
 * waiting for it whose artifacts still exist (it may yet be approved).
 */
function simulate(policy: LifecyclePolicy, tags: Tags, path: { approval: boolean }[], s: Scenario, keep: number, artifactDays: number): Outcome {
    const rnd = random(s.seed);
    const repository = new Map<string, Image>();
    const stages: StageState[] = path.map(p => ({ approval: p.approval, queue: [], released: [], marks: 0 }));
    const out: Outcome = { violations: [], builds: 0, releases: stages.map(() => 0), expired: 0, rollbacks: 0 };
    const start = Date.UTC(2025, 0, 1);
    const present = (image: Image, what: string, now: number) => {
        if (!repository.has(image.id)) {
            out.violations.push(`day ${((now - start) / DAY).toFixed(1)}: ${what} ${image.tags.join(",")} was expired`);
        }
        return repository.has(image.id);
    };
    const enqueue = (k: number, image: Image, now: number) => {
        const stage = stages[k];
        const reaches = Math.max(now, stage.queue.at(-1)?.reviewAt ?? now);
        stage.queue.push({ image, reviewAt: reaches + (stage.approval ? s.reviewHours(rnd) * HOUR : 0) });
    };
    // A wave's attempt marker runs before its deploys; the release marker after they all succeeded.
    const mark = (k: number, image: Image, tag: ((n: number) => string) | undefined, what: string, now: number) => {
        if (tag && present(image, `the image stage ${k} ${what}, at its mark`, now)) {
            image.tags.push(tag(stages[k].marks++));
        }
    };
    const startDeploy = (k: number, image: Image, now: number, succeeds: boolean) => {
        mark(k, image, tags.attempt[k], "attempts", now);
        stages[k].deploying = { image, endsAt: now + s.deployHours(rnd) * HOUR, succeeds };
    };

    for (let now = start; now < start + s.days * DAY; now += HOUR) {
        const builds = Math.floor(s.buildsPerDay / 24) + (rnd() < (s.buildsPerDay / 24) % 1 ? 1 : 0);
        for (let i = 0; i < builds; i++) {
            const image = { id: `build-${out.builds}`, tags: [tags.build(out.builds++)], pushedAt: now };
            repository.set(image.id, image);
            enqueue(0, image, now);
        }
        stages.forEach((stage, k) => {
            if (stage.deploying && now >= stage.deploying.endsAt) {
                if (!stage.deploying.succeeds && tags.attempt[k] && rnd() < 0.5) {
                    // A wave that partly failed: some of its targets run the image; the release marker does not run.
                    stage.partly = stage.deploying.image;
                }
                if (stage.deploying.succeeds) {
                    mark(k, stage.deploying.image, tags.release[k], "released", now);
                    stage.partly = undefined;
                    [stage.previous, stage.running] = [stage.running, stage.deploying.image];
                    stage.released.push(stage.deploying.image);
                    out.releases[k]++;
                    if (k + 1 < stages.length && !stage.deploying.rollback) {
                        enqueue(k + 1, stage.deploying.image, now);
                    }
                }
                stage.deploying = undefined;
            }
            if (stage.deploying) {
                return;
            }
            // The rollback depth: the `keep - 1` newest images this stage released (ECR counts by push time), the running one aside
            // (worked out only in a history with rollbacks: it sorts every release, every hour).
            const rollbackTo = s.rollbackPerHour ? [...new Set(stage.released)].sort((a, b) => b.pushedAt - a.pushedAt)
                .slice(0, keep - 1).filter(r => r !== stage.running) : [];
            if (s.rollbackPerHour && rollbackTo.length > 0 && rnd() < s.rollbackPerHour) {
                // A rollback of the stage (rollback-stage, or a redeploy of an earlier release) within its rollback depth.
                const image = rollbackTo[Math.floor(rnd() * rollbackTo.length)];
                out.rollbacks++;
                if (present(image, `a rollback target of stage ${k} within the rollback depth`, now)) {
                    startDeploy(k, image, now, true);
                    stage.deploying!.rollback = true;
                }
                return;
            }
            // Executions due this hour, in queue order, until one starts a deployment.
            while (!stage.deploying && stage.queue.length > 0 && stage.queue[0].reviewAt <= now) {
                const { image } = stage.queue.shift()!;
                const fresh = now - image.pushedAt < artifactDays * DAY;   // else its artifacts are gone: it cannot deploy
                if (fresh && (!stage.approval || rnd() < s.approved) && present(image, `an execution stage ${k} deploys`, now)) {
                    startDeploy(k, image, now, rnd() < s.deploySucceeds);
                }
            }
        });
        if ((now - start) % (6 * HOUR) === 0) {
            const protectedImages = new Map<Image | undefined, string>(stages.flatMap((stage, k) => [
                [stage.running, `stage ${k}'s running image`], [stage.previous, `stage ${k}'s previous release (blue)`],
                [stage.partly, `the image part of wave ${k} runs`],
                [stage.deploying?.image, `the image stage ${k} deploys`],
                ...stage.queue.filter(q => now - q.image.pushedAt < artifactDays * DAY).map(q => [q.image, `an execution waiting for stage ${k}`]),
            ] as [Image | undefined, string][]));
            for (const image of expiredImages(policy, [...repository.values()], now)) {
                if (protectedImages.has(image)) {
                    out.violations.push(`day ${((now - start) / DAY).toFixed(1)}: ${protectedImages.get(image)} ${image.tags.join(",")} expired`);
                }
                repository.delete(image.id);
                out.expired++;
            }
        }
    }
    return out;
}

const uniform = (low: number, high: number) => (rnd: () => number) => low + rnd() * (high - low);

for (const stack of ["dev", "prod", "path"]) {
    describe(`image lifecycle (${stack} stack)`, () => {
        let e: Evaluation;
        let policy: LifecyclePolicy;
        let build: string;
        /** Each tag prefix's release marker calls for two builds of the registered build's image (each run once, for every test). */
        let marks: Map<string, string[][]>;
        let tags: Tags;
        let path: ReturnType<typeof registeredStages>;
        let keep: number;
        let artifactDays: number;
        let maxDeployHours: number;
        /** The longest a registered approval waits before it fails. */
        let approvalHours = 7 * 24;
        before(async () => {
            e = await evaluated(stack);
            policy = JSON.parse(one(e, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy);
            path = registeredStages(e);
            const repositoryUrl = one(e, "aws:ecr/repository:Repository").state.repositoryUrl;
            build = buildTag(e, CODEBUILD_VARIABLES.CODEBUILD_BUILD_ID);
            marks = new Map(path.flatMap(p => [p.prefix, ...p.attempt ? [p.attempt] : []]).map(prefix => [prefix,
                ["0b1c2d3e-0000-4000-8000-000000000001", "9f8e7d6c-ffff-4fff-bfff-fffffffffff2"]
                    .map(id => markerCalls(e, `${repositoryUrl}:${build}`, prefix, id))]));
            const tagsOf = (prefix: string) => {
                const [first, second] = marks.get(prefix)!.map(releaseTagOf);
                return (n: number) => `${commonPrefix(first, second)}${n}`;
            };
            tags = { build: n => `${build}${n}`, release: path.map(p => tagsOf(p.prefix)), attempt: path.map(p => p.attempt && tagsOf(p.attempt)) };
            // What the stack file asks for: the rollback depth, and how long a build stays deployable.
            ({ keep } = configOf(e).images);
            artifactDays = configOf(e).artifactRetentionDays;
            // The longest a deployment may take: CodeDeploy's termination wait at its maximum, 2 days, plus an hour.
            maxDeployHours = 2 * 24 + 1;
            const approvals = (one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[]).flatMap(stage => stage.actions)
                .filter((a: any) => a.provider === "Manual");
            approvalHours = Math.max(0, ...approvals.map((a: any) => a.timeoutInMinutes / 60));
        });

        it("the release marker tags exactly the deployed image of this repository, with its stage's tag, which no other marking reuses", () => {
            const repositoryUrl = one(e, "aws:ecr/repository:Repository").state.repositoryUrl;
            const repository = one(e, "aws:ecr/repository:Repository").state.name;
            for (const [prefix, [calls, another]] of marks) {
                assert.deepEqual(calls, [
                    `aws ecr batch-get-image --repository-name ${repository} --image-ids imageTag=${build} --output json`,
                    `aws ecr put-image --repository-name ${repository} --image-tag ${releaseTagOf(calls)} --image-manifest ${STUB_MANIFEST} --image-manifest-media-type ${STUB_MEDIA_TYPE}`,
                ]);
                assert.ok(releaseTagOf(calls).startsWith(prefix));
                assert.notEqual(releaseTagOf(another), releaseTagOf(calls), "another build's release is another tag");
                assert.throws(() => markerCalls(e, `${repositoryUrl}-other:${build}`, prefix), /is not a tag of/);
            }
            // No stage's tags start like another's: each stage's rule counts its own releases.
            const prefixes = path.flatMap(p => [p.prefix, ...p.attempt ? [p.attempt] : []]);
            assert.deepEqual(prefixes.filter(p => prefixes.some(q => q !== p && q.startsWith(p))), []);
        });

        it("in each stage the pipeline runs the marker, as the build role, on the deployed build's output, only after every deploy succeeded", () => {
            const stages = (one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[]).slice(2)
                .filter(stage => stage.actions.some((a: any) => a.provider === "CodeDeployToECS"));
            const marker = one(e, "aws:codebuild/project:Project", "pipeline-release").state.name;
            for (const stage of stages) {
                const marks = stage.actions.filter((a: any) => a.configuration?.ProjectName === marker);
                const deploys = stage.actions.filter((a: any) => a.provider === "CodeDeployToECS");
                const released = marks.find((a: any) => a.name === "Mark_released");
                assert.ok(deploys.every((d: any) => released.runOrder > d.runOrder), `${stage.name}: the release marker runs after the deploys`);
                // A wave also marks its attempt first: the targets of a partly failed wave run an image the release marker never tagged.
                assert.deepEqual(marks.filter((a: any) => a !== released).map((a: any) => a.runOrder < deploys[0].runOrder),
                    deploys.length > 1 ? [true] : []);
                assert.ok(marks.every((m: any) => JSON.stringify(m.inputArtifacts) === JSON.stringify(deploys[0].inputArtifacts)));
            }
            assert.strictEqual(one(e, "aws:codebuild/project:Project", "pipeline-release").inputs.serviceRole,
                one(e, "aws:iam/role:Role", "pipeline-build").state.arn);
        });

        const scenarios: Scenario[] = [{
            name: "a busy branch: 40 builds a day, 1 in 50 approved",
            seed: 1, days: 200, buildsPerDay: 40, reviewHours: uniform(0, 0.5), approved: 0.02, deploySucceeds: 0.9,
            deployHours: uniform(0.2, 2),
        }, {
            name: "every build released, one a day",
            seed: 2, days: 120, buildsPerDay: 1, reviewHours: uniform(0, 12), approved: 1, deploySucceeds: 1, deployHours: uniform(0.2, 1),
        }, {
            name: "slow approvals (up to the registered approval timeout), rejections and failed deployments",
            seed: 3, days: 400, buildsPerDay: 0.3, reviewHours: rnd => rnd() < 0.7 ? Math.min(24, approvalHours) * rnd() : approvalHours * rnd(), approved: 0.6,
            deploySucceeds: 0.7, deployHours: uniform(0.2, 49),
        }, {
            name: "rollbacks within the rollback depth between releases",
            seed: 4, days: 200, buildsPerDay: 6, reviewHours: uniform(0, 3), approved: 0.2, deploySucceeds: 0.8,
            deployHours: uniform(0.2, 3), rollbackPerHour: 1 / 48,
        }];
        for (const s of scenarios) {
            it(`never expires what a stage runs, ran before, is deploying or may still deploy: ${s.name}`, () => {
                const result = simulate(policy, tags, path, s, keep, artifactDays);
                assert.deepEqual(result.violations, []);
                // The history did what it says: releases beyond the rollback depth, and the lifecycle expired images.
                assert.ok(Math.max(...result.releases) > keep, `only ${result.releases} releases`);
                assert.ok(result.expired > 0);
                assert.ok(!s.rollbackPerHour || result.rollbacks > 10, `only ${result.rollbacks} rollbacks`);
            });
        }

        it("an approved build deployed just before its artifacts expire, with the longest deployment, is kept", () => {
            // One build at a time, each approved an hour before its artifacts expire.
            const result = simulate(policy, tags, path, {
                name: "edge", seed: 5, days: 8 * (artifactDays + 4), buildsPerDay: 1 / (artifactDays + 4), reviewHours: () => artifactDays * 24 - 1,
                approved: 1, deploySucceeds: 1, deployHours: () => maxDeployHours,
            }, keep, artifactDays);
            assert.deepEqual(result.violations, []);
            assert.ok(Math.max(...result.releases) >= 3);
        });
    });
}
