import * as pulumi from "@pulumi/pulumi";

/**
 * The files the CodeDeployToECS action reads from the build's output artifact. The pipeline's
 * deploy action names these paths; the generated buildspec writes them.
 */
export const DEPLOY_INPUT_FILES = {
    taskDefinition: "taskdef.json",
    appSpec: "appspec.yaml",
    imageDetail: "imageDetail.json",
} as const;

/**
 * The deploy action's `Image1ContainerName`. CodeDeployToECS puts the ImageURI of
 * imageDetail.json where the task definition template says `<IMAGE1_NAME>`.
 */
export const IMAGE_PLACEHOLDER = "IMAGE1_NAME";

/**
 * Where a created target's tasks run. The `CODE_DEPLOY` controller refuses network changes through
 * UpdateService, so the network ships with every deployment, in appspec.yaml.
 */
export interface TaskNetwork {
    subnets: pulumi.Input<pulumi.Input<string>[]>;
    securityGroups: pulumi.Input<pulumi.Input<string>[]>;
    assignPublicIp: boolean;
}

/**
 * The tag prefix of released images: the release marker adds `release-<build id>` to each image the
 * deploy action released, and the lifecycle policy keeps released images by count. Reserved: a
 * build must not push tags that start with it.
 */
export const RELEASE_TAG_PREFIX = "release-";

/**
 * The first task definition's image, until the first deployment replaces it: a public image
 * (ECR Public: no Docker Hub rate limit, reachable through the tasks' HTTPS egress) that runs
 * `placeholderCommand`.
 */
export const PLACEHOLDER_IMAGE = "public.ecr.aws/docker/library/node:22-alpine";

/**
 * What the placeholder runs: an HTTP server on $PORT that answers 200 on every path, so the
 * target groups' health check passes, whatever path and port the stack configures, until the
 * first deployment. Without it ECS would replace failing tasks in a loop and the production
 * listener would answer 503.
 */
export function placeholderCommand(): string[] {
    return ["node", "-e",
        'require("http").createServer((req, res) => res.end("No deployment yet: push to the source branch.\\n")).listen(Number(process.env.PORT))'];
}

/** What the build needs to know about the target; in the build they are environment variables. */
export interface BuildTarget {
    /** The ECR repository the build pushes to: `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
    imageRepositoryUrl: pulumi.Input<string>;
    taskFamily: pulumi.Input<string>;
    taskRoleArn: pulumi.Input<string>;
    executionRoleArn: pulumi.Input<string>;
    containerName: pulumi.Input<string>;
    containerPort: number;
    cpu: number;
    memory: number;
    /** The container's root file system is read-only (Security Hub ECS.5). */
    readonlyRootFilesystem: boolean;
    /** The user the container runs as (Security Hub ECS.20 wants one that is not root). */
    containerUser: string;
    logGroupName: pulumi.Input<string>;
    /** Region of the target account's log group. */
    region: string;
    /** A created target's task network; an existing target's service keeps its own. */
    network?: TaskNetwork;
}

const joined = (list: pulumi.Input<pulumi.Input<string>[]>) => pulumi.output(list).apply(l => l.join(","));

/** The environment variables of the build project: the contract with any buildspec, generated or not. */
export function buildEnvironment(t: BuildTarget): Record<string, pulumi.Input<string>> {
    const network = t.network && {
        TASK_SUBNETS: joined(t.network.subnets),
        TASK_SECURITY_GROUPS: joined(t.network.securityGroups),
        TASK_ASSIGN_PUBLIC_IP: t.network.assignPublicIp ? "ENABLED" : "DISABLED",
    };
    return {
        IMAGE_REPOSITORY_URI: t.imageRepositoryUrl,
        TASK_FAMILY: t.taskFamily,
        TASK_ROLE_ARN: t.taskRoleArn,
        EXECUTION_ROLE_ARN: t.executionRoleArn,
        CONTAINER_NAME: t.containerName,
        CONTAINER_PORT: String(t.containerPort),
        TASK_CPU: String(t.cpu),
        TASK_MEMORY: String(t.memory),
        READONLY_ROOT_FILESYSTEM: String(t.readonlyRootFilesystem),
        CONTAINER_USER: t.containerUser,
        LOG_GROUP_NAME: t.logGroupName,
        TARGET_REGION: t.region,
        ...network,
    };
}

