import { describeArtifactKey } from "./artifactStore";
import { objectsOf, onlyRoles, passTaskRolesToEcsTasks, policy, PolicyDocument } from "./document";

/** Trust: only the pipeline's role, from the pipeline account, may assume the deploy role. */
export function deployRoleTrustPolicy(pipelineRoleArn: string): PolicyDocument {
    return policy({
        Sid: "AssumedByPipelineRoleOnly",
        Effect: "Allow",
        ...onlyRoles([pipelineRoleArn]),
        Action: "sts:AssumeRole",
    });
}

/** What the CodeDeployToECS action does in the target account. All values are resolved strings. */
export interface DeployGrants {
    artifactBucketArn: string;
    artifactKeyArn: string;
    applicationArn: string;
    deploymentGroupArn: string;
    deploymentConfigArn: string;
    /** The task role and task execution role that task definitions name. */
    passRoleArns: string[];
}

/** The deploy role's permissions: what the CodeDeployToECS action calls, on the one target. */
export function deployRolePolicy(g: DeployGrants): PolicyDocument {
    return policy({
        Sid: "ReadDeployInputArtifacts",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectVersion"],
        Resource: objectsOf(g.artifactBucketArn),
    }, {
        Sid: "DecryptDeployInputArtifacts",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: g.artifactKeyArn,
    }, describeArtifactKey(g.artifactKeyArn), {
        Sid: "StartAndWatchDeploymentOnTargetGroup",
        Effect: "Allow",
        Action: ["codedeploy:CreateDeployment", "codedeploy:GetDeployment"],
        Resource: g.deploymentGroupArn,
    }, {
        Sid: "RegisterRevisionOfTargetApplication",
        Effect: "Allow",
        Action: ["codedeploy:GetApplication", "codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision"],
        Resource: g.applicationArn,
    }, {
        Sid: "ReadTargetDeploymentConfig",
        Effect: "Allow",
        Action: "codedeploy:GetDeploymentConfig",
        Resource: g.deploymentConfigArn,
    }, {
        // RegisterTaskDefinition accepts no resource but "*"; what the task may do is bounded by PassRole below.
        Sid: "RegisterNewTaskDefinition",
        Effect: "Allow",
        Action: "ecs:RegisterTaskDefinition",
        Resource: "*",
    }, passTaskRolesToEcsTasks(g.passRoleArns));
}

