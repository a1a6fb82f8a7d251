import * as pulumi from "@pulumi/pulumi";

/**
 * The file the CodeDeployToECS actions read the image from, at the root of the build's output
 * artifact; each target's task definition and appspec are named after it (stacks/names.ts).
 */
export const IMAGE_DETAIL_FILE = "imageDetail.json";

/**
 * The deploy action's `Image1ContainerName`. CodeDeployToECS puts the ImageURI of
 * imageDetail.json where the task definition template says `<IMAGE1_NAME>`.
 */
export const IMAGE_PLACEHOLDER = "IMAGE1_NAME";

/**
 * Where a created target's tasks run. The `CODE_DEPLOY` controller refuses network changes through
 * UpdateService, so the network ships with every deployment, in the target's appspec.
 */
export interface TaskNetwork {
    subnets: pulumi.Input<pulumi.Input<string>[]>;
    securityGroups: pulumi.Input<pulumi.Input<string>[]>;
    assignPublicIp: boolean;
}

/**
 * The tag prefix of released images: the release marker adds `release-<build id>` (a stage of a
 * target with legacy names, as the single-target program did) or `release.<stage>.<build id>` to
 * each image a stage deploys, and the lifecycle policy keeps released images by count per stage.
 * Reserved: a build must not push tags that start with `release`.
 */
export const RELEASE_TAG_PREFIX = "release-";

/**
 * The smoke test after a target's deploy (`check`): GET $CHECK_URL until it answers 2xx or 3xx, up
 * to $CHECK_ATTEMPTS tries $CHECK_PAUSE_SECONDS apart (a new deployment's tasks may still be
 * registering), each try given at most $CHECK_TRY_SECONDS (curl --max-time: a target that accepts
 * and never answers costs one try, not the build's timeout); otherwise the action fails and the
 * next stage does not start. curl verifies TLS (no --insecure): a certificate that does not cover
 * the URL's name fails the try. $CHECK_CONNECT_TO, when set, is curl's --connect-to: the name
 * stays the URL's (for TLS) while curl connects to the load balancer. A 3xx passes, not followed:
 * it is the target's own answer (a redirect to a login page or a trailing slash), and following
 * it could test another host. It reads no artifact and calls no AWS API.
 */
export function checkBuildspec(): Record<string, unknown> {
    const ok = '[[ "$STATUS" =~ ^[23][0-9][0-9]$ ]]';
    return {
        version: 0.2,
        // Defaults of the project; the lowest of CodeBuild's precedences (https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html).
        env: { shell: "bash", variables: { CHECK_ATTEMPTS: "20", CHECK_PAUSE_SECONDS: "15", CHECK_TRY_SECONDS: "10" } },
        phases: {
            build: {
                commands: [
                    'CONNECT=(); if [[ -n "${CHECK_CONNECT_TO:-}" ]]; then CONNECT=(--connect-to "$CHECK_CONNECT_TO"); fi',
                    `for ATTEMPT in $(seq 1 "$CHECK_ATTEMPTS"); do STATUS="$(curl --silent --output /dev/null --write-out '%{http_code}' ` +
                        `--max-time "$CHECK_TRY_SECONDS" "\${CONNECT[@]}" "$CHECK_URL" || true)"; ` +
                        `${ok} && break; echo "$CHECK_URL answered \${STATUS:-nothing} (attempt $ATTEMPT of $CHECK_ATTEMPTS)"; ` +
                        `[[ "$ATTEMPT" == "$CHECK_ATTEMPTS" ]] || sleep "$CHECK_PAUSE_SECONDS"; done`,
                    `${ok} || { echo "$CHECK_URL did not answer 2xx or 3xx" >&2; exit 1; }`,
                ],
            },
        },
    };
}

/** A buildspec of one build phase, its commands in one bash shell (they use bash expansions; CodeBuild's default shell is sh). */
function bashBuildspec(commands: string[]): Record<string, unknown> {
    return { version: 0.2, env: { shell: "bash" }, phases: { build: { commands } } };
}

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

/**
 * What the build knows of one target: the files its deploy action reads, and the values the build
 * renders into them. Plain values; the build gets every target's in DEPLOY_TARGETS (in parts).
 */
