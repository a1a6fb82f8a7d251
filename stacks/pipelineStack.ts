import { CrossAccountArtifactStore } from "../components/CrossAccountArtifactStore";
import { CrossAccountPipeline } from "../components/CrossAccountPipeline";
import { ProdDeployRole } from "../components/ProdDeployRole";
import { partitionOf } from "../components/policies/document";
import { accountProvider, namePrefix, roleArn, roleNames } from "./accounts";
import { StackConfig } from "./config";

/**
 * One complete pipeline: the artifact store and pipeline in the pipeline account, the deploy
 * role in the target account. This is the one place where the accounts are wired together.
 */
export function buildStack(config: StackConfig) {
    const pipelineProvider = accountProvider(config, "pipeline", config.pipelineAccount);
    const targetProvider = accountProvider(config, "target", config.targetAccount);
    const prefix = namePrefix(config);
    const names = roleNames(config);
    const pipelineAccountId = config.pipelineAccount.accountId;
    const targetAccountId = config.targetAccount.accountId;

    // Role ARNs come from config, so each account's policies can name the other's roles
    // before either exists: no dependency cycle between the accounts.
    const pipelineRoleArn = roleArn(config, pipelineAccountId, names.pipeline);
    const buildRoleArn = roleArn(config, pipelineAccountId, names.build);
    const deployRoleArn = roleArn(config, targetAccountId, names.deploy);

    const store = new CrossAccountArtifactStore("artifacts", {
        accountId: pipelineAccountId,
        region: config.region,
        keyAlias: `alias/${prefix}-artifacts`,
        writerRoleArns: [pipelineRoleArn, buildRoleArn],
        readerRoleArns: [deployRoleArn],             // target account -> pipeline account's bucket and key
        artifactRetentionDays: config.artifactRetentionDays,
        retainOnDelete: config.retainOnDelete,
    }, { provider: pipelineProvider });

    const target = config.deployTarget;
    const codedeployArn = (resource: string) =>
        `arn:${partitionOf(config.region)}:codedeploy:${config.region}:${targetAccountId}:${resource}`;
    const deployRole = new ProdDeployRole("deploy", {
        roleName: names.deploy,
        pipelineRoleArn,                              // pipeline account -> target account's trust policy
        artifactBucketArn: store.bucketArn,           // pipeline account outputs -> target account's grants
        artifactKeyArn: store.keyArn,
        applicationArn: codedeployArn(`application:${target.applicationName}`),
        deploymentGroupArn: codedeployArn(`deploymentgroup:${target.applicationName}/${target.deploymentGroupName}`),
        deploymentConfigArn: codedeployArn(`deploymentconfig:${target.deploymentConfigName}`),
        passRoleArns: [target.taskRoleArn, target.executionRoleArn],
    }, { provider: targetProvider });

    const pipeline = new CrossAccountPipeline("pipeline", {
        accountId: pipelineAccountId,
        region: config.region,
        pipelineName: prefix,
        roleNames: names,
        source: { ...config.source, retainOnDelete: config.retainOnDelete },
        build: config.build,
        artifactBucketName: store.bucketName,
        artifactBucketArn: store.bucketArn,
        artifactKeyArn: store.keyArn,
        manualApproval: config.manualApproval,
        deploy: {
            roleArn: deployRole.roleArn,                 // target account output -> pipeline account's deploy action
            region: config.region,
            applicationName: target.applicationName,
            deploymentGroupName: target.deploymentGroupName,
            dependsOn: [deployRole],
        },
    }, { provider: pipelineProvider });

    return {
        pipelineName: pipeline.pipelineName,
        pipelineConsoleUrl: pipeline.consoleUrl,
        repositoryCloneUrl: pipeline.repositoryCloneUrlHttp,
        artifactBucketName: store.bucketName,
        artifactKeyArn: store.keyArn,
        prodDeployRoleArn: deployRole.roleArn,
    };
}
