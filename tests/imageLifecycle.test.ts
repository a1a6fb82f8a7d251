import { strict as assert } from "assert";
import { stackConfig } from "../offline/access";
import { expiredImages, Image, LifecyclePolicy } from "../offline/ecrLifecycle";
import { Evaluation } from "../offline/engine";
import { CODEBUILD_VARIABLES, projectOf, runBuildspec, STUB_MANIFEST, STUB_MEDIA_TYPE } from "./support/buildspec";
import { evaluated, one } from "./support/stacks";

// Images a target runs or may roll back to are never expired, whatever the ratio of builds to
// releases. The registered lifecycle rules are evaluated (offline/ecrLifecycle.ts, checked against
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

/** The release marker's calls for an imageDetail.json, run with a given CodeBuild build id. */
function markerCalls(e: Evaluation, imageUri: string, buildId = CODEBUILD_VARIABLES.CODEBUILD_BUILD_ID): string[] {
    const project = projectOf(e, "pipeline-release");
    return runBuildspec({ ...project, environment: { ...project.environment, CODEBUILD_BUILD_ID: buildId } },
        { "imageDetail.json": JSON.stringify({ ImageURI: imageUri }) }).calls;
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
    /** Hours from reaching the approval (builds queue in order, as in a QUEUED pipeline) to the decision. */
    reviewHours: (rnd: () => number) => number;
    approved: number;
    deploySucceeds: number;
    /** Hours a deployment takes: traffic shifting and the termination wait, then the marker. */
    deployHours: (rnd: () => number) => number;
    /** Chance per hour without a deployment that someone rolls back. */
    rollbackPerHour?: number;
}

interface Tags {
    /** A build's tag, from the registered build. */
    build: (n: number) => string;
    /** A release tag, from the registered release marker. */
    release: (n: number) => string;
}

interface Outcome {
    violations: string[];
    builds: number;
    releases: number;
    expired: number;
    rollbacks: number;
}

/**
 * One history, hour by hour, with ECR's lifecycle run every 6 hours (ECR acts within 24 hours of
 * an image becoming eligible; running it more often is stricter). What must survive: the image the
 * target runs, the one it ran before (CodeDeploy's blue tasks, the instant rollback), an image being
 * deployed, and every queued build whose artifacts still exist (it may yet be approved).
 */