export interface RenderedTarget {
    files: { taskDefinition: string; appSpec: string };
    taskFamily: string;
    taskRoleArn: string;
    executionRoleArn: string;
    containerName: string;
    containerPort: number;
    /** Fargate CPU units and MiB, as the task definition writes them (text). */
    cpu: string;
    memory: string;
    /** The container's root file system is read-only (Security Hub ECS.5). */
    readonlyRootFilesystem: boolean;
    /** The user the container runs as (Security Hub ECS.20 wants one that is not root). */
    containerUser: string;
    /** The container's awslogs group, in the target's account and region. */
    logGroupName: string;
    region: string;
    /** A created target's task network; an existing target's service keeps its own. */
    network?: { subnets: string[]; securityGroups: string[]; assignPublicIp: boolean };
}

/**
 * The environment variables of the build project: the contract with any buildspec, generated or not.
 * The targets' list (JSON) is cut into DEPLOY_TARGETS_1 .. DEPLOY_TARGETS_<DEPLOY_TARGETS_PARTS>, each
 * within CodeBuild's limit on one variable (stacks/limits.ts), so a long path reaches the build
 * (50 targets: 8 parts); a buildspec joins them in order (JOIN_DEPLOY_TARGETS).
 */
export function buildEnvironment(imageRepositoryUrl: pulumi.Input<string>, targets: pulumi.Input<RenderedTarget[]>,
    partMax: number): pulumi.Output<Record<string, string>> {
    return pulumi.all([imageRepositoryUrl, targets]).apply(([url, t]): Record<string, string> =>
        ({ IMAGE_REPOSITORY_URI: url, ...deployTargetsVariables(JSON.stringify(t), partMax) }));
}

/** The list's JSON text in parts of at most `partMax` characters (whole code points), and their count. */
export function deployTargetsVariables(json: string, partMax: number): Record<string, string> {
    const chars = Array.from(json);
    const parts = Array.from({ length: Math.ceil(chars.length / partMax) }, (_, i) => chars.slice(i * partMax, (i + 1) * partMax).join(""));
    return { DEPLOY_TARGETS_PARTS: String(parts.length), ...Object.fromEntries(parts.map((part, i) => [`DEPLOY_TARGETS_${i + 1}`, part])) };
}

/** The bash that puts the targets' list back together in DEPLOY_TARGETS: what every buildspec runs first. */
const JOIN_DEPLOY_TARGETS =
    'DEPLOY_TARGETS=""; for i in $(seq 1 "$DEPLOY_TARGETS_PARTS"); do part="DEPLOY_TARGETS_$i"; DEPLOY_TARGETS+="${!part}"; done';

/**
 * The jq filter that renders a target's taskdef from its DEPLOY_TARGETS entry: the task definition
 * document with each value read from the entry and the image `<IMAGE1_NAME>` (CodeDeployToECS puts
 * the built image there). The document is JSON, and JSON is a jq object construction: each value
 * stands as `"@<field>"` and becomes `.<field>`.
 */
export function taskDefinitionFilter(): string {
    const field = (name: keyof RenderedTarget) => `@${name}`;
    return JSON.stringify(taskDefinitionDocument({
        family: field("taskFamily"), taskRoleArn: field("taskRoleArn"), executionRoleArn: field("executionRoleArn"), cpu: field("cpu"),
        memory: field("memory"), containerName: field("containerName"), image: `<${IMAGE_PLACEHOLDER}>`, containerPort: field("containerPort"),
        readonlyRootFilesystem: field("readonlyRootFilesystem"), user: field("containerUser"),
        logGroupName: field("logGroupName"), region: field("region"),
    })).replace(/"@(\w+)"/g, ".$1");
}

/**
 * The jq filter that renders a target's appspec: a jq string of the appspec's YAML, its task
 * definition `<TASK_DEFINITION>` (the revision CodeDeployToECS registers), the load-balanced
 * container, and a created target's network. Values go in as JSON, which YAML reads as it is.
 */
