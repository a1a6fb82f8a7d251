// The access table: who may do what to which resource, and who may not. The access tests
// run every row against the policies each committed stack registers; `npm run security-doc`
// prints it into SECURITY.md. Names stand for roles and resources found in the evaluation
// (see offline/access/access.ts); `<...>` in an ARN or a context value is filled in per stack.
//
// A stack's table has three parts: the pipeline account's rows; a few rows per artifact store in
// another region; and per target the rows of its deploy role, its target and its grants, named
// `(<target>)`, with rows against fixed neighbours (another target in the target's account, one in
// another account, another region's store): the table grows linearly with the path.
import { StackConfig } from "../../stacks/config/stackConfig";
import { storeName } from "../../stacks/limits";
import { APPROVAL_STAGE_PREFIX, stackNames } from "../../stacks/names";
import { AccessRow, AccessTable, PrincipalSpec, ResourceSpec } from "../access/access";

const ARTIFACTS = { type: "aws:s3/bucket:Bucket", name: "artifacts-bucket" } as const;
const KEY = { type: "aws:kms/key:Key", name: "artifacts-key" } as const;
/** The source's connection: created, or named by config (and maybe shared by another account with AWS RAM). */
const CONNECTION = {
    type: "aws:codeconnections/connection:Connection", existing: "<source.connectionArn>", source: "connection", sharedWith: "<pipeline account>",
} as const;
const OTHER_CONNECTION = "0d0d0d0d-0000-4000-8000-000000000003";
const DEV = "arn:<partition>:<service>:<region>:<pipeline account>";
const dev = (service: string, resource: string) => `${DEV.replace("<service>", service)}:${resource}`;
/** A key policy as AWS writes it by default: the account's IAM policies decide. */
const defaultKeyPolicy = (account: string) => ({
    Version: "2012-10-17" as const,
    Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow" as const, Principal: { AWS: `arn:<partition>:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
});

