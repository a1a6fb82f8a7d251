import * as assert from "assert";
import * as yaml from "js-yaml";
import { configOf } from "../offline/access/access";
import { Evaluation, evaluate } from "../offline/engine/engine";
import { TargetConfig } from "../stacks/config/stackConfig";
import { stackNames } from "../stacks/names";
import { deployTargetsVariables } from "../components/buildspec";
import { BuildRun, deployTargetsOf, inArtifact, projectOf, runBuildspec, withDeployTargets } from "./support/buildspec";
import { all, block, evaluated, key, one, fixture, FIXTURE_STACKS } from "./support/stacks";

/** What Docker accepts as a tag: a word character first, then up to 127 of [\w.-]. */
const DOCKER_TAG = "[\\w][\\w.-]{0,127}";

// The contract between the one build and every target's CodeDeployToECS action, checked only on what
// the program REGISTERED: the CodeBuild project's buildspec and environment, the pipeline's stages,
// and the targets' resources. The buildspec's commands are run (docker and aws stubbed) to see what they write.

const deployActions = (e: Evaluation) => (one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[])
    .flatMap(s => s.actions).filter((a: any) => a.provider === "CodeDeployToECS");

/** What a target's deployment must agree with: a created target's resources, or an existing target's config. */
function expected(e: Evaluation, t: TargetConfig, i: number) {
    if (t.existing) {
        return { ...t.existing, network: undefined };
    }
    const logical = stackNames(configOf(e)).targets[i].logical.target;
    const service = one(e, "aws:ecs/service:Service", `${logical}-service`);
    const role = (n: string) => one(e, "aws:iam/role:Role", `${logical}-${n}`).state.arn;
    const [first] = JSON.parse(one(e, "aws:ecs/taskDefinition:TaskDefinition", `${logical}-task`).inputs.containerDefinitions);
    return {
        readonlyRootFilesystem: first.readonlyRootFilesystem,
        containerUser: first.user,
        containerName: service.inputs.loadBalancers[0].containerName,
        containerPort: service.inputs.loadBalancers[0].containerPort,
        taskFamily: one(e, "aws:ecs/taskDefinition:TaskDefinition", `${logical}-task`).inputs.family,
        taskRoleArn: role("task"),
        executionRoleArn: role("execution"),
        logGroupName: one(e, "aws:cloudwatch/logGroup:LogGroup", `${logical}-logs`).state.name,
        network: service.inputs.networkConfiguration,
    };
}