/** What a task definition of the target says; plain values, or shell variables in the build's template. */
export interface TaskDefinitionValues {
    family: string;
    taskRoleArn: pulumi.Input<string>;
    executionRoleArn: pulumi.Input<string>;
    cpu: string;
    memory: string;
    containerName: string;
    image: string;
    /** Overrides the image's command (the placeholder's); absent: the image's own. */
    command?: string[];
    /** Plain environment variables of the container. */
    environment?: Record<string, string>;
    /** A number; in the build's template the shell variable that holds it. */
    containerPort: number | string;
    /** A boolean; in the build's template the shell variable that holds it. */
    readonlyRootFilesystem: boolean | string;
    /** `uid:gid`, `user` or `user:group`. */
    user: string;
    logGroupName: string;
    region: string;
}

/**
 * A Fargate task definition in the shape of ECS RegisterTaskDefinition (and of taskdef.json):
 * the one description of the task, used for the service's first revision and for the build's template.
 */
export function taskDefinitionDocument(v: TaskDefinitionValues) {
    return {
        family: v.family,
        taskRoleArn: v.taskRoleArn,
        executionRoleArn: v.executionRoleArn,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: v.cpu,
        memory: v.memory,
        containerDefinitions: [{
            name: v.containerName,
            image: v.image,
            command: v.command,
            environment: v.environment && Object.entries(v.environment).map(([name, value]) => ({ name, value })),
            essential: true,
            readonlyRootFilesystem: v.readonlyRootFilesystem,
            user: v.user,
            portMappings: [{ containerPort: v.containerPort, protocol: "tcp" }],
            logConfiguration: {
                logDriver: "awslogs",
                options: { "awslogs-group": v.logGroupName, "awslogs-region": v.region, "awslogs-stream-prefix": v.containerName },
            },
        }],
    };
}

/** taskdef.json as a heredoc body: shell variables for the target's values, the image placeholder for the image. */
function taskDefinitionTemplate(): string {
    // A number and a boolean in JSON: these variables go in unquoted.
    const unquoted = ["$CONTAINER_PORT", "$READONLY_ROOT_FILESYSTEM"];
    const json = JSON.stringify(taskDefinitionDocument({
        family: "$TASK_FAMILY", taskRoleArn: "$TASK_ROLE_ARN", executionRoleArn: "$EXECUTION_ROLE_ARN",
        cpu: "$TASK_CPU", memory: "$TASK_MEMORY", containerName: "$CONTAINER_NAME", image: `<${IMAGE_PLACEHOLDER}>`,
        containerPort: unquoted[0], readonlyRootFilesystem: unquoted[1], user: "$CONTAINER_USER",
        logGroupName: "$LOG_GROUP_NAME", region: "$TARGET_REGION",
    }), null, 2);
    return unquoted.reduce((text, variable) => text.replace(JSON.stringify(variable), variable), json);
}

/**
 * A buildspec that builds the repository's Dockerfile, pushes the image with a tag no other
 * build reuses (the repository's tags are immutable), and writes the three files the deploy
 * action reads. Every target-specific value comes from `buildEnvironment`, so the buildspec
 * is the same for every stack of a kind. Commands run in one bash shell (buildspec 0.2), so
 * variables carry over. With `network`, appspec.yaml carries the task network (TASK_* variables).
 */
