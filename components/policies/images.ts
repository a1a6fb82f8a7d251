import { Grantees, onlyRoles, policy, PolicyDocument, Statement } from "./document";

/** What pulling an image needs on the repository: the manifest, the layers, and the layer check. */
export const IMAGE_PULL_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];

/** `docker login` to ECR: GetAuthorizationToken is not tied to a repository and accepts only "*". */
const registryLogin: Statement = {
    Sid: "LogInToRegistry",
    Effect: "Allow",
    Action: "ecr:GetAuthorizationToken",
    Resource: "*",
};

/**
 * The repository's own policy: the targets' task execution roles, and no other principal of
 * another account, may pull. A repository policy has no Resource: it is the repository.
 */
export function imageRepositoryPolicy(pullers: Grantees): PolicyDocument {
    return policy({
        Sid: "PullByTargetExecutionRoleOnly",
        Effect: "Allow",
        ...onlyRoles(pullers),
        Action: IMAGE_PULL_ACTIONS,
    });
}

/** For the build role: push new images to this one repository (and pull its layers to reuse them). */
export function imagePushStatements(repositoryArn: string): Statement[] {
    return [registryLogin, {
        Sid: "PushImagesToOwnRepository",
        Effect: "Allow",
        Action: [...IMAGE_PULL_ACTIONS, "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"],
        Resource: repositoryArn,
    }];
}

/** For a task execution role: pull from this one repository (in the pipeline account and region, whatever the target's region). */
export function imagePullStatements(repositoryArn: string): Statement[] {
    return [registryLogin, {
        Sid: "PullImagesFromPipelineRepository",
        Effect: "Allow",
        Action: IMAGE_PULL_ACTIONS,
        Resource: repositoryArn,
    }];
}

/** The tags a stage's markers add: after its deploys succeed, and (a wave's) before them. */
export interface StageTags {
    releaseTagPrefix: string;
    attemptTagPrefix?: string;
}

/**
 * The image lifecycle: per stage of the path, keep the newest `keep` images its release marker
 * tagged (how far back each stage can roll back), and per wave the newest `keep` images it
 * attempted (what part of a partly failed wave runs); expire an image no stage released
 * `unreleasedDays` after its push (its artifacts are gone by then, so it can no longer deploy).
 * `stages` are in path order. ECR lets no rule expire an image that meets the tag requirements of
 * a rule of higher priority, so the later stages' rules come first: an image a later stage
 * released is protected from the earlier stages' counts, and every image reached a later stage
 * only after passing the earlier ones; in a stage, its releases come before its attempts, so
 * failed attempts never push out a release. ECR wants the rules in ascending priority.
 */
export function imageLifecyclePolicy(keep: number, unreleasedDays: number, stages: StageTags[]) {
    const kept = [...stages].reverse().flatMap(s => [[s.releaseTagPrefix, "released"], ...s.attemptTagPrefix ? [[s.attemptTagPrefix, "attempted"]] : []]);
    return {
        rules: [...kept.map(([prefix, what], i) => ({
            rulePriority: i + 1,
            description: `Keep the newest ${keep} images ${what} as ${prefix}...: the rollback depth`,
            selection: { tagStatus: "tagged", tagPrefixList: [prefix], countType: "imageCountMoreThan", countNumber: keep },
            action: { type: "expire" },
        })), {
            rulePriority: kept.length + 1,
            description: `Expire images never released after ${unreleasedDays} days: their artifacts are gone`,
            selection: { tagStatus: "any", countType: "sinceImagePushed", countUnit: "days", countNumber: unreleasedDays },
            action: { type: "expire" },
        }],
    };
}
