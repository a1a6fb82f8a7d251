import * as assert from "assert";
import * as yaml from "js-yaml";
import { Evaluation, evaluate, readStackConfig } from "../offline/engine";
import { BuildRun, projectOf, runBuildspec } from "./support/buildspec";

/** What Docker accepts as a tag: a word character first, then up to 127 of [\w.-]. */
const DOCKER_TAG = "[\\w][\\w.-]{0,127}";
import { all, evaluated, existingTargetConfig, key, one } from "./support/stacks";

// The contract between the build and the CodeDeployToECS action, checked only on what the program
// REGISTERED: the CodeBuild project's buildspec and environment, the pipeline's stages, and the
// target's resources. The buildspec's commands are run (docker and aws stubbed) to see what they write.

function deployAction(e: Evaluation) {
    const stages = one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[];
    return stages.flatMap(s => s.actions).find((a: any) => a.provider === "CodeDeployToECS");
}

/** What the deployment must agree with: the created target's resources, or the existing target's config. */
function target(e: Evaluation, name: string) {
    if (name === "existing") {
        const t = (existingTargetConfig()[key("deployTarget")] as any).existing;
        // The schema's defaults: a read-only root file system, a user that is not root.
        return { readonlyRootFilesystem: true, containerUser: "1000:1000", ...t, logGroupName: `/ecs/${t.taskFamily}` };
    }
    const service = one(e, "aws:ecs/service:Service");
    const role = (n: string) => one(e, "aws:iam/role:Role", n).state.arn;
    const [first] = JSON.parse(one(e, "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions);
    return {
        readonlyRootFilesystem: first.readonlyRootFilesystem,
        containerUser: first.user,
        containerName: service.inputs.loadBalancers[0].containerName,
        containerPort: service.inputs.loadBalancers[0].containerPort,
        taskFamily: one(e, "aws:ecs/taskDefinition:TaskDefinition").inputs.family,
        taskRoleArn: role("target-task"),
        executionRoleArn: role("target-execution"),
        logGroupName: one(e, "aws:cloudwatch/logGroup:LogGroup", "target-logs").state.name,
    };
}

for (const name of ["dev", "prod", "existing"] as const) {
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

        it("the deploy action reads every file from the artifact of the build action that runs this project", () => {
            const deploy = deployAction(e);
            const stages = one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[];
            const producer = stages.flatMap(s => s.actions).find((a: any) =>
                (a.outputArtifacts ?? []).includes(deploy.configuration.TaskDefinitionTemplateArtifact));
            assert.strictEqual(producer.provider, "CodeBuild");
            assert.strictEqual(producer.configuration.ProjectName, one(e, "aws:codebuild/project:Project", "pipeline-build").inputs.name);
            const c = deploy.configuration;
            for (const artifact of [c.TaskDefinitionTemplateArtifact, c.AppSpecTemplateArtifact, c.Image1ArtifactName]) {
                assert.ok(deploy.inputArtifacts.includes(artifact), `${artifact} is not an input artifact of the deploy action`);
                assert.strictEqual(artifact, producer.outputArtifacts[0]);
            }
            // CodeDeployToECS reads the image from imageDetail.json at the root of Image1ArtifactName.
            for (const file of [c.TaskDefinitionTemplatePath, c.AppSpecTemplatePath, "imageDetail.json"]) {
                assert.ok(build.artifactFiles.includes(file), `the build's artifact does not list ${file}`);
                assert.ok(file in build.files, `the build does not write ${file}`);
            }
        });

        it("imageDetail.json names the image the build pushed to the pipeline account's repository", () => {
            const detail = JSON.parse(build.files["imageDetail.json"]);
            const repository = one(e, "aws:ecr/repository:Repository");
            assert.strictEqual(repository.account, e.resources.find(r => r.name === "pipeline-account")!.account);
            assert.match(detail.ImageURI, new RegExp(`^${repository.state.repositoryUrl.replace(/\./g, "\\.")}:${DOCKER_TAG}$`));
        });

        it("logs in to the registry, builds the source's Dockerfile and pushes exactly that image, in this order", () => {
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
            const tagOf = (variables: Record<string, string>) => JSON.parse(runBuildspec({
                ...project, environment: { ...project.environment, ...variables },
            }).files["imageDetail.json"]).ImageURI.split(":").pop();
            const unresolved = tagOf({ CODEBUILD_RESOLVED_SOURCE_VERSION: "" });
            assert.match(unresolved, new RegExp(`^${DOCKER_TAG}$`));
            // A re-created build project counts builds from 1 again; the kept repository's tags are immutable.
            assert.notStrictEqual(tagOf({ CODEBUILD_BUILD_ID: "project:00000000-0000-4000-8000-000000000001" }),
                tagOf({ CODEBUILD_BUILD_ID: "project:00000000-0000-4000-8000-000000000002" }));
        });

        it("taskdef.json is a Fargate task definition on the target's roles, with the image placeholder", () => {
            const t = target(e, name);
            const taskdef = JSON.parse(build.files[deployAction(e).configuration.TaskDefinitionTemplatePath]);
            assert.strictEqual(taskdef.family, t.taskFamily);
            assert.strictEqual(taskdef.taskRoleArn, t.taskRoleArn);
            assert.strictEqual(taskdef.executionRoleArn, t.executionRoleArn);
            assert.strictEqual(taskdef.networkMode, "awsvpc");
            assert.deepStrictEqual(taskdef.requiresCompatibilities, ["FARGATE"]);
            assert.match(taskdef.cpu, /^\d+$/);
            assert.match(taskdef.memory, /^\d+$/);
            // The one container CodeDeployToECS gives the new image: `<Image1ContainerName>`, AWS's IMAGE1_NAME.
            assert.strictEqual(deployAction(e).configuration.Image1ContainerName, "IMAGE1_NAME");
            const withImage = taskdef.containerDefinitions.filter((c: any) => c.image === "<IMAGE1_NAME>");
            assert.strictEqual(withImage.length, 1, "no single container has the image <IMAGE1_NAME>");
            const container = withImage[0];
            // ECS refuses a task definition without an essential container; this is the only one.
            assert.strictEqual(taskdef.containerDefinitions.length, 1);
            assert.strictEqual(container.essential, true);
            assert.strictEqual(container.name, t.containerName);
            assert.deepStrictEqual(container.portMappings, [{ containerPort: t.containerPort, protocol: "tcp" }]);
            assert.strictEqual(container.logConfiguration.logDriver, "awslogs");
            assert.strictEqual(container.logConfiguration.options["awslogs-group"], t.logGroupName);
            assert.strictEqual(container.logConfiguration.options["awslogs-region"], "ap-northeast-2");
            // What Security Hub reads (ECS.5, ECS.20): a created target's revisions run as its first one does.
            assert.strictEqual(container.readonlyRootFilesystem, t.readonlyRootFilesystem);
            assert.strictEqual(container.user, t.containerUser);
        });

        it("taskdef.json renders the target's root file system and user as configured: a JSON boolean and a string", () => {
            const project = projectOf(e, "pipeline-build");
            const render = (readonly: string, user: string) => JSON.parse(runBuildspec({
                ...project, environment: { ...project.environment, READONLY_ROOT_FILESYSTEM: readonly, CONTAINER_USER: user },
            }).files[deployAction(e).configuration.TaskDefinitionTemplatePath]).containerDefinitions[0];
            for (const [readonly, user] of [["false", "0"], ["true", "app:app"]]) {
                const container = render(readonly, user);
                assert.deepStrictEqual([container.readonlyRootFilesystem, container.user], [readonly === "true", user]);
            }
        });

        it("appspec.yaml targets the ECS service's load-balanced container and the registered revision", () => {
            const t = target(e, name);
            const appspec = yaml.load(build.files[deployAction(e).configuration.AppSpecTemplatePath]) as any;
            assert.strictEqual(appspec.version, 0.0);
            assert.strictEqual(appspec.Resources.length, 1);
            const service = appspec.Resources[0].TargetService;
            assert.strictEqual(service.Type, "AWS::ECS::Service");
            assert.strictEqual(service.Properties.TaskDefinition, "<TASK_DEFINITION>");
            assert.deepStrictEqual(service.Properties.LoadBalancerInfo, { ContainerName: t.containerName, ContainerPort: t.containerPort });
        });

        it("appspec.yaml carries a created service's network (the CODE_DEPLOY controller takes it from deployments only)", () => {
            const appspec = yaml.load(build.files[deployAction(e).configuration.AppSpecTemplatePath]) as any;
            const network = appspec.Resources[0].TargetService.Properties.NetworkConfiguration;
            if (name === "existing") {
                assert.strictEqual(network, undefined, "an existing service keeps its own network");
                return;
            }
            const service = one(e, "aws:ecs/service:Service").inputs.networkConfiguration;
            assert.deepStrictEqual(network, { AwsvpcConfiguration: {
                Subnets: service.subnets, SecurityGroups: service.securityGroups, AssignPublicIp: service.assignPublicIp ? "ENABLED" : "DISABLED",
            } });
        });
    });
}

describe("build/deploy artifact contract (a buildspec from the repository)", () => {
    it("uses the named file and still gives the build the target's variables", async () => {
        const config = readStackConfig("prod");
        config[key("build")] = { ...(config[key("build")] as object), buildspec: "ci/buildspec.yml" };
        const e = await evaluate("prod", config);
        assert.ifError(e.error);
        const project = one(e, "aws:codebuild/project:Project", "pipeline-build");
        assert.strictEqual(project.inputs.source.buildspec, "ci/buildspec.yml");
        const names = project.inputs.environment.environmentVariables.map((v: any) => v.name);
        for (const name of ["IMAGE_REPOSITORY_URI", "TASK_FAMILY", "TASK_ROLE_ARN", "EXECUTION_ROLE_ARN", "CONTAINER_NAME",
            "CONTAINER_PORT", "TASK_CPU", "TASK_MEMORY", "LOG_GROUP_NAME", "TARGET_REGION", "TASK_SUBNETS", "TASK_SECURITY_GROUPS",
            "TASK_ASSIGN_PUBLIC_IP"]) {
            assert.ok(names.includes(name), `missing ${name}`);
        }
        assert.strictEqual(all(e, "aws:ecs/service:Service").length, 1);
    });
});