export function ecsImageBuildspec({ network }: { network: boolean }): Record<string, unknown> {
    const f = DEPLOY_INPUT_FILES;
    // A YAML list from a comma-separated variable: subnet-a,subnet-b -> ["subnet-a", "subnet-b"].
    const list = (name: string) => `["\${${name}//,/\\", \\"}"]`;
    const networkLines = network ? `
        NetworkConfiguration:
          AwsvpcConfiguration:
            Subnets: ${list("TASK_SUBNETS")}
            SecurityGroups: ${list("TASK_SECURITY_GROUPS")}
            AssignPublicIp: "$TASK_ASSIGN_PUBLIC_IP"` : "";
    return {
        version: 0.2,
        env: { shell: "bash" },
        phases: {
            pre_build: {
                commands: [
                    // The registry is the repository URI up to the first slash.
                    'aws ecr get-login-password --region "$AWS_DEFAULT_REGION" | docker login --username AWS --password-stdin "${IMAGE_REPOSITORY_URI%%/*}"',
                    // Commit and build id: a retried build gets a new tag, and so does a build of a re-created
                    // project (build numbers start again at 1; the kept repository's tags are immutable).
                    // No commit (CodeBuild resolved no source version): "build", never a tag starting with "-".
                    'COMMIT="${CODEBUILD_RESOLVED_SOURCE_VERSION:0:12}"',
                    'IMAGE_URI="$IMAGE_REPOSITORY_URI:${COMMIT:-build}-${CODEBUILD_BUILD_ID##*:}"',

                ],
            },
            build: {
                commands: [
                    'docker build --tag "$IMAGE_URI" .',
                    'docker push "$IMAGE_URI"',
                    `printf '{"ImageURI":"%s"}\\n' "$IMAGE_URI" > ${f.imageDetail}`,
                    `cat > ${f.taskDefinition} <<EOF\n${taskDefinitionTemplate()}\nEOF\n`,
                    // CodeDeployToECS replaces <TASK_DEFINITION> with the revision it registers from taskdef.json.
                    `cat > ${f.appSpec} <<EOF
version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: <TASK_DEFINITION>
        LoadBalancerInfo:
          ContainerName: "$CONTAINER_NAME"
          ContainerPort: $CONTAINER_PORT${networkLines}
EOF
`,
                ],
            },
        },
        artifacts: { files: [f.imageDetail, f.taskDefinition, f.appSpec] },
    };
}

/**
 * The release marker's buildspec, run by the pipeline after a successful deploy action with the
 * build's output: it adds the tag `release-<CodeBuild build id>` to the image imageDetail.json
 * names. Immutable tags forbid moving a tag, not adding one to an image; the build id never
 * repeats, not even after the project is re-created. It marks only images of this repository.
 */
export function releaseMarkerBuildspec(): Record<string, unknown> {
    const image = (field: string) => `"$(jq -r '.images[0].${field}' <<< "$IMAGE")"`;
    return {
        version: 0.2,
        env: { shell: "bash" },
        phases: {
            build: {
                commands: [
                    `IMAGE_URI="$(jq -r .ImageURI ${DEPLOY_INPUT_FILES.imageDetail})"`,
                    '[[ "$IMAGE_URI" == "$IMAGE_REPOSITORY_URI:"* ]] || { echo "$IMAGE_URI is not a tag of $IMAGE_REPOSITORY_URI" >&2; exit 1; }',
                    'REPOSITORY="${IMAGE_REPOSITORY_URI#*/}"',
                    'IMAGE="$(aws ecr batch-get-image --repository-name "$REPOSITORY" --image-ids imageTag="${IMAGE_URI##*:}" --output json)"',
                    `[[ "$(jq '.images | length' <<< "$IMAGE")" == 1 ]] || { echo "no image $IMAGE_URI: $IMAGE" >&2; exit 1; }`,
                    `aws ecr put-image --repository-name "$REPOSITORY" --image-tag "${RELEASE_TAG_PREFIX}\${CODEBUILD_BUILD_ID##*:}" ` +
                        `--image-manifest ${image("imageManifest")} --image-manifest-media-type ${image("imageManifestMediaType")}`,
                ],
            },
        },
    };
}