for (const name of [...FIXTURE_STACKS, "existing", "path"]) {
    describe(`build/deploy artifact contract (${name === "existing" ? "existing target" : `${name} stack`})`, function () {
        let e: Evaluation;
        let build: BuildRun;
        before(async () => {
            e = await evaluated(name);
            build = runBuildspec(projectOf(e, "pipeline-build"));
        });

        it("every artifact an action consumes is produced by an action of an earlier stage", () => {
            const stages = one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[];
            const produced = new Set<string>();
            for (const stage of stages) {
                for (const action of stage.actions) {
                    for (const input of action.inputArtifacts ?? []) {
                        assert.ok(produced.has(input), `${stage.name}/${action.name} reads ${input}, which no earlier stage produces`);
                    }
                }
                stage.actions.forEach((a: any) => (a.outputArtifacts ?? []).forEach((o: string) => produced.add(o)));
            }
        });

        it("every deploy action reads its own files and the one image from the artifact of the one build", () => {
            const stages = one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[];
            const builds = stages.flatMap(s => s.actions).filter((a: any) => a.provider === "CodeBuild" && (a.outputArtifacts ?? []).length > 0);
            assert.strictEqual(builds.length, 1, "one build");
            const [producer] = builds;
            assert.strictEqual(producer.configuration.ProjectName, one(e, "aws:codebuild/project:Project", "pipeline-build").inputs.name);
            const deploys = deployActions(e);
            assert.deepStrictEqual(deploys.map((d: any) => d.name), configOf(e).targets.map(t => t.name));
            for (const deploy of deploys) {
                const c = deploy.configuration;
                for (const artifact of [c.TaskDefinitionTemplateArtifact, c.AppSpecTemplateArtifact, c.Image1ArtifactName]) {
                    assert.ok(deploy.inputArtifacts.includes(artifact), `${artifact} is not an input artifact of ${deploy.name}`);
                    assert.strictEqual(artifact, producer.outputArtifacts[0]);
                }
                // CodeDeployToECS reads the image from imageDetail.json at the root of Image1ArtifactName: one image for all.
                for (const file of [c.TaskDefinitionTemplatePath, c.AppSpecTemplatePath, "imageDetail.json"]) {
                    assert.ok(inArtifact(build.artifactFiles, file), `the build's artifact does not take ${file}`);
                    assert.ok(file in build.files, `the build does not write ${file}`);
                }
            }
            const files = deploys.flatMap((d: any) => [d.configuration.TaskDefinitionTemplatePath, d.configuration.AppSpecTemplatePath]);
            assert.strictEqual(new Set(files).size, files.length, "each target its own files");
        });

        it("imageDetail.json names the image the build pushed to the pipeline account's repository", () => {
            const detail = JSON.parse(build.files["imageDetail.json"]);
            const repository = one(e, "aws:ecr/repository:Repository");
            assert.strictEqual(repository.account, e.resources.find(r => r.name === "pipeline-account")!.account);
            assert.match(detail.ImageURI, new RegExp(`^${repository.state.repositoryUrl.replace(/\./g, "\\.")}:${DOCKER_TAG}$`));
        });

        it("logs in to the registry, builds the source's Dockerfile and pushes exactly that image, once, in this order", () => {
            const image = JSON.parse(build.files["imageDetail.json"]).ImageURI;
            assert.deepStrictEqual(build.calls, [
                "aws ecr get-login-password --region ap-northeast-2",
                `docker login --username AWS --password-stdin ${image.split("/")[0]}`,
                `docker build --tag ${image} .`,
                `docker push ${image}`,
            ]);
        });

        it("tags the image validly when CodeBuild resolves no source version, and never reuses a tag", () => {
            const project = projectOf(e, "pipeline-build");
            const tag = (run: BuildRun) => JSON.parse(run.files["imageDetail.json"]).ImageURI.split(":").pop();
            const tagOf = (variables: Record<string, string>) => tag(runBuildspec({ ...project, environment: { ...project.environment, ...variables } }));
            const unresolved = tagOf({ CODEBUILD_RESOLVED_SOURCE_VERSION: "" });
            assert.match(unresolved, new RegExp(`^${DOCKER_TAG}$`));
            // A resolved commit names the image: its first 12 characters lead the tag.
            assert.match(tagOf({ CODEBUILD_RESOLVED_SOURCE_VERSION: "0123456789abcdef0123456789abcdef01234567" }), /^0123456789ab-/);
            // A re-created build project counts builds from 1 again; the kept repository's tags are immutable.
            // `build` ran with another build id (CODEBUILD_VARIABLES').
            assert.notStrictEqual(tag(build), tagOf({ CODEBUILD_BUILD_ID: "project:00000000-0000-4000-8000-000000000002" }));
        });

        it("each target's taskdef is a Fargate task definition on its roles, log group and region, with the image placeholder", () => {
            configOf(e).targets.forEach((t, i) => {
                const want = expected(e, t, i);
                const action = deployActions(e).find((a: any) => a.name === t.name);
                const taskdef = JSON.parse(build.files[action.configuration.TaskDefinitionTemplatePath]);
                assert.strictEqual(taskdef.family, want.taskFamily);
                assert.strictEqual(taskdef.taskRoleArn, want.taskRoleArn);
                assert.strictEqual(taskdef.executionRoleArn, want.executionRoleArn);
                assert.strictEqual(taskdef.networkMode, "awsvpc");
                assert.deepStrictEqual(taskdef.requiresCompatibilities, ["FARGATE"]);
                assert.deepStrictEqual([taskdef.cpu, taskdef.memory], [String((t.create ?? t.existing)!.cpu), String((t.create ?? t.existing)!.memory)]);
                // The one container CodeDeployToECS gives the new image: `<Image1ContainerName>`, AWS's IMAGE1_NAME.
                assert.strictEqual(action.configuration.Image1ContainerName, "IMAGE1_NAME");
                // ECS refuses a task definition without an essential container; this is the only one.
                assert.strictEqual(taskdef.containerDefinitions.length, 1);
                const [container] = taskdef.containerDefinitions;
                assert.strictEqual(container.image, "<IMAGE1_NAME>");
                assert.strictEqual(container.essential, true);
                assert.strictEqual(container.name, want.containerName);
                assert.deepStrictEqual(container.portMappings, [{ containerPort: want.containerPort, protocol: "tcp" }]);
                assert.strictEqual(container.logConfiguration.logDriver, "awslogs");
                assert.strictEqual(container.logConfiguration.options["awslogs-group"], want.logGroupName);
                assert.strictEqual(container.logConfiguration.options["awslogs-region"], t.region);
                // What Security Hub reads (ECS.5, ECS.20): a created target's revisions run as its first one does.
                assert.strictEqual(container.readonlyRootFilesystem, want.readonlyRootFilesystem);
                assert.strictEqual(container.user, want.containerUser);
            });
        });

        it("the build joins the targets' list from its parts in order: cut into parts of 50 characters, it renders the same files", () => {
            const project = projectOf(e, "pipeline-build");
            const whole = runBuildspec(project);
            const json = deployTargetsOf(project.environment);
            const others = Object.fromEntries(Object.entries(project.environment).filter(([name]) => !name.startsWith("DEPLOY_TARGETS_")));
            const cut = runBuildspec({ ...project, environment: { ...others, ...deployTargetsVariables(json, 50) } });
            assert.ok(Math.ceil(json.length / 50) > 2);
            const rendered = (run: BuildRun) => Object.fromEntries(Object.entries(run.files).filter(([file]) => /^(taskdef|appspec)-/.test(file)));
            assert.deepStrictEqual(rendered(cut), rendered(whole));
            assert.equal(Object.keys(rendered(whole)).length, 2 * deployActions(e).length);
        });

        it("each target's taskdef renders its root file system and user as configured: a JSON boolean and a string", () => {
            const project = projectOf(e, "pipeline-build");
            const render = (readonly: boolean, user: string) => {
                const targets = JSON.parse(deployTargetsOf(project.environment)).map((t: object) => ({ ...t, readonlyRootFilesystem: readonly, containerUser: user }));
                const run = runBuildspec({ ...project, environment: withDeployTargets(project.environment, JSON.stringify(targets)) });
                return deployActions(e).map((a: any) => JSON.parse(run.files[a.configuration.TaskDefinitionTemplatePath]).containerDefinitions[0]);
            };
            for (const [readonly, user] of [[false, "0"], [true, "app:app"]] as const) {
                for (const container of render(readonly, user)) {
                    assert.deepStrictEqual([container.readonlyRootFilesystem, container.user], [readonly, user]);
                }
            }
        });

        it("each target's appspec targets its service's load-balanced container and the registered revision, in its network", () => {
            configOf(e).targets.forEach((t, i) => {
                const want = expected(e, t, i);
                const action = deployActions(e).find((a: any) => a.name === t.name);
                const appspec = yaml.load(build.files[action.configuration.AppSpecTemplatePath]) as any;
                assert.strictEqual(appspec.version, 0.0);
                assert.strictEqual(appspec.Resources.length, 1);
                const service = appspec.Resources[0].TargetService;
                assert.strictEqual(service.Type, "AWS::ECS::Service");
                assert.strictEqual(service.Properties.TaskDefinition, "<TASK_DEFINITION>");
                assert.deepStrictEqual(service.Properties.LoadBalancerInfo, { ContainerName: want.containerName, ContainerPort: want.containerPort });
                // The CODE_DEPLOY controller takes a created service's network from deployments only; an existing service keeps its own.
                assert.deepStrictEqual(service.Properties.NetworkConfiguration, want.network && { AwsvpcConfiguration: {
                    Subnets: want.network.subnets, SecurityGroups: want.network.securityGroups, AssignPublicIp: want.network.assignPublicIp ? "ENABLED" : "DISABLED",
                } });
            });
        });
    });
}