function simulate(policy: LifecyclePolicy, tags: Tags, s: Scenario, keep: number, artifactDays: number): Outcome {
    const rnd = random(s.seed);
    const repository = new Map<string, Image>();
    const queue: { image: Image; reviewAt: number }[] = [];
    const released: Image[] = [];
    const out: Outcome = { violations: [], builds: 0, releases: 0, expired: 0, rollbacks: 0 };
    let running: Image | undefined;
    let previous: Image | undefined;
    let deploying: { image: Image; endsAt: number; succeeds: boolean } | undefined;
    let marks = 0;
    const start = Date.UTC(2025, 0, 1);
    const present = (image: Image, what: string, now: number) => {
        if (!repository.has(image.id)) {
            out.violations.push(`day ${((now - start) / DAY).toFixed(1)}: ${what} ${image.tags.join(",")} was expired`);
        }
        return repository.has(image.id);
    };
    const startDeploy = (image: Image, now: number, succeeds: boolean) => {
        deploying = { image, endsAt: now + s.deployHours(rnd) * HOUR, succeeds };
    };

    for (let now = start; now < start + s.days * DAY; now += HOUR) {
        const builds = Math.floor(s.buildsPerDay / 24) + (rnd() < (s.buildsPerDay / 24) % 1 ? 1 : 0);
        for (let i = 0; i < builds; i++) {
            const image = { id: `build-${out.builds}`, tags: [tags.build(out.builds++)], pushedAt: now };
            repository.set(image.id, image);
            const reachesApproval = Math.max(now, queue.at(-1)?.reviewAt ?? now);
            queue.push({ image, reviewAt: reachesApproval + s.reviewHours(rnd) * HOUR });
        }
        if (deploying && now >= deploying.endsAt) {
            if (deploying.succeeds) {
                // The release marker runs after the deploy action succeeded.
                if (present(deploying.image, "the deployed image, before its release mark", now)) {
                    deploying.image.tags.push(tags.release(marks++));
                }
                [previous, running] = [running, deploying.image];
                released.push(deploying.image);
                out.releases++;
            }
            deploying = undefined;
        }
        if (!deploying) {
            // The rollback depth: the `keep - 1` newest released builds (ECR counts by push time), the running one aside.
            const targets = [...new Set(released)].sort((a, b) => b.pushedAt - a.pushedAt).slice(0, keep - 1).filter(r => r !== running);
            if (s.rollbackPerHour && targets.length > 0 && rnd() < s.rollbackPerHour) {
                // A rollback (a stage rollback, or a redeploy of an earlier release) within the rollback depth.
                const target = targets[Math.floor(rnd() * targets.length)];
                out.rollbacks++;
                if (present(target, "a rollback target within the rollback depth", now)) {
                    startDeploy(target, now, true);
                }
            }
            // Decisions due this hour, in queue order, until one starts a deployment.
            while (!deploying && queue.length > 0 && queue[0].reviewAt <= now) {
                const { image } = queue.shift()!;
                const fresh = now - image.pushedAt < artifactDays * DAY;   // else its artifacts are gone: it cannot deploy
                if (fresh && rnd() < s.approved && present(image, "an approved build", now)) {
                    startDeploy(image, now, rnd() < s.deploySucceeds);
                }
            }
        }
        if ((now - start) % (6 * HOUR) === 0) {
            const protectedImages = new Map<Image | undefined, string>([
                [running, "the running image"], [previous, "the previous release (blue)"], [deploying?.image, "the image being deployed"],
                ...queue.filter(q => now - q.image.pushedAt < artifactDays * DAY).map(q => [q.image, "a queued build"] as [Image, string]),
            ]);
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

for (const stack of ["dev", "prod"] as const) {
    describe(`image lifecycle (${stack} stack)`, () => {
        let e: Evaluation;
        let policy: LifecyclePolicy;
        let tags: Tags;
        let keep: number;
        let artifactDays: number;
        let maxDeployHours: number;
        before(async () => {
            e = await evaluated(stack);
            policy = JSON.parse(one(e, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy);
            const repositoryUrl = one(e, "aws:ecr/repository:Repository").state.repositoryUrl;
            const build = buildTag(e, CODEBUILD_VARIABLES.CODEBUILD_BUILD_ID);
            const [first, second] = ["0b1c2d3e-0000-4000-8000-000000000001", "9f8e7d6c-ffff-4fff-bfff-fffffffffff2"]
                .map(id => releaseTagOf(markerCalls(e, `${repositoryUrl}:${build}`, id)));
            tags = { build: n => `${build}${n}`, release: n => `${commonPrefix(first, second)}${n}` };
            // What the stack file asks for: the rollback depth, and how long a build stays deployable.
            ({ keep } = stackConfig(stack).images);
            artifactDays = stackConfig(stack).artifactRetentionDays;
            // The longest a deployment may take: CodeDeploy's termination wait at its maximum, 2 days, plus an hour.
            maxDeployHours = 2 * 24 + 1;
        });

        it("the release marker tags exactly the deployed image of this repository, with a tag no other marking reuses", () => {
            const repositoryUrl = one(e, "aws:ecr/repository:Repository").state.repositoryUrl;
            const repository = one(e, "aws:ecr/repository:Repository").state.name;
            const build = buildTag(e, CODEBUILD_VARIABLES.CODEBUILD_BUILD_ID);
            const calls = markerCalls(e, `${repositoryUrl}:${build}`);
            assert.deepEqual(calls, [
                `aws ecr batch-get-image --repository-name ${repository} --image-ids imageTag=${build} --output json`,
                `aws ecr put-image --repository-name ${repository} --image-tag ${releaseTagOf(calls)} --image-manifest ${STUB_MANIFEST} --image-manifest-media-type ${STUB_MEDIA_TYPE}`,
            ]);
            assert.notEqual(releaseTagOf(markerCalls(e, `${repositoryUrl}:${build}`, "x:another-build")), releaseTagOf(calls));
            assert.throws(() => markerCalls(e, `${repositoryUrl}-other:${build}`), /is not a tag of/);
        });

        it("the pipeline runs the marker, as the build role, only after the deploy action and on the deployed build's output", () => {
            const stages = one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[];
            const deployStage = stages.find(st => st.actions.some((a: any) => a.provider === "CodeDeployToECS"));
            assert.strictEqual(deployStage, stages.at(-1));
            const deploy = deployStage.actions.find((a: any) => a.provider === "CodeDeployToECS");
            const mark = deployStage.actions.find((a: any) => a.configuration.ProjectName === one(e, "aws:codebuild/project:Project", "pipeline-release").state.name);
            assert.ok(mark.runOrder > deploy.runOrder, "the marker runs after the deploy succeeded");
            assert.deepEqual(mark.inputArtifacts, deploy.inputArtifacts);
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
            name: "slow approvals (up to 7 days), rejections and failed deployments",
            seed: 3, days: 400, buildsPerDay: 0.3, reviewHours: rnd => rnd() < 0.7 ? 24 * rnd() : 7 * 24 * rnd(), approved: 0.6,
            deploySucceeds: 0.7, deployHours: uniform(0.2, 49),
        }, {
            name: "rollbacks within the rollback depth between releases",
            seed: 4, days: 200, buildsPerDay: 6, reviewHours: uniform(0, 3), approved: 0.2, deploySucceeds: 0.8,
            deployHours: uniform(0.2, 3), rollbackPerHour: 1 / 48,
        }];
        for (const s of scenarios) {
            it(`never expires what the target runs, ran before, is deploying or may still deploy: ${s.name}`, () => {
                const result = simulate(policy, tags, s, keep, artifactDays);
                assert.deepEqual(result.violations, []);
                // The history did what it says: releases beyond the rollback depth, and the lifecycle expired images.
                assert.ok(result.releases > keep, `only ${result.releases} releases`);
                assert.ok(result.expired > 0);
                assert.ok(!s.rollbackPerHour || result.rollbacks > 10, `only ${result.rollbacks} rollbacks`);
            });
        }

        it("an approved build deployed just before its artifacts expire, with the longest deployment, is kept until marked", () => {
            // One build at a time, each approved an hour before its artifacts expire.
            const result = simulate(policy, tags, {
                name: "edge", seed: 5, days: 8 * (artifactDays + 4), buildsPerDay: 1 / (artifactDays + 4), reviewHours: () => artifactDays * 24 - 1,
                approved: 1, deploySucceeds: 1, deployHours: () => maxDeployHours,
            }, keep, artifactDays);
            assert.deepEqual(result.violations, []);
            assert.ok(result.releases >= 3);
        });
    });
}
