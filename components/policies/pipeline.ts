import { describeArtifactKey } from "./artifactStore";
import { objectsOf, policy, PolicyDocument, Statement, writeLogs } from "./document";
import { imagePushStatements } from "./images";

/** Read and write pipeline artifacts, encrypted with the artifact key (both same-account roles). */
function artifactReadWrite(bucketArn: string, keyArn: string): Statement[] {
    return [{
        Sid: "ReadAndWriteArtifacts",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
        Resource: objectsOf(bucketArn),
    }, {
        Sid: "EncryptAndDecryptArtifacts",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: keyArn,
    }, describeArtifactKey(keyArn)];
}

export interface PipelineGrants {
    artifactBucketArn: string;
    artifactKeyArn: string;
    repositoryArn: string;
    /** The build and the release marker. */
    buildProjectArns: string[];
    /** The one role in the target account that the deploy action runs as. */
    deployRoleArn: string;
}

/** The pipeline's service role: move artifacts, pull source, run the build, hand over to the deploy role. */
export function pipelineRolePolicy(g: PipelineGrants): PolicyDocument {
    return policy(...artifactReadWrite(g.artifactBucketArn, g.artifactKeyArn), {
        Sid: "CheckArtifactStore",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:GetBucketVersioning"],
        Resource: g.artifactBucketArn,
    }, {
        Sid: "ArchiveSourceBranch",
        Effect: "Allow",
        Action: ["codecommit:GetBranch", "codecommit:GetCommit", "codecommit:GetRepository",
            "codecommit:UploadArchive", "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive"],
        Resource: g.repositoryArn,
    }, {
        Sid: "RunBuildAndReleaseMarker",
        Effect: "Allow",
        Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
        Resource: g.buildProjectArns,
    }, {
        Sid: "AssumeDeployRoleInTargetAccount",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: g.deployRoleArn,
    });
}

/**
 * The build's service role: read source, write build output, write its own logs, and push to
 * the image repository when the build produces an image.
 */
export function buildRolePolicy(bucketArn: string, keyArn: string, logGroupArn: string, imageRepositoryArn?: string): PolicyDocument {
    return policy(...artifactReadWrite(bucketArn, keyArn), {
        // CodeBuild checks the artifact bucket's ACL and location (AWS's CodeBuild service role policy grants both);
        // denied, each build fills CloudTrail with AccessDenied that security alarms report.
        Sid: "CheckArtifactBucketLikeCodeBuildDoes",
        Effect: "Allow",
        Action: ["s3:GetBucketAcl", "s3:GetBucketLocation"],
        Resource: bucketArn,
    }, writeLogs("WriteOwnBuildLogs", logGroupArn),
        ...(imageRepositoryArn ? imagePushStatements(imageRepositoryArn) : []));
}

/** EventBridge's role: start this pipeline when the branch changes. */
export function sourceEventsRolePolicy(pipelineArn: string): PolicyDocument {
    return policy({
        Sid: "StartPipelineOnPush",
        Effect: "Allow",
        Action: "codepipeline:StartPipelineExecution",
        Resource: pipelineArn,
    });
}
