import { onlyRoles, policy, PolicyDocument, Statement } from "./document";

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
 * The repository's own policy: the target account's task execution roles, and no other
 * principal of another account, may pull. A repository policy has no Resource: it is the repository.
 */
export function imageRepositoryPolicy(pullerRoleArns: string[]): PolicyDocument {
    return policy({
        Sid: "PullByTargetExecutionRoleOnly",
        Effect: "Allow",
        ...onlyRoles(pullerRoleArns),
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

/** For the task execution role: pull from this one repository (in the pipeline account). */
export function imagePullStatements(repositoryArn: string): Statement[] {
    return [registryLogin, {
        Sid: "PullImagesFromPipelineRepository",
        Effect: "Allow",
        Action: IMAGE_PULL_ACTIONS,
        Resource: repositoryArn,
    }];
}
