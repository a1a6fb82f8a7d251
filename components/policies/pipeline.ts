import { describeArtifactKey } from "./artifactStore";
import { Grantees, objectsOf, policy, PolicyDocument, Statement, writeLogs } from "./document";
import { imagePushStatements } from "./images";
import { publishApprovalRequests } from "./notifications";

/** An artifact store: a bucket and the key its objects are encrypted with. */
export interface Store {
    bucketArn: string;
    keyArn: string;
}

/** Read and write pipeline artifacts in these stores, encrypted with their keys (same-account roles). */
function artifactReadWrite(stores: Store[]): Statement[] {
    const one = <T>(list: T[]) => list.length === 1 ? list[0] : list;
    const keys = one(stores.map(s => s.keyArn));
    return [{
        Sid: "ReadAndWriteArtifacts",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
        Resource: one(stores.map(s => objectsOf(s.bucketArn))),
    }, {
        Sid: "EncryptAndDecryptArtifacts",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: keys,
    }, describeArtifactKey(keys)];
}

/** The pipeline's source, as its grants see it: a CodeCommit repository, or a CodeConnections connection. */
export type SourceGrant = { repositoryArn: string } | { connectionArn: string };

/** A connection's ARN under a service prefix: the same connection, named as one service or the other. */
function connectionArnAs(prefix: "codeconnections" | "codestar-connections", arn: string): string {
    return arn.replace(/^(arn:[^:]+:)(codeconnections|codestar-connections):/, `$1${prefix}:`);
}

/**
 * Use one connection, and no other. AWS renamed CodeStar Connections to CodeConnections in July
 * 2024 and both prefixes stay valid; a policy names a connection with the prefix of the action
 * (https://docs.aws.amazon.com/dtconsole/latest/userguide/security-iam.html). Each action gets the
 * same connection under its own prefix, so it makes no difference which name the service uses.
 */
export function useConnection(sid: string, connectionArn: string): Statement[] {
    return [{
        Sid: sid,
        Effect: "Allow",
        Action: "codeconnections:UseConnection",
        Resource: connectionArnAs("codeconnections", connectionArn),
    }, {
        Sid: `${sid}ByLegacyName`,
        Effect: "Allow",
        Action: "codestar-connections:UseConnection",
        Resource: connectionArnAs("codestar-connections", connectionArn),
    }];
}

/** Archive the source branch of a CodeCommit repository, or fetch it through the connection. */
function pullSource(source: SourceGrant): Statement[] {
    return "repositoryArn" in source ? [{
        Sid: "ArchiveSourceBranch",
        Effect: "Allow",
        Action: ["codecommit:GetBranch", "codecommit:GetCommit", "codecommit:GetRepository",
            "codecommit:UploadArchive", "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive"],
        Resource: source.repositoryArn,
    }] : useConnection("UseSourceConnection", source.connectionArn);
}

export interface PipelineGrants {
    /** Every artifact store, the pipeline region's first: CodePipeline copies artifacts into each region it acts in. */
    stores: Store[];
    source: SourceGrant;
    /** The build, the release marker and the check. */
    buildProjectArns: string[];
    /** The roles the deploy actions run as, one per target. */
    deployRoles: Grantees;
    /** The notification topic and its key, when the pipeline tells people: each manual approval publishes its request. */
    notifications?: { topicArn: string; keyArn: string };
}

/** The pipeline's service role: move artifacts, pull source, run the builds, hand over to the deploy roles, request approvals. */
export function pipelineRolePolicy(g: PipelineGrants): PolicyDocument {
    const assume: Statement = Array.isArray(g.deployRoles)
        ? { Sid: "AssumeDeployRolesOfTargets", Effect: "Allow", Action: "sts:AssumeRole", Resource: g.deployRoles }
        : {
            // grants: organization: the deploy roles by their name pattern, in the organization's accounts only.
            Sid: "AssumeDeployRolesOfTargets", Effect: "Allow", Action: "sts:AssumeRole", Resource: g.deployRoles.rolePatterns,
            Condition: { StringEquals: { "aws:ResourceOrgID": g.deployRoles.organizationId } },
        };
    return policy(...artifactReadWrite(g.stores), {
        Sid: "CheckArtifactStore",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:GetBucketVersioning"],
        Resource: g.stores.length === 1 ? g.stores[0].bucketArn : g.stores.map(s => s.bucketArn),
    }, ...pullSource(g.source), {
        Sid: "RunBuildAndReleaseMarker",
        Effect: "Allow",
        Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
        Resource: g.buildProjectArns,
    }, assume, ...g.notifications ? publishApprovalRequests(g.notifications.topicArn, g.notifications.keyArn) : []);
}

/**
 * The build's service role: read source, write build output, write its own logs, and push to
 * the image repository when the build produces an image. With a full clone (CODEBUILD_CLONE_REF)
 * the build clones the repository itself, through the source connection.
 */
export function buildRolePolicy(bucketArn: string, keyArn: string, logGroupArn: string, imageRepositoryArn?: string,
    cloneConnectionArn?: string): PolicyDocument {
    return policy(...artifactReadWrite([{ bucketArn, keyArn }]), {
        // CodeBuild checks the artifact bucket's ACL and location (AWS's CodeBuild service role policy grants both);
        // denied, each build fills CloudTrail with AccessDenied that security alarms report.
        Sid: "CheckArtifactBucketLikeCodeBuildDoes",
        Effect: "Allow",
        Action: ["s3:GetBucketAcl", "s3:GetBucketLocation"],
        Resource: bucketArn,
    }, writeLogs("WriteOwnBuildLogs", logGroupArn),
        ...(imageRepositoryArn ? imagePushStatements(imageRepositoryArn) : []),
        ...(cloneConnectionArn ? useConnection("CloneThroughSourceConnection", cloneConnectionArn) : []));
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