export function appSpecFilter(): string {
    const network = [
        "", "        NetworkConfiguration:", "          AwsvpcConfiguration:",
        "            Subnets: \\(.network.subnets | tojson)", "            SecurityGroups: \\(.network.securityGroups | tojson)",
        '            AssignPublicIp: \\(if .network.assignPublicIp then "ENABLED" else "DISABLED" end)',
    ].join("\\n");
    return `"${[
        "version: 0.0",
        "Resources:",
        "  - TargetService:",
        "      Type: AWS::ECS::Service",
        "      Properties:",
        "        TaskDefinition: <TASK_DEFINITION>",
        "        LoadBalancerInfo:",
        "          ContainerName: \\(.containerName | tojson)",
        `          ContainerPort: \\(.containerPort)\\(if .network then "${network}" else "" end)`,
        "",
    ].join("\\n")}"`;
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

/**
 * A buildspec that builds the repository's Dockerfile, pushes the image with a tag no other
 * build reuses (the repository's tags are immutable), and writes imageDetail.json and every
 * target's files, rendered from DEPLOY_TARGETS. Nothing target-specific is in it: one build,
 * every target. Commands run in one bash shell (buildspec 0.2), so variables carry over.
 */
export function ecsImageBuildspec(): Record<string, unknown> {
    return {
        version: 0.2,
        // IMAGE_URI is also the build action's output variable (#{BuildVariables.IMAGE_URI}): each approval request names the image.
        env: { shell: "bash", "exported-variables": ["IMAGE_URI"] },
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
                    `printf '{"ImageURI":"%s"}\\n' "$IMAGE_URI" > ${IMAGE_DETAIL_FILE}`,
                    // Every target's task definition and appspec, from its entry in DEPLOY_TARGETS.
                    JOIN_DEPLOY_TARGETS,
                    `jq -c '.[]' <<< "$DEPLOY_TARGETS" | while read -r TARGET; do ` +
                        `jq '${taskDefinitionFilter()}' <<< "$TARGET" > "$(jq -r .files.taskDefinition <<< "$TARGET")"; ` +
                        `jq -r '${appSpecFilter()}' <<< "$TARGET" > "$(jq -r .files.appSpec <<< "$TARGET")"; done`,
                ],
            },
        },
        artifacts: { files: [IMAGE_DETAIL_FILE, "taskdef-*.json", "appspec-*.yaml"] },
    };
}

/**
 * The release marker's buildspec, run by the pipeline in each target stage with the build's output,
 * after the stage's deploys succeeded (and, in a wave, before them too, with the attempt prefix):
 * it adds the tag `<RELEASE_TAG_PREFIX><CodeBuild build id>` (the prefix the action sets) to the
 * image imageDetail.json names. Immutable tags forbid moving a tag, not adding one to an image; the
 * build id never repeats, not even after the project is re-created. It marks only images of this repository.
 */
export function releaseMarkerBuildspec(): Record<string, unknown> {
    const image = (field: string) => `"$(jq -r '.images[0].${field}' <<< "$IMAGE")"`;
    return bashBuildspec([
        `IMAGE_URI="$(jq -r .ImageURI ${IMAGE_DETAIL_FILE})"`,
        '[[ "$IMAGE_URI" == "$IMAGE_REPOSITORY_URI:"* ]] || { echo "$IMAGE_URI is not a tag of $IMAGE_REPOSITORY_URI" >&2; exit 1; }',
        'REPOSITORY="${IMAGE_REPOSITORY_URI#*/}"',
        'IMAGE="$(aws ecr batch-get-image --repository-name "$REPOSITORY" --image-ids imageTag="${IMAGE_URI##*:}" --output json)"',
        `[[ "$(jq '.images | length' <<< "$IMAGE")" == 1 ]] || { echo "no image $IMAGE_URI: $IMAGE" >&2; exit 1; }`,
        'aws ecr put-image --repository-name "$REPOSITORY" --image-tag "${RELEASE_TAG_PREFIX}${CODEBUILD_BUILD_ID##*:}" ' +
            `--image-manifest ${image("imageManifest")} --image-manifest-media-type ${image("imageManifestMediaType")}`,
    ]);
}