describe("the check after a target (prod's staging)", () => {
    /** The registered check project, run for the URL a check action passes it, with `curl` answering these statuses in turn and `sleep` a no-op. */
    const check = async (statuses: string[]) => {
        const e = await evaluated("prod");
        const action = (one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[]).flatMap(s => s.actions).find((a: any) => a.category === "Test");
        const variables = Object.fromEntries(JSON.parse(action.configuration.EnvironmentVariables).map((v: any) => [v.name, v.value]));
        const project = projectOf(e, "pipeline-check");
        const answers = statuses.map((s, i) => `[ "$(grep -c '^curl' "$CALLS")" = ${i + 1} ] && printf ${s} && exit 0`).join("\n");
        return { url: variables.CHECK_URL as string, run: runBuildspec({ ...project, environment: { ...project.environment, ...variables } }, {},
            { stubs: { curl: `CALLS="$(dirname "$0")/calls"\n${answers}\nprintf 000; exit 7`, sleep: "" }, mayFail: true }) };
    };

    it("GETs the target's URL (its domain and the configured path) until it answers 2xx or 3xx", async () => {
        const { url, run } = await check(["503", "000", "302"]);
        assert.equal(url, "https://staging.example.com/health");
        assert.strictEqual(run.status, 0, run.stderr);
        assert.strictEqual(run.calls.filter(c => c.startsWith("curl")).length, 3);
        assert.ok(run.calls.every(c => !c.startsWith("curl") || c.endsWith(` ${url}`)));
    });

    it("fails the action, so the next stage does not start, when the target never answers 2xx or 3xx", async () => {
        const { url, run } = await check(Array.from({ length: 20 }, () => "500"));
        assert.notStrictEqual(run.status, 0);
        assert.strictEqual(run.calls.filter(c => c.startsWith("curl")).length, 20);
        assert.match(run.stderr, new RegExp(`${url.replace(/[.?]/g, "\\$&")} did not answer 2xx or 3xx`));
    });
});

describe("build/deploy artifact contract (a buildspec from the repository)", () => {
    it("uses the named file and still gives the build what it must write for every target", async () => {
        const config = fixture("prod");
        config[key("build")] = { ...block<object>(config, "build"), buildspec: "ci/buildspec.yml" };
        const e = await evaluate("prod", config);
        assert.ifError(e.error);
        const project = one(e, "aws:codebuild/project:Project", "pipeline-build");
        assert.strictEqual(project.inputs.source.buildspec, "ci/buildspec.yml");
        const variables = Object.fromEntries(project.inputs.environment.environmentVariables.map((v: any) => [v.name, v.value]));
        assert.deepStrictEqual(Object.keys(variables).sort(), ["DEPLOY_TARGETS_1", "DEPLOY_TARGETS_PARTS", "IMAGE_REPOSITORY_URI"]);
        assert.deepStrictEqual(JSON.parse(deployTargetsOf(variables)).map((t: any) => t.files),
            [{ taskDefinition: "taskdef-staging.json", appSpec: "appspec-staging.yaml" }, { taskDefinition: "taskdef-prod.json", appSpec: "appspec-prod.yaml" }]);
        assert.strictEqual(all(e, "aws:ecs/service:Service").length, 2);
    });
});