const TLS = { "aws:SecureTransport": "true" };
const VIA_S3 = { "kms:ViaService": "s3.<region>.<dns suffix>" };
const KMS_UPLOAD = { ...TLS, "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "<artifact key>" };
/** A direct call to KMS, not through another service. */
const DIRECT = ["kms:ViaService"];
const FOR_DEV = { "aws:SourceAccount": "<pipeline account>" };
const READ = ["s3:GetObject", "s3:GetObjectVersion"];
const FULL_CLONE = { key: "source.fullClone", is: true };
const NO_CLONE = { key: "source.fullClone", is: false };
/** Keys a request carries only when a service acts (log delivery), or an upload sets an ACL: absent from a role's own GetObject. */
const DIRECT_REQUEST = ["aws:SourceAccount", "aws:SourceArn", "s3:x-amz-acl"];
const LOG_FILE = "2024/06/01/log-file.log.gz";
/** A part of a multipart upload: S3 authorizes UploadPart as s3:PutObject, and parts carry no encryption headers. */
const NO_SSE_HEADERS = ["s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id"];
const allowed = "Allowed" as const;
const denied = "ImplicitlyDenied" as const;
const blocked = "ExplicitlyDenied" as const;

interface Part {
    principals: Record<string, PrincipalSpec>;
    resources: Record<string, ResourceSpec>;
    rows: AccessRow[];
}

// ---------------------------------------------------------------- the pipeline account

const pipelinePart: Part = {
    principals: {
        "pipeline role": { role: "pipeline" },
        "build role": { role: "build" },
        "source events role": { role: "events", source: "CodeCommit" },
        // The other accounts' admins control these identity policies: what stays denied must
        // be denied by this account's own resource policies.
        "pipeline role given Allow * in DEV": { role: "pipeline", identity: "allow-all" },
        "build role given Allow * in DEV": { role: "build", identity: "allow-all" },
        "another DEV role with Allow *": { stranger: "<pipeline account>", name: "developer" },
        "third-account role with Allow *": { stranger: "<third account>", name: "intruder" },
        "CodePipeline": { service: "codepipeline.amazonaws.com" },
        "CodeBuild": { service: "codebuild.amazonaws.com" },
        "EventBridge": { service: "events.amazonaws.com" },
        "ECS tasks": { service: "ecs-tasks.amazonaws.com" },
        "CodeDeploy": { service: "codedeploy.amazonaws.com" },
    },
    resources: {
        "build output artifact": { ...ARTIFACTS, path: "/my-pipeline/BuildOutpu/a1B2c3D" },
        "source artifact": { ...ARTIFACTS, path: "/my-pipeline/SourceArti/e5F6g7H" },
        "build output artifact, bucket policy opened in DEV": { ...ARTIFACTS, path: "/my-pipeline/BuildOutpu/a1B2c3D", policy: "open" },
        "artifact bucket": ARTIFACTS,
        "artifact key": KEY,
        "artifact key, key policy opened in DEV": { ...KEY, policy: "open" },
        "pipeline role": { role: "pipeline" },
        "build role": { role: "build" },
        "source events role": { role: "events", source: "CodeCommit" },
        "source repository": {
            type: "aws:codecommit/repository:Repository", existing: "arn:<partition>:codecommit:<region>:<pipeline account>:<source.repositoryName>",
            source: "CodeCommit",
        },
        // One connection, by the name of either service prefix (AWS renamed CodeStar Connections to CodeConnections).
        "source connection": { ...CONNECTION, derive: (arn: string) => arn.replace(":codestar-connections:", ":codeconnections:") },
        "source connection, legacy name": { ...CONNECTION, derive: (arn: string) => arn.replace(":codeconnections:", ":codestar-connections:") },
        "build project": { type: "aws:codebuild/project:Project", name: "pipeline-build" },
        "release marker project": { type: "aws:codebuild/project:Project", name: "pipeline-release" },
        "build log group": { type: "aws:cloudwatch/logGroup:LogGroup", name: "pipeline-build-logs" },
        "build log stream": { type: "aws:cloudwatch/logGroup:LogGroup", name: "pipeline-build-logs", path: ":log-stream:build-1" },
        "pipeline": { type: "aws:codepipeline/pipeline:Pipeline" },
        // Resources this program does not create: what a grant must not reach.
        "object in another DEV bucket": { arn: "arn:<partition>:s3:::other-dev-bucket/data.zip", account: "<pipeline account>" },
        "another DEV bucket": { arn: "arn:<partition>:s3:::other-dev-bucket", account: "<pipeline account>" },
        "another DEV key": { arn: dev("kms", "key/0b0b0b0b-0000-4000-8000-000000000001"), account: "<pipeline account>", policy: defaultKeyPolicy("<pipeline account>") },
        "another DEV repository": { arn: dev("codecommit", "other-repository"), account: "<pipeline account>" },
        "another DEV connection": { arn: dev("codeconnections", `connection/${OTHER_CONNECTION}`), account: "<pipeline account>" },
        "another DEV connection, legacy name": { arn: dev("codestar-connections", `connection/${OTHER_CONNECTION}`), account: "<pipeline account>" },
        "another DEV build project": { arn: dev("codebuild", "project/other-project"), account: "<pipeline account>" },
        "another DEV log stream": { arn: dev("logs", "log-group:/aws/lambda/other:log-stream:x"), account: "<pipeline account>" },
        "another DEV pipeline": { arn: dev("codepipeline", "other-pipeline"), account: "<pipeline account>" },
        "image repository": { type: "aws:ecr/repository:Repository" },
        "image repository, repository policy opened in DEV": { type: "aws:ecr/repository:Repository", policy: "open" },
        // Actions that name no resource (ecr:GetAuthorizationToken) are asked about "*".
        "no resource in DEV": { arn: "*", account: "<pipeline account>" },
        "another DEV image repository": { arn: dev("ecr", "repository/other"), account: "<pipeline account>" },
    },
    rows: [
        // Service roles: each service assumes its own role, for the DEV account only.
        { principal: "CodePipeline", action: "sts:AssumeRole", resource: "pipeline role", context: FOR_DEV, expect: allowed, why: "CodePipeline runs as the pipeline role" },
        { principal: "CodeBuild", action: "sts:AssumeRole", resource: "build role", context: FOR_DEV, expect: allowed, why: "CodeBuild runs as the build role" },
        { principal: "EventBridge", action: "sts:AssumeRole", resource: "source events role", context: FOR_DEV, expect: allowed, why: "EventBridge starts the pipeline as the events role" },
        { principal: "CodePipeline", action: "sts:AssumeRole", resource: "pipeline role", context: { "aws:SourceAccount": "<third account>" }, expect: denied, why: "confused deputy: CodePipeline acting for another account" },
        { principal: "CodeBuild", action: "sts:AssumeRole", resource: "pipeline role", context: FOR_DEV, expect: denied, why: "each role trusts one service" },
        { principal: "CodePipeline", action: "sts:AssumeRole", resource: "build role", context: FOR_DEV, expect: denied, why: "each role trusts one service" },
        { principal: "CodeBuild", action: "sts:AssumeRole", resource: "source events role", context: FOR_DEV, expect: denied, why: "each role trusts one service" },
        { principal: "CodePipeline", action: "sts:TagSession", resource: "pipeline role", context: FOR_DEV, expect: denied, why: "services assume, nothing more" },
        { principal: "CodeBuild", action: "sts:TagSession", resource: "build role", context: FOR_DEV, expect: denied, why: "services assume, nothing more" },
        { principal: "EventBridge", action: "sts:TagSession", resource: "source events role", context: FOR_DEV, expect: denied, why: "services assume, nothing more" },

        // Artifacts: nobody outside.
        { principal: "third-account role with Allow *", action: "kms:DescribeKey", resource: "artifact key", absent: DIRECT, expect: denied, why: "no other account" },
        { principal: "third-account role with Allow *", action: "s3:GetObject", resource: "build output artifact", context: TLS, expect: denied, why: "no other account" },
        { principal: "third-account role with Allow *", action: "s3:PutObject", resource: "build output artifact", context: KMS_UPLOAD, expect: denied, why: "no other account" },
        { principal: "third-account role with Allow *", action: "kms:Decrypt", resource: "artifact key", context: VIA_S3, expect: denied, why: "no other account" },

        // Artifacts within DEV.
        { principal: "build role", action: "s3:PutObject", resource: "build output artifact", context: KMS_UPLOAD, expect: allowed, why: "the build writes its output, encrypted with the artifact key" },
        { principal: "build role", action: "kms:GenerateDataKey", resource: "artifact key", context: VIA_S3, expect: allowed, why: "S3 encrypts the build output" },
        { principal: "build role", action: READ, resource: "source artifact", context: TLS, expect: allowed, why: "the build reads the source" },
        { principal: "build role", action: "kms:Decrypt", resource: "artifact key", context: VIA_S3, expect: allowed, why: "S3 decrypts the source for the build" },
        { principal: "build role", action: "s3:PutObject", resource: "build output artifact", context: { ...KMS_UPLOAD, "s3:x-amz-server-side-encryption": "AES256" }, absent: ["s3:x-amz-server-side-encryption-aws-kms-key-id"], expect: blocked, why: "uploads must use aws:kms" },
        { principal: "build role", action: "s3:PutObject", resource: "build output artifact", context: TLS, absent: NO_SSE_HEADERS, expect: allowed, why: "a multipart part (UploadPart) carries no encryption headers: the bucket's default, the artifact key, applies" },
        { principal: "pipeline role", action: "s3:PutObject", resource: "source artifact", context: TLS, absent: NO_SSE_HEADERS, expect: allowed, why: "a multipart part of a large source archive: the bucket's default, the artifact key, applies" },
        { principal: "third-account role with Allow *", action: "s3:PutObject", resource: "build output artifact", context: TLS, absent: NO_SSE_HEADERS, expect: denied, why: "no other account, with or without headers" },
        { principal: "build role", action: "s3:PutObject", resource: "build output artifact", context: { ...KMS_UPLOAD, "s3:x-amz-server-side-encryption": "aws:kms:dsse" }, expect: blocked, why: "uploads must use aws:kms with the artifact key, not another algorithm" },
        { principal: "build role", action: "s3:PutObject", resource: "build output artifact", context: { ...KMS_UPLOAD, "s3:x-amz-server-side-encryption-aws-kms-key-id": "<another DEV key>" }, expect: blocked, why: "PROD could not read another key's artifacts" },
        { principal: "build role", action: "s3:PutObject", resource: "build output artifact", context: { ...TLS, "s3:x-amz-server-side-encryption": "aws:kms" }, absent: ["s3:x-amz-server-side-encryption-aws-kms-key-id"], expect: blocked, why: "without a key id S3 would use aws/s3, unreadable from PROD" },
        { principal: "build role", action: "s3:DeleteObject", resource: "build output artifact", context: TLS, expect: denied, why: "artifacts expire by lifecycle, nobody deletes them" },
        { principal: "build role", action: ["s3:GetBucketAcl", "s3:GetBucketLocation"], resource: "artifact bucket", context: TLS, expect: allowed, why: "CodeBuild checks the artifact bucket before a build (else CloudTrail fills with AccessDenied)" },
        { principal: "build role", action: "s3:GetBucketLocation", resource: "another DEV bucket", context: TLS, expect: denied, why: "the artifact bucket only" },
        { principal: "build role", action: "s3:PutBucketPolicy", resource: "artifact bucket", context: TLS, expect: denied, why: "the build cannot loosen its bucket" },
        { principal: "build role", action: "kms:DescribeKey", resource: "artifact key", absent: DIRECT, expect: allowed, why: "CodeBuild reads the artifact key's metadata; no data" },
        { principal: "build role", action: "kms:DescribeKey", resource: "another DEV key", absent: DIRECT, expect: denied, why: "the artifact key only" },
        { principal: "build role", action: "s3:GetObject", resource: "object in another DEV bucket", context: TLS, expect: denied, why: "the artifact bucket only" },
        { principal: "build role", action: "kms:ScheduleKeyDeletion", resource: "artifact key", absent: DIRECT, expect: denied, why: "using the key is not managing it" },
        { principal: "build role", action: "kms:Decrypt", resource: "another DEV key", context: VIA_S3, expect: denied, why: "the artifact key only" },
        { principal: "build role given Allow * in DEV", action: "kms:CreateGrant", resource: "artifact key", context: VIA_S3, expect: denied, why: "the key policy lets pipeline roles encrypt and decrypt only" },
        { principal: "another DEV role with Allow *", action: "kms:Decrypt", resource: "artifact key", context: VIA_S3, expect: denied, why: "the key trusts two DEV roles, not the DEV account" },
        {
            principal: "another DEV role with Allow *", resource: "artifact key", absent: DIRECT, expect: allowed, why: "DEV's IAM administrators manage the key, without using it",
            action: ["kms:CreateAlias", "kms:DescribeKey", "kms:EnableKeyRotation", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:UpdateKeyDescription",
                "kms:RevokeGrant", "kms:DisableKey", "kms:GetKeyPolicy", "kms:DeleteAlias", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"],
        },
        { principal: "pipeline role", action: [...READ, "s3:PutObject"], resource: "source artifact", context: KMS_UPLOAD, expect: allowed, why: "the pipeline stores the source and hands artifacts between stages" },
        { principal: "pipeline role", action: ["kms:GenerateDataKey", "kms:Decrypt"], resource: "artifact key", context: VIA_S3, expect: allowed, why: "S3 encrypts and decrypts for the pipeline" },
        { principal: "pipeline role", action: ["s3:GetBucketLocation", "s3:GetBucketVersioning"], resource: "artifact bucket", context: TLS, expect: allowed, why: "CodePipeline checks its artifact store" },
        { principal: "pipeline role", action: "s3:GetObject", resource: "source artifact", context: { "aws:SecureTransport": "false" }, expect: blocked, why: "TLS only" },
        { principal: "pipeline role", action: "s3:DeleteObject", resource: "source artifact", context: TLS, expect: denied, why: "artifacts expire by lifecycle, nobody deletes them" },
        { principal: "pipeline role", action: "s3:PutBucketPolicy", resource: "artifact bucket", context: TLS, expect: denied, why: "the pipeline cannot loosen its bucket" },
        { principal: "pipeline role", action: "s3:GetBucketLocation", resource: "another DEV bucket", context: TLS, expect: denied, why: "the artifact bucket only" },
        { principal: "pipeline role", action: "s3:GetObject", resource: "object in another DEV bucket", context: TLS, expect: denied, why: "the artifact bucket only" },
        { principal: "pipeline role", action: "kms:ScheduleKeyDeletion", resource: "artifact key", absent: DIRECT, expect: denied, why: "using the key is not managing it" },
        { principal: "pipeline role", action: "kms:DescribeKey", resource: "artifact key", absent: DIRECT, expect: allowed, why: "CodePipeline reads the artifact store key's metadata; no data" },
        { principal: "pipeline role", action: "kms:DescribeKey", resource: "another DEV key", absent: DIRECT, expect: denied, why: "the artifact key only" },
        { principal: "pipeline role", action: "kms:Decrypt", resource: "another DEV key", context: VIA_S3, expect: denied, why: "the artifact key only" },

        // Source, build, start.
        { principal: "pipeline role", action: ["codecommit:GetBranch", "codecommit:GetCommit", "codecommit:GetRepository", "codecommit:UploadArchive", "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive"], resource: "source repository", expect: allowed, why: "the source action archives the branch" },
        { principal: "pipeline role", action: "codecommit:GitPush", resource: "source repository", expect: denied, why: "the pipeline reads source, never writes it" },
        { principal: "pipeline role", action: "codecommit:GetBranch", resource: "another DEV repository", expect: denied, why: "its own repository only" },
        { principal: "pipeline role", action: "codeconnections:UseConnection", resource: "source connection", expect: allowed, why: "the source action fetches the repository through its connection" },
        { principal: "pipeline role", action: "codestar-connections:UseConnection", resource: "source connection, legacy name", expect: allowed, why: "the same connection, by its name before AWS renamed the service" },
        { principal: "pipeline role", action: "codeconnections:UseConnection", resource: "another DEV connection", expect: denied, why: "its own connection only" },
        { principal: "pipeline role", action: "codestar-connections:UseConnection", resource: "another DEV connection, legacy name", expect: denied, why: "its own connection only, by either name" },
        { principal: "pipeline role", action: ["codeconnections:DeleteConnection", "codeconnections:UpdateConnectionInstallation"], resource: "source connection", expect: denied, why: "uses the connection, never changes or removes it" },
        { principal: "pipeline role", action: "codestar-connections:DeleteConnection", resource: "source connection, legacy name", expect: denied, why: "uses the connection, never changes or removes it" },
        { principal: "build role", action: "codeconnections:UseConnection", resource: "source connection", when: NO_CLONE, expect: denied, why: "the pipeline hands the build its source; only a full clone needs the connection" },
        { principal: "build role", action: "codestar-connections:UseConnection", resource: "source connection, legacy name", when: NO_CLONE, expect: denied, why: "the pipeline hands the build its source; only a full clone needs the connection" },
        { principal: "build role", action: "codeconnections:UseConnection", resource: "source connection", when: FULL_CLONE, expect: allowed, why: "a full clone (CODEBUILD_CLONE_REF): the build clones through the connection" },
        { principal: "build role", action: "codestar-connections:UseConnection", resource: "source connection, legacy name", when: FULL_CLONE, expect: allowed, why: "a full clone, by the connection's name before the rename" },
        { principal: "build role", action: "codeconnections:UseConnection", resource: "another DEV connection", expect: denied, why: "never another connection" },
        { principal: "build role", action: "codestar-connections:UseConnection", resource: "another DEV connection, legacy name", expect: denied, why: "never another connection, by either name" },
        { principal: "build role", action: "codeconnections:DeleteConnection", resource: "source connection", expect: denied, why: "clones at most, never changes the connection" },
        { principal: "build role", action: "codestar-connections:DeleteConnection", resource: "source connection, legacy name", expect: denied, why: "clones at most, never changes the connection" },
        { principal: "third-account role with Allow *", action: "codeconnections:UseConnection", resource: "source connection", expect: denied, why: "no other account" },
        { principal: "pipeline role", action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"], resource: "build project", expect: allowed, why: "the build action starts and watches the build" },
        { principal: "pipeline role", action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"], resource: "release marker project", expect: allowed, why: "after a deploy, the pipeline runs the release marker" },
        { principal: "pipeline role", action: "codebuild:UpdateProject", resource: "build project", expect: denied, why: "changing the build would run code as the build role" },
        { principal: "pipeline role", action: "codebuild:StartBuild", resource: "another DEV build project", expect: denied, why: "its own build only" },
        { principal: "build role", action: ["logs:CreateLogStream", "logs:PutLogEvents"], resource: "build log stream", expect: allowed, why: "the build logs" },
        { principal: "build role", action: "logs:DeleteLogGroup", resource: "build log group", expect: denied, why: "a build cannot erase its own logs" },
        { principal: "build role", action: "logs:DeleteLogStream", resource: "build log stream", expect: denied, why: "a build cannot erase its own logs" },
        { principal: "build role", action: "logs:PutLogEvents", resource: "another DEV log stream", expect: denied, why: "its own log group only" },
        { principal: "source events role", action: "codepipeline:StartPipelineExecution", resource: "pipeline", expect: allowed, why: "a push starts the pipeline" },
        { principal: "source events role", action: "codepipeline:UpdatePipeline", resource: "pipeline", expect: denied, why: "starting is all it does" },
        { principal: "source events role", action: "codepipeline:StartPipelineExecution", resource: "another DEV pipeline", expect: denied, why: "this pipeline only" },

        // Images: the build pushes, nobody outside pulls.
        { principal: "build role", action: "ecr:DeleteRepository", resource: "image repository", expect: denied, why: "pushes images, never removes the repository" },
        { principal: "build role", action: "ecr:GetAuthorizationToken", resource: "no resource in DEV", expect: allowed, why: "docker login before the push" },
        { principal: "build role", action: "ecr:PutImage", resource: "another DEV image repository", expect: denied, why: "pushes only to the pipeline's image repository" },
        { principal: "build role", action: ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchCheckLayerAvailability"], resource: "image repository", expect: allowed, why: "the build pushes the image" },
        { principal: "build role", action: ["ecr:BatchGetImage", "ecr:PutImage"], resource: "image repository", expect: allowed, why: "the release marker (run as the build role) adds a release tag to the deployed image" },
        { principal: "third-account role with Allow *", action: "ecr:BatchGetImage", resource: "image repository", expect: denied, why: "no other account" },
    ],
};

// ---------------------------------------------------------------- notifications (the pipeline account)

const NOTIFICATIONS = { test: (config: StackConfig) => !!config.notifications, reason: "only with notifications" };
const SLACK = { test: (config: StackConfig) => !!config.notifications?.slack, reason: "only with notifications.slack" };
const VIA_SNS = { "kms:ViaService": "sns.<region>.<dns suffix>" };
/** A service publishing is no IAM principal: the topic's deny of other IAM principals reads a key its request lacks. */
const SERVICE_REQUEST = ["aws:PrincipalArn"];

/** Who publishes to the notification topic and uses its key (the rule's service, the pipeline role), and who may not. */
const notificationsPart: Part = {
    principals: {
        "CodeStar Notifications": { service: "codestar-notifications.amazonaws.com" },
        "AWS Chatbot": { service: "chatbot.amazonaws.com" },
        "Chatbot channel role": { role: "chatbot", onlyIf: SLACK },
    },
    resources: {
        "notification topic": { type: "aws:sns/topic:Topic", onlyIf: NOTIFICATIONS },
        "notification key": { type: KEY.type, name: "notifications-key", onlyIf: NOTIFICATIONS },
        "another DEV topic": { arn: dev("sns", "other-topic"), account: "<pipeline account>" },
        "Chatbot channel role (trust)": { role: "chatbot", onlyIf: SLACK },
        // PutApprovalResult acts on an action of a stage: `<pipeline ARN>/<stage>/<action>`.
        "an approval of the pipeline": { type: "aws:codepipeline/pipeline:Pipeline", derive: (arn: string) => `${arn}/${APPROVAL_STAGE_PREFIX}prod/Approve` },
    },
    rows: [
        { principal: "CodeStar Notifications", action: "sns:Publish", resource: "notification topic", context: FOR_DEV, absent: SERVICE_REQUEST, expect: allowed, why: "the pipeline's rule tells: failed executions, approvals needed (and succeeded ones)" },
        { principal: "CodeStar Notifications", action: "sns:Publish", resource: "notification topic", context: { "aws:SourceAccount": "<third account>" }, absent: SERVICE_REQUEST, expect: denied, why: "confused deputy: a rule of another account" },
        { principal: "CodeStar Notifications", action: ["sns:Subscribe", "sns:SetTopicAttributes"], resource: "notification topic", context: FOR_DEV, absent: SERVICE_REQUEST, expect: denied, why: "publishes, nothing more" },
        { principal: "EventBridge", action: "sns:Publish", resource: "notification topic", context: FOR_DEV, absent: SERVICE_REQUEST, expect: denied, why: "of AWS's services, CodeStar Notifications alone publishes" },
        { principal: "CodeStar Notifications", action: ["kms:GenerateDataKey", "kms:Decrypt"], resource: "notification key", context: VIA_SNS, expect: allowed, why: "SNS encrypts the rule's messages with the topic's key" },
        { principal: "CodeStar Notifications", action: "kms:Decrypt", resource: "notification key", absent: DIRECT, expect: denied, why: "the key is used through SNS only" },
        { principal: "CodeStar Notifications", action: "kms:CreateGrant", resource: "notification key", context: VIA_SNS, expect: denied, why: "uses the key, never hands it out" },
        { principal: "pipeline role", action: "sns:Publish", resource: "notification topic", expect: allowed, why: "each manual approval publishes its request, as the pipeline role" },
        { principal: "pipeline role", action: ["kms:GenerateDataKey", "kms:Decrypt"], resource: "notification key", context: VIA_SNS, expect: allowed, why: "SNS encrypts the approval request with the topic's key" },
        { principal: "pipeline role", action: "kms:Decrypt", resource: "notification key", absent: DIRECT, expect: denied, why: "the key is used through SNS only" },
        { principal: "pipeline role", action: "kms:ScheduleKeyDeletion", resource: "notification key", absent: DIRECT, expect: denied, why: "using the key is not managing it" },
        { principal: "pipeline role", action: ["sns:Subscribe", "sns:DeleteTopic"], resource: "notification topic", expect: denied, why: "publishes approval requests; never subscribes or changes the topic" },
        { principal: "pipeline role", action: "sns:Publish", resource: "another DEV topic", expect: denied, why: "its own topic only" },
        { principal: "pipeline role", action: "kms:GenerateDataKey", resource: "another DEV key", context: VIA_SNS, expect: denied, why: "the topic's key only" },
        { principal: "pipeline role given Allow * in DEV", action: "kms:CreateGrant", resource: "notification key", context: VIA_SNS, expect: denied, why: "the key policy lets the pipeline role publish only" },
        { principal: "build role", action: "sns:Publish", resource: "notification topic", expect: blocked, why: "the rule and the pipeline role publish, no other role" },
        { principal: "another DEV role with Allow *", action: "sns:Publish", resource: "notification topic", expect: blocked, why: "the rule and the pipeline role publish, whatever another role's policies allow" },
        { principal: "another DEV role with Allow *", action: "kms:GenerateDataKey", resource: "notification key", context: VIA_SNS, expect: denied, why: "the key trusts the two publishers, not the DEV account" },
        { principal: "another DEV role with Allow *", action: ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"], resource: "notification key", absent: DIRECT, expect: allowed, why: "DEV's IAM administrators manage the key, without using it" },
        { principal: "third-account role with Allow *", action: "sns:Publish", resource: "notification topic", expect: blocked, why: "no other account" },
        { principal: "third-account role with Allow *", action: "kms:Decrypt", resource: "notification key", context: VIA_SNS, expect: denied, why: "no other account" },

        // The Slack channel: AWS Chatbot posts what the topic gets; nobody acts on AWS from the channel.
        { principal: "AWS Chatbot", action: "sts:AssumeRole", resource: "Chatbot channel role (trust)", context: FOR_DEV, expect: allowed, why: "AWS Chatbot acts for the Slack channel as its role" },
        { principal: "AWS Chatbot", action: "sts:AssumeRole", resource: "Chatbot channel role (trust)", context: { "aws:SourceAccount": "<third account>" }, expect: denied, why: "confused deputy: AWS Chatbot acting for another account" },
        { principal: "AWS Chatbot", action: "sts:TagSession", resource: "Chatbot channel role (trust)", context: FOR_DEV, expect: denied, why: "services assume, nothing more" },
        { principal: "CodePipeline", action: "sts:AssumeRole", resource: "Chatbot channel role (trust)", context: FOR_DEV, expect: denied, why: "each role trusts one service" },
        { principal: "Chatbot channel role", action: "codepipeline:PutApprovalResult", resource: "an approval of the pipeline", expect: denied, why: "the channel tells; approving is a person's, in the console" },
        { principal: "Chatbot channel role", action: "codepipeline:StartPipelineExecution", resource: "pipeline", expect: denied, why: "the channel tells; nobody releases from it" },
        { principal: "Chatbot channel role", action: "sns:Publish", resource: "notification topic", expect: blocked, why: "the channel reads the topic, never writes to it" },
    ],
};

// ---------------------------------------------------------------- an artifact store in another region

/** The store entities' names in a region: the pipeline region's are the plain ones above. */
const STORE_ENTITIES = ["build output artifact", "artifact bucket", "artifact key", "build output artifact, bucket policy opened in DEV",
    "artifact key, key policy opened in DEV"];

/** What the pipeline does with the store it copies artifacts into, in a target's region: CodePipeline copies as the pipeline role. */
function storePart(logical: string, region: string): Part {
    const VIA_S3 = { "kms:ViaService": `s3.${region}.<dns suffix>` };
    const bucket = { type: ARTIFACTS.type, name: `${logical}-bucket` };
    const key = { type: KEY.type, name: `${logical}-key` };
    const artifact = { ...bucket, path: "/my-pipeline/BuildOutpu/a1B2c3D" };
    return {
        principals: {},
        resources: {
            "build output artifact": artifact,
            "artifact bucket": bucket,
            "artifact key": key,
            "build output artifact, bucket policy opened in DEV": { ...artifact, policy: "open" },
            "artifact key, key policy opened in DEV": { ...key, policy: "open" },
        },
        rows: [
            { principal: "pipeline role", action: [...READ, "s3:PutObject"], resource: "build output artifact", context: KMS_UPLOAD, expect: allowed, why: "CodePipeline copies the build's output into the store of each region a deploy runs in" },
            { principal: "pipeline role", action: ["kms:GenerateDataKey", "kms:Decrypt"], resource: "artifact key", context: VIA_S3, expect: allowed, why: "S3 in that region encrypts the copy" },
            { principal: "pipeline role", action: ["s3:GetBucketLocation", "s3:GetBucketVersioning"], resource: "artifact bucket", context: TLS, expect: allowed, why: "CodePipeline checks each artifact store" },
            { principal: "pipeline role", action: "kms:DescribeKey", resource: "artifact key", absent: DIRECT, expect: allowed, why: "CodePipeline reads each store key's metadata; no data" },
            { principal: "pipeline role", action: "s3:GetObject", resource: "build output artifact", context: { "aws:SecureTransport": "false" }, expect: blocked, why: "TLS only" },
            { principal: "pipeline role", action: "s3:PutObject", resource: "build output artifact", context: { ...KMS_UPLOAD, "s3:x-amz-server-side-encryption-aws-kms-key-id": "<another DEV key>" }, expect: blocked, why: "each region's artifacts under its own key" },
            { principal: "pipeline role", action: "kms:ScheduleKeyDeletion", resource: "artifact key", absent: DIRECT, expect: denied, why: "using the key is not managing it" },
            { principal: "pipeline role given Allow * in DEV", action: "kms:CreateGrant", resource: "artifact key", context: VIA_S3, expect: denied, why: "the key policy lets the pipeline role encrypt and decrypt only" },
            { principal: "build role", action: "s3:PutObject", resource: "build output artifact", context: KMS_UPLOAD, expect: denied, why: "the build writes in the pipeline's region only" },
            { principal: "build role", action: "kms:Decrypt", resource: "artifact key", context: VIA_S3, expect: denied, why: "the build uses the pipeline region's key only" },
            { principal: "another DEV role with Allow *", action: "kms:Decrypt", resource: "artifact key", context: VIA_S3, expect: denied, why: "the key trusts the pipeline role and deploy roles, not the DEV account" },
            { principal: "third-account role with Allow *", action: "s3:GetObject", resource: "build output artifact", context: TLS, expect: denied, why: "no other account" },
            { principal: "third-account role with Allow *", action: "kms:Decrypt", resource: "artifact key", context: VIA_S3, expect: denied, why: "no other account" },
        ],
    };
}

// ---------------------------------------------------------------- one target

/** What the table needs to know of a target: where it is, and what config names when it names instead of creating. */
interface TargetRef {
    index: number;
    name: string;
    /** Its components' logical name, whose children's names start with it. */
    logical: string;
    deploymentConfigName: string;
}

/** A target's rows, with its names (`deploy role`), before they are named after the target (`deploy role (prod)`). */
function targetPart(t: TargetRef): Part {
    const existing = (key: string) => `<targets.${t.index}.existing.${key}>`;
    const ACCOUNT = `<targets.${t.index}.account.accountId>`;
    const REGION = `<targets.${t.index}.region>`;
    const CODEDEPLOY = `arn:<partition>:codedeploy:${REGION}:${ACCOUNT}`;
    const ECS = `arn:<partition>:ecs:${REGION}:${ACCOUNT}`;
    const own = (service: string, resource: string) => `arn:<partition>:${service}:${REGION}:${ACCOUNT}:${resource}`;
    const FOR_TARGET = { "aws:SourceAccount": ACCOUNT };
    /** A flow log's delivery, as S3 sees it: for this account's VPC, through CloudWatch Logs' delivery of it, with the ACL it sets. */
    const FLOW_DELIVERY = { ...TLS, ...FOR_TARGET, "aws:SourceArn": `arn:<partition>:logs:${REGION}:${ACCOUNT}:delivery-source:vpc-flow-logs` };
    const FLOW_UPLOAD = { ...FLOW_DELIVERY, "s3:x-amz-acl": "bucket-owner-full-control" };
    const NETWORK_LOGS = { type: "aws:s3/bucket:Bucket", name: `${t.logical}-network-logs-bucket` } as const;
    /** Flow logs are a created VPC's: an existing VPC's are its owner's, and the bucket policy does not admit them. */
    const ALARMS = {
        test: (config: StackConfig) => !!config.targets[t.index].create?.rollbackAlarms,
        reason: "only for a created target with rollbackAlarms",
    };
    const CREATED_VPC = {
        test: (config: StackConfig) => !!config.targets[t.index].create && !config.targets[t.index].create!.network.existing,
        reason: "only with a VPC the stack creates (its flow logs)",
    };
    const VIA_S3 = { "kms:ViaService": `s3.${REGION}.<dns suffix>` };
    const KMS_UPLOAD = { ...TLS, "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "<artifact key>" };
    const EXECUTION_ROLE = existing("executionRoleArn");
    return {
        principals: {
            "deploy role": { role: "deploy", target: t.index },
            "deploy role given Allow * in the target's account": { role: "deploy", target: t.index, identity: "allow-all" },
            "another role with Allow * in the target's account": { stranger: ACCOUNT, name: "admin" },
            "task execution role given Allow * in the target's account": { role: "execution", target: t.index, identity: "allow-all", existing: EXECUTION_ROLE },
            "CodeDeploy service role": { role: "codeDeploy", target: t.index },
            "task execution role": { role: "execution", target: t.index, existing: EXECUTION_ROLE },
            "ELB log delivery": { elbLogDelivery: true, region: REGION },
            "log delivery (flow logs)": { service: "delivery.logs.amazonaws.com" },
        },
        resources: {
            "deploy role": { role: "deploy", target: t.index },
            "deploy role, trust opened in the target's account": { role: "deploy", target: t.index, policy: "open" },
            "CodeDeploy deployment group": {
                type: "aws:codedeploy/deploymentGroup:DeploymentGroup", name: `${t.logical}-group`,
                existing: `${CODEDEPLOY}:deploymentgroup:${existing("applicationName")}/${existing("deploymentGroupName")}`,
            },
            "CodeDeploy application": {
                type: "aws:codedeploy/application:Application", name: `${t.logical}-application`,
                existing: `${CODEDEPLOY}:application:${existing("applicationName")}`,
            },
            "CodeDeploy deployment config": { arn: `${CODEDEPLOY}:deploymentconfig:${t.deploymentConfigName}`, account: ACCOUNT },
            "task role": { role: "task", target: t.index, existing: existing("taskRoleArn") },
            "task execution role": { role: "execution", target: t.index, existing: EXECUTION_ROLE },
            // RegisterTaskDefinition takes a task definition ARN; the grant must be "*" (the family is the service's choice).
            "a task definition": { arn: `${ECS}:task-definition/my-service:7`, account: ACCOUNT },
            "object in a bucket of the target's account": { arn: "arn:<partition>:s3:::prod-data/data.zip", account: ACCOUNT },
            "a key of the target's account": { arn: own("kms", "key/0c0c0c0c-0000-4000-8000-000000000002"), account: ACCOUNT, policy: defaultKeyPolicy(ACCOUNT) },
            "another role of the target's account": { arn: `arn:<partition>:iam::${ACCOUNT}:role/admin`, account: ACCOUNT },
            "a role of the target's account trusting the DEV account": {
                arn: `arn:<partition>:iam::${ACCOUNT}:role/break-glass`, account: ACCOUNT,
                policy: { Version: "2012-10-17", Statement: [{ Sid: "TrustDev", Effect: "Allow", Principal: { AWS: "arn:<partition>:iam::<pipeline account>:root" }, Action: "sts:AssumeRole" }] },
            },
            "another deployment group": { arn: `${CODEDEPLOY}:deploymentgroup:other-app/other-group`, account: ACCOUNT },
            "another application": { arn: `${CODEDEPLOY}:application:other-app`, account: ACCOUNT },
            "another deployment config": { arn: `${CODEDEPLOY}:deploymentconfig:Custom.Other`, account: ACCOUNT },
            "an ECS service of the target's account": { arn: `${ECS}:service/prod/other-service`, account: ACCOUNT },
            "an ECS cluster of the target's account": { arn: `${ECS}:cluster/prod`, account: ACCOUNT },
            "task execution role (trust)": { role: "execution", target: t.index },
            "CodeDeploy service role (trust)": { role: "codeDeploy", target: t.index },
            "container log stream": { type: "aws:cloudwatch/logGroup:LogGroup", name: `${t.logical}-logs`, path: ":log-stream:app/app/0123" },
            "another log stream of the target's account": { arn: own("logs", "log-group:/ecs/other:log-stream:x"), account: ACCOUNT },
            "another listener of the target's account": { arn: own("elasticloadbalancing", "listener/app/prod/0123456789abcdef/fedcba9876543210"), account: ACCOUNT },
            "target ECS service": { type: "aws:ecs/service:Service", name: `${t.logical}-service` },
            "a task set of the target service": {
                type: "aws:ecs/service:Service", name: `${t.logical}-service`,
                derive: (service: string) => `${service.replace(":service/", ":task-set/")}/ecs-svc/0123456789`,
            },
            "production listener": { type: "aws:lb/listener:Listener", name: `${t.logical}-production` },
            "test listener": { type: "aws:lb/listener:Listener", name: `${t.logical}-test` },
            "a rule of the production listener": {
                type: "aws:lb/listener:Listener", name: `${t.logical}-production`,
                derive: (listener: string) => `${listener.replace(":listener/", ":listener-rule/")}/0123456789abcdef`,
            },
            // Actions that name no resource (ecr:GetAuthorizationToken, ELB Describe*) are asked about "*".
            "no resource in the target's account": { arn: "*", account: ACCOUNT },
            "an image repository of the target's account": { arn: own("ecr", "repository/other"), account: ACCOUNT },
            "a load balancer of the target's account": { arn: own("elasticloadbalancing", "loadbalancer/app/prod/0123456789abcdef"), account: ACCOUNT },
            // The target's network log bucket: what ELB and VPC log delivery write, under their prefixes and this account's folder.
            "load balancer access log": { ...NETWORK_LOGS, path: `/load-balancer/AWSLogs/${ACCOUNT}/elasticloadbalancing/${REGION}/${LOG_FILE}` },
            "another account's access log in the network log bucket": {
                ...NETWORK_LOGS, path: `/load-balancer/AWSLogs/<third account>/elasticloadbalancing/${REGION}/${LOG_FILE}`,
            },
            "flow log": { ...NETWORK_LOGS, path: `/vpc-flow-logs/AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/${LOG_FILE}`, onlyIf: CREATED_VPC },
            "network log bucket, as flow log delivery checks it": { ...NETWORK_LOGS, onlyIf: CREATED_VPC },
            // The rollback alarms: the load balancer's 5xx one stands for them all (the CodeDeploy role's statement names each).
            "rollback alarm": { type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: `${t.logical}-alarm-elb-5xx`, onlyIf: ALARMS },
            "another alarm of the target's account": { arn: own("cloudwatch", "alarm:other-alarm"), account: ACCOUNT },
        },
        rows: [
            { principal: "pipeline role", action: "sts:AssumeRole", resource: "deploy role", expect: allowed, why: "the deploy action runs in the target's account as the deploy role" },
            { principal: "build role", action: "sts:AssumeRole", resource: "deploy role", expect: denied, why: "only the pipeline role is trusted, not the build" },
            { principal: "another DEV role with Allow *", action: "sts:AssumeRole", resource: "deploy role", expect: denied, why: "the trust names one role, not the DEV account" },
            { principal: "third-account role with Allow *", action: "sts:AssumeRole", resource: "deploy role", expect: denied, why: "no other account is trusted" },
            { principal: "another role with Allow * in the target's account", action: "sts:AssumeRole", resource: "deploy role", expect: denied, why: "not even from inside the target's account" },
            { principal: "pipeline role given Allow * in DEV", action: "sts:TagSession", resource: "deploy role", expect: denied, why: "the trust allows AssumeRole only, whatever DEV grants" },
            { principal: "pipeline role", action: "sts:TagSession", resource: "deploy role, trust opened in the target's account", expect: denied, why: "the pipeline role asks for AssumeRole only" },
            { principal: "pipeline role", action: "sts:AssumeRole", resource: "a role of the target's account trusting the DEV account", expect: denied, why: "the pipeline role may assume the deploy roles and no other role" },
            { principal: "deploy role", action: READ, resource: "build output artifact", context: TLS, expect: allowed, why: "the deploy reads the task definition and appspec" },
            { principal: "deploy role", action: "kms:Decrypt", resource: "artifact key", context: VIA_S3, expect: allowed, why: "S3 decrypts the artifact for the deploy role" },
            { principal: "deploy role", action: "kms:Decrypt", resource: "artifact key", absent: DIRECT, expect: denied, why: "the key is used through S3 only" },
            { principal: "deploy role", action: "kms:Decrypt", resource: "artifact key", context: { "kms:ViaService": `secretsmanager.${REGION}.<dns suffix>` }, expect: denied, why: "the key is used through S3 only" },
            { principal: "deploy role", action: "kms:GenerateDataKey", resource: "artifact key", context: VIA_S3, expect: denied, why: "the deploy role encrypts nothing" },
            { principal: "deploy role", action: "kms:DescribeKey", resource: "artifact key", absent: DIRECT, expect: allowed, why: "the deploy reads the artifact key's metadata across accounts; no data" },
            { principal: "deploy role", action: "kms:DescribeKey", resource: "a key of the target's account", absent: DIRECT, expect: denied, why: "the artifact key only" },
            { principal: "another role with Allow * in the target's account", action: "kms:DescribeKey", resource: "artifact key", absent: DIRECT, expect: denied, why: "the key trusts the deploy role, not its account" },
            { principal: "deploy role", action: "s3:PutObject", resource: "build output artifact", context: KMS_UPLOAD, expect: denied, why: "the deploy role never writes artifacts" },
            { principal: "deploy role", action: "s3:DeleteObject", resource: "build output artifact", context: TLS, expect: denied, why: "the deploy role never deletes artifacts" },
            { principal: "deploy role", action: "s3:GetObject", resource: "build output artifact", context: { "aws:SecureTransport": "false" }, expect: blocked, why: "TLS only" },
            { principal: "deploy role given Allow * in the target's account", action: "s3:DeleteObject", resource: "build output artifact", context: TLS, expect: denied, why: "the bucket policy lets the deploy role read, whatever its account grants" },
            { principal: "deploy role given Allow * in the target's account", action: "kms:GenerateDataKey", resource: "artifact key", context: VIA_S3, expect: denied, why: "the key policy lets the deploy role decrypt, whatever its account grants" },
            { principal: "deploy role", action: "s3:DeleteObject", resource: "build output artifact, bucket policy opened in DEV", context: TLS, expect: denied, why: "the deploy role asks for reads only" },
            { principal: "deploy role", action: "kms:GenerateDataKey", resource: "artifact key, key policy opened in DEV", context: VIA_S3, expect: denied, why: "the deploy role asks for Decrypt only" },
            { principal: "deploy role", action: "s3:GetObject", resource: "object in a bucket of the target's account", context: TLS, expect: denied, why: "the deploy role reads the artifact bucket only" },
            { principal: "deploy role", action: "kms:Decrypt", resource: "a key of the target's account", context: VIA_S3, expect: denied, why: "the deploy role decrypts with the artifact key only" },
            { principal: "another role with Allow * in the target's account", action: "s3:GetObject", resource: "build output artifact", context: TLS, expect: denied, why: "the bucket trusts the deploy role, not its account" },
            { principal: "another role with Allow * in the target's account", action: "kms:Decrypt", resource: "artifact key", context: VIA_S3, expect: denied, why: "the key trusts the deploy role, not its account" },
            { principal: "deploy role", action: "s3:PutObject", resource: "build output artifact", context: TLS, absent: NO_SSE_HEADERS, expect: denied, why: "without encryption headers still only the writers upload" },
            { principal: "deploy role", action: ["codedeploy:CreateDeployment", "codedeploy:GetDeployment"], resource: "CodeDeploy deployment group", expect: allowed, why: "the deploy action starts and watches the blue/green deployment" },
            { principal: "deploy role", action: ["codedeploy:GetApplication", "codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision"], resource: "CodeDeploy application", expect: allowed, why: "the deploy action registers the new revision" },
            { principal: "deploy role", action: "codedeploy:GetDeploymentConfig", resource: "CodeDeploy deployment config", expect: allowed, why: "the deploy action reads how to shift traffic" },
            { principal: "deploy role", action: "ecs:RegisterTaskDefinition", resource: "a task definition", expect: allowed, why: "each deploy registers the new task definition" },
            { principal: "deploy role", action: "iam:PassRole", resource: "task role", context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, expect: allowed, why: "the new task definition names the task role" },
            { principal: "deploy role", action: "iam:PassRole", resource: "task execution role", context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, expect: allowed, why: "the new task definition names the execution role" },
            { principal: "deploy role", action: "iam:PassRole", resource: "task role", context: { "iam:PassedToService": "ec2.amazonaws.com" }, expect: denied, why: "to ECS tasks only" },
            { principal: "deploy role", action: "iam:PassRole", resource: "another role of the target's account", context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, expect: denied, why: "the two task roles only" },
            { principal: "deploy role", action: "codedeploy:CreateDeployment", resource: "another deployment group", expect: denied, why: "its own deployment group only" },
            { principal: "deploy role", action: "codedeploy:DeleteDeploymentGroup", resource: "CodeDeploy deployment group", expect: denied, why: "deploys, never reconfigures" },
            { principal: "deploy role", action: "codedeploy:RegisterApplicationRevision", resource: "another application", expect: denied, why: "its own application only" },
            { principal: "deploy role", action: "codedeploy:DeleteApplication", resource: "CodeDeploy application", expect: denied, why: "deploys, never reconfigures" },
            { principal: "deploy role", action: "codedeploy:GetDeploymentConfig", resource: "another deployment config", expect: denied, why: "its own deployment config only" },
            { principal: "deploy role", action: "codedeploy:DeleteDeploymentConfig", resource: "CodeDeploy deployment config", expect: denied, why: "deploys, never reconfigures" },
            { principal: "deploy role", action: "ecs:UpdateService", resource: "an ECS service of the target's account", expect: denied, why: "CodeDeploy's own role shifts the service, not the pipeline" },
            { principal: "deploy role", action: "ecs:DeleteCluster", resource: "an ECS cluster of the target's account", expect: denied, why: "no ECS access beyond registering task definitions" },
            { principal: "CodeDeploy service role", action: ["ecs:DescribeServices", "ecs:UpdateServicePrimaryTaskSet"], resource: "target ECS service", expect: allowed, why: "the blue/green swap makes the new task set primary" },
            { principal: "CodeDeploy service role", action: ["ecs:CreateTaskSet", "ecs:DeleteTaskSet"], resource: "a task set of the target service", expect: allowed, why: "the green task set is created, the blue one removed" },
            { principal: "CodeDeploy service role", action: "elasticloadbalancing:ModifyListener", resource: "production listener", expect: allowed, why: "traffic moves to the green target group" },
            { principal: "CodeDeploy service role", action: "elasticloadbalancing:ModifyListener", resource: "test listener", expect: allowed, why: "the test listener points at green first" },
            { principal: "CodeDeploy service role", action: "elasticloadbalancing:ModifyRule", resource: "a rule of the production listener", expect: allowed, why: "listener rules move with their listener" },
            { principal: "CodeDeploy service role", action: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups"], resource: "no resource in the target's account", expect: allowed, why: "reads the listeners before it moves them" },
            { principal: "CodeDeploy service role", action: "ecs:UpdateService", resource: "an ECS service of the target's account", expect: denied, why: "only the target service's task sets" },
            { principal: "CodeDeploy service role", action: "elasticloadbalancing:DeleteLoadBalancer", resource: "a load balancer of the target's account", expect: denied, why: "moves traffic, never removes a load balancer" },
            { principal: "CodeDeploy service role", action: "iam:PassRole", resource: "another role of the target's account", context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, expect: denied, why: "the two task roles only" },
            { principal: "CodeDeploy service role", action: "ecs:DeleteService", resource: "target ECS service", expect: denied, why: "swaps task sets, never removes the service" },
            { principal: "CodeDeploy service role", action: "ecs:UpdateServicePrimaryTaskSet", resource: "an ECS service of the target's account", expect: denied, why: "the target service only" },
            { principal: "CodeDeploy service role", action: "elasticloadbalancing:DeleteListener", resource: "production listener", expect: denied, why: "moves traffic, never removes a listener" },
            { principal: "CodeDeploy service role", action: "elasticloadbalancing:ModifyListener", resource: "another listener of the target's account", expect: denied, why: "the target's two listeners only" },
            { principal: "CodeDeploy service role", action: "cloudwatch:DescribeAlarms", resource: "rollback alarm", expect: allowed, why: "CodeDeploy polls the alarms that stop a deployment and roll it back" },
            { principal: "CodeDeploy service role", action: "cloudwatch:DescribeAlarms", resource: "another alarm of the target's account", expect: denied, why: "the target's own rollback alarms only" },
            { principal: "CodeDeploy service role", action: ["cloudwatch:SetAlarmState", "cloudwatch:DisableAlarmActions", "cloudwatch:DeleteAlarms"], resource: "rollback alarm", expect: denied, why: "reads the alarms; never silences them" },
            { principal: "deploy role", action: ["cloudwatch:DisableAlarmActions", "cloudwatch:PutMetricAlarm"], resource: "rollback alarm", expect: denied, why: "the pipeline cannot silence what stops its deployment" },
            { principal: "another role with Allow * in the target's account", action: "cloudwatch:PutMetricAlarm", resource: "rollback alarm", expect: allowed, why: "the target account's administrators manage its alarms" },
            { principal: "task execution role", action: "logs:PutLogEvents", resource: "container log stream", expect: allowed, why: "the container's output goes to its log group" },
            { principal: "task execution role", action: "logs:DeleteLogStream", resource: "container log stream", expect: denied, why: "writes logs, never removes them" },
            { principal: "task execution role", action: "logs:PutLogEvents", resource: "another log stream of the target's account", expect: denied, why: "its own log group only" },
            { principal: "task execution role", action: "ecr:PutImage", resource: "image repository, repository policy opened in DEV", expect: denied, why: "the target's side grants pulls only, whatever DEV's policy says" },
            { principal: "task execution role given Allow * in the target's account", action: "ecr:PutImage", resource: "image repository", expect: denied, why: "DEV's repository policy grants pulls only, whatever the target account's admins allow" },
            { principal: "ECS tasks", action: "sts:AssumeRole", resource: "task role", context: FOR_TARGET, expect: allowed, why: "the running task acts as its task role" },
            { principal: "ECS tasks", action: "sts:AssumeRole", resource: "task execution role (trust)", context: FOR_TARGET, expect: allowed, why: "ECS pulls the image and writes logs as the execution role" },
            { principal: "CodeDeploy", action: "sts:AssumeRole", resource: "CodeDeploy service role (trust)", context: FOR_TARGET, expect: allowed, why: "CodeDeploy runs the blue/green swap as this role" },
            { principal: "another role with Allow * in the target's account", action: "sts:AssumeRole", resource: "task role", absent: ["aws:SourceAccount"], expect: denied, why: "only ECS tasks act as the task role" },
            { principal: "another role with Allow * in the target's account", action: "sts:AssumeRole", resource: "task execution role (trust)", absent: ["aws:SourceAccount"], expect: denied, why: "only ECS acts as the execution role" },
            { principal: "another role with Allow * in the target's account", action: "sts:AssumeRole", resource: "CodeDeploy service role (trust)", absent: ["aws:SourceAccount"], expect: denied, why: "only CodeDeploy acts as its role" },
            { principal: "CodeDeploy", action: "sts:AssumeRole", resource: "task role", context: FOR_TARGET, expect: denied, why: "each role trusts one service" },
            { principal: "CodeDeploy", action: "sts:AssumeRole", resource: "task execution role (trust)", context: FOR_TARGET, expect: denied, why: "each role trusts one service" },
            { principal: "ECS tasks", action: "sts:AssumeRole", resource: "CodeDeploy service role (trust)", context: FOR_TARGET, expect: denied, why: "each role trusts one service" },
            { principal: "ECS tasks", action: "sts:TagSession", resource: "task role", context: FOR_TARGET, expect: denied, why: "services assume, nothing more" },
            { principal: "ECS tasks", action: "sts:TagSession", resource: "task execution role (trust)", context: FOR_TARGET, expect: denied, why: "services assume, nothing more" },
            { principal: "CodeDeploy", action: "sts:TagSession", resource: "CodeDeploy service role (trust)", context: FOR_TARGET, expect: denied, why: "services assume, nothing more" },
            { principal: "task execution role", action: "ecr:GetAuthorizationToken", resource: "no resource in the target's account", expect: allowed, why: "ECS logs in to ECR before it pulls" },
            { principal: "task execution role", action: "ecr:BatchGetImage", resource: "an image repository of the target's account", expect: denied, why: "pulls only the pipeline's image repository" },
            { principal: "task execution role", action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], resource: "image repository", expect: allowed, why: "ECS pulls the image from DEV, in the pipeline's region" },
            { principal: "another role with Allow * in the target's account", action: "codeconnections:UseConnection", resource: "source connection", expect: denied, why: "the connection is the pipeline's: no role of a target's account uses it" },

            // The network log bucket: each log delivery writes its own logs, nothing else; only the target account's administrators read them.
            { principal: "ELB log delivery", action: "s3:PutObject", resource: "load balancer access log", context: TLS, absent: DIRECT_REQUEST, expect: allowed, why: "the load balancer's access logs land in the target's account (Security Hub ELB.5)" },
            { principal: "ELB log delivery", action: ["s3:GetObject", "s3:DeleteObject"], resource: "load balancer access log", context: TLS, absent: DIRECT_REQUEST, expect: denied, why: "log delivery writes logs, never reads or deletes them" },
            { principal: "ELB log delivery", action: "s3:PutObject", resource: "flow log", context: TLS, absent: DIRECT_REQUEST, expect: denied, why: "access logs only, under their own prefix" },
            { principal: "ELB log delivery", action: "s3:PutObject", resource: "another account's access log in the network log bucket", context: TLS, absent: DIRECT_REQUEST, expect: denied, why: "only the target account's load balancers log here" },
            { principal: "log delivery (flow logs)", action: "s3:PutObject", resource: "flow log", context: FLOW_UPLOAD, expect: allowed, why: "the VPC's flow logs land in the target's account (Security Hub EC2.6)" },
            { principal: "log delivery (flow logs)", action: ["s3:GetBucketAcl", "s3:ListBucket"], resource: "network log bucket, as flow log delivery checks it", context: FLOW_DELIVERY, absent: ["s3:x-amz-acl"], expect: allowed, why: "log delivery checks the bucket before it writes" },
            { principal: "log delivery (flow logs)", action: "s3:PutObject", resource: "flow log", context: { ...FLOW_UPLOAD, "aws:SourceAccount": "<third account>", "aws:SourceArn": `arn:<partition>:logs:${REGION}:<third account>:delivery-source:vpc-flow-logs` }, expect: denied, why: "confused deputy: log delivery acting for another account's VPC" },
            { principal: "log delivery (flow logs)", action: "s3:PutObject", resource: "flow log", context: { ...FLOW_UPLOAD, "s3:x-amz-acl": "public-read" }, expect: denied, why: "flow logs are written for the bucket owner only" },
            { principal: "log delivery (flow logs)", action: "s3:PutObject", resource: "load balancer access log", context: FLOW_UPLOAD, expect: denied, why: "flow logs only, under their own prefix" },
            { principal: "log delivery (flow logs)", action: "s3:PutObjectAcl", resource: "flow log", context: FLOW_UPLOAD, expect: denied, why: "it writes objects, nothing else" },
            { principal: "log delivery (flow logs)", action: "s3:PutBucketPolicy", resource: "network log bucket, as flow log delivery checks it", context: FLOW_DELIVERY, absent: ["s3:x-amz-acl"], expect: denied, why: "it checks the bucket, never changes it" },
            { principal: "third-account role with Allow *", action: "s3:ListBucket", resource: "network log bucket, as flow log delivery checks it", context: FLOW_DELIVERY, absent: ["s3:x-amz-acl"], expect: denied, why: "the bucket check is the log delivery service's, not any account's" },
            { principal: "log delivery (flow logs)", action: ["s3:GetObject", "s3:DeleteObject"], resource: "flow log", context: FLOW_DELIVERY, absent: ["s3:x-amz-acl"], expect: denied, why: "log delivery writes logs, never reads or deletes them" },
            { principal: "another role with Allow * in the target's account", action: "s3:GetObject", resource: "load balancer access log", context: TLS, absent: DIRECT_REQUEST, expect: allowed, why: "the target account's administrators read its logs" },
            { principal: "another role with Allow * in the target's account", action: "s3:GetObject", resource: "load balancer access log", context: { "aws:SecureTransport": "false" }, absent: DIRECT_REQUEST, expect: blocked, why: "TLS only" },
            { principal: "deploy role", action: "s3:GetObject", resource: "load balancer access log", context: TLS, absent: DIRECT_REQUEST, expect: denied, why: "the deploy role never reads the network logs" },
            { principal: "task execution role", action: "s3:GetObject", resource: "load balancer access log", context: TLS, absent: DIRECT_REQUEST, expect: denied, why: "the tasks never read the network logs" },
            { principal: "third-account role with Allow *", action: ["s3:GetObject", "s3:PutObject"], resource: "load balancer access log", context: TLS, absent: DIRECT_REQUEST, expect: denied, why: "no other account reads or writes the logs" },
            { principal: "third-account role with Allow *", action: "s3:PutObject", resource: "flow log", context: FLOW_UPLOAD, expect: denied, why: "the grant is the log delivery service's, not any account's" },
            { principal: "pipeline role", action: "s3:GetObject", resource: "load balancer access log", context: TLS, absent: DIRECT_REQUEST, expect: denied, why: "DEV's roles never read a target's logs" },
            { principal: "another role with Allow * in the target's account", action: "ecr:BatchGetImage", resource: "image repository", expect: denied, why: "the repository trusts the execution roles, not their accounts" },
        ],
    };
}

/**
 * The rows against a target's fixed neighbours: what its deploy role must not touch of another
 * target in the target's account, of one in another account, and of another region's store.
 */
function neighbourRows(target: string, others: { same?: string; other?: string }, otherStore?: string, sharedApplication = false): AccessRow[] {
    const at = (entity: string, of: string) => `${entity} (${of})`;
    const deployRole = at("deploy role", target);
    const PASS = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };
    const rows = Object.entries(others).flatMap(([where, neighbour]): AccessRow[] => neighbour === undefined ? [] : [
        { principal: deployRole, action: "codedeploy:CreateDeployment", resource: at("CodeDeploy deployment group", neighbour), expect: denied, target, why: `not another target's group (${where === "same" ? "in its account" : "in another account"})` },
        where === "same" && sharedApplication
            // Existing targets may be two deployment groups of one application (CodeDeploy: an application has one or more groups).
            ? { principal: deployRole, action: "codedeploy:RegisterApplicationRevision", resource: at("CodeDeploy application", neighbour), expect: allowed, target, why: "the application both groups belong to: a revision is registered with it, the deployment goes to its own group" }
            : { principal: deployRole, action: "codedeploy:RegisterApplicationRevision", resource: at("CodeDeploy application", neighbour), expect: denied, target, why: "not another target's application" },
        { principal: deployRole, action: "iam:PassRole", resource: at("task role", neighbour), context: PASS, expect: denied, target, why: "not another target's task role" },
        { principal: deployRole, action: "iam:PassRole", resource: at("task execution role", neighbour), context: PASS, expect: denied, target, why: "not another target's execution role" },
    ]);
    return otherStore === undefined ? rows : [...rows,
        { principal: deployRole, action: "s3:GetObject", resource: `build output artifact${otherStore}`, context: TLS, expect: denied, target, why: "reads artifacts only through its own region's store" },
    ];
}

/** A part named for a target (or a region's store): its entities get the suffix, and so do the store entities it uses. */
function named(part: Part, suffix: string, storeSuffix: string, target?: string): Part {
    const own = new Set([...Object.keys(part.principals), ...Object.keys(part.resources)]);
    const name = (n: string) => own.has(n) ? `${n}${suffix}` : STORE_ENTITIES.includes(n) ? `${n}${storeSuffix}` : n;
    const rename = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).map(([k, v]) => [name(k), v]));
    const text = (value: string) => value.replace(/<([^<>]+)>/g, (all, key: string) => own.has(key) || STORE_ENTITIES.includes(key) ? `<${name(key)}>` : all);
    return {
        principals: rename(part.principals),
        resources: rename(part.resources),
        rows: part.rows.map(row => ({
            ...row, principal: name(row.principal), resource: name(row.resource), ...(target ? { target } : {}),
            ...(row.context ? { context: Object.fromEntries(Object.entries(row.context).map(([k, v]) => [k, text(v)])) } : {}),
        })),
    };
}

/** The access table of a stack: the pipeline account's rows, each other region's store's, and every target's. */
export function accessTable(config: StackConfig): AccessTable {
    const names = stackNames(config);
    const suffix = (region: string) => region === config.region ? "" : ` in ${region}`;
    const regions = [...new Set(config.targets.map(t => t.region))].filter(r => r !== config.region);
    const parts = [
        pipelinePart,
        notificationsPart,
        ...regions.map(region => named(storePart(storeName(config, region), region), suffix(region), suffix(region))),
        ...config.targets.map((t, i) => {
            const part = named(targetPart({
                index: i, name: t.name, logical: names.targets[i].logical.target,
                deploymentConfigName: (t.create ?? t.existing!).deploymentConfigName,
            }), ` (${t.name})`, suffix(t.region), t.name);
            // Fixed neighbours: the next target in the target's account, the next in another account, another region's store.
            const next = (same: boolean) => [...config.targets.slice(i + 1), ...config.targets.slice(0, i)]
                .find(o => (o.account.accountId === t.account.accountId) === same);
            const otherRegion = [config.region, ...regions].find(r => r !== t.region);
            const neighbour = next(true);
            const sharedApplication = !!neighbour && neighbour.region === t.region && !!t.existing &&
                t.existing.applicationName === neighbour.existing?.applicationName;
            return { ...part, rows: [...part.rows, ...neighbourRows(t.name, { same: neighbour?.name, other: next(false)?.name },
                otherRegion === undefined ? undefined : suffix(otherRegion), sharedApplication)] };
        }),
    ];
    return {
        principals: Object.assign({}, ...parts.map(p => p.principals)),
        resources: Object.assign({}, ...parts.map(p => p.resources)),
        rows: parts.flatMap(p => p.rows),
    };
}

export type Widening = "principal -> account root" | "principal -> *" | "action -> service:*" | "resource -> *";

/**
 * Allow statements that may be widened without a row of the table noticing, and why. The
 * mutation test fails on any other widening that flips no row, and on an exception here
 * that a row does catch. "all": the statement is not mutated at all.
 */
export const MUTATION_EXCEPTIONS: { sid: string; widening: Widening; why: string }[] = [{
    sid: "KeyAdministrationByOwningAccount", widening: "principal -> account root",
    why: "it names the DEV account root already: KMS rejects a key policy that no principal of the owning account can administer",
}, {
    sid: "ReadArtifactsByDeployRole", widening: "resource -> *",
    why: "a bucket policy governs its own bucket only, and object reads act on objects only: `*` there is `<bucket>/*`",
}, {
    sid: "PublishByCodeStarNotificationsForThisAccount", widening: "resource -> *",
    why: "a topic policy governs its own topic only: `*` there is the topic",
}, {
    sid: "CheckBucketByLogDelivery", widening: "resource -> *",
    why: "a bucket policy governs its own bucket only, and the bucket checks act on the bucket only: `*` there is the bucket",
}, {
    sid: "PassOnlyTaskRolesOnlyToEcsTasks", widening: "action -> service:*",
    why: "only iam:PassRole requests carry iam:PassedToService, so the condition keeps any wider action from matching",
}, {
    sid: "RegisterNewTaskDefinition", widening: "resource -> *",
    why: "already `*`: the task definition family is named by the service's taskdef.json, not by this program",
}];
