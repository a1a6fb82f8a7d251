import { loadConfig } from "./stacks/config";
import { buildStack } from "./stacks/pipelineStack";

export const {
    pipelineName, pipelineConsoleUrl, repositoryCloneUrl, artifactBucketName, artifactKeyArn, prodDeployRoleArn,
    imageRepositoryUrl, applicationUrl, networkLogBucketName,
} = buildStack(loadConfig());
