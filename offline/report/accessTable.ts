// The access table: who may do what to which resource, and who may not. The access tests
// run every row against the policies each committed stack registers; `npm run security-doc`
// prints it into SECURITY.md. Names stand for roles and resources found in the evaluation
// (see offline/access/access.ts); `<...>` in an ARN or a context value is filled in per stack.
//
// A stack's table has three parts: the pipeline account's rows; a few rows per artifact store in
// another region; and per target the rows of its deploy role, its target and its grants, named
// `(<target>)`, with rows against fixed neighbours (another target in the target's account, one in
// another account, another region's store): the table grows linearly with the path. A target's
// rows are in offline/report/accessTargetRows.ts.
import { StackConfig } from "../../stacks/config/stackConfig";
import { storeName } from "../../stacks/limits";
import { APPROVAL_STAGE_PREFIX, stackNames } from "../../stacks/names";
import { AccessTable } from "../access/access";
import { neighbourRows, targetPart } from "./accessTargetRows";
import { allowed, blocked, defaultKeyPolicy, denied, DIRECT, KMS_UPLOAD, NO_SSE_HEADERS, Part, READ, TLS } from "./accessTerms";

const ARTIFACTS = { type: "aws:s3/bucket:Bucket", name: "artifacts-bucket" } as const;
const KEY = { type: "aws:kms/key:Key", name: "artifacts-key" } as const;
/** The source's connection: created, or named by config (and maybe shared by another account with AWS RAM). */
const CONNECTION = {
    type: "aws:codeconnections/connection:Connection", existing: "<source.connectionArn>", source: "connection", sharedWith: "<pipeline account>",
} as const;
const OTHER_CONNECTION = "0d0d0d0d-0000-4000-8000-000000000003";
const DEV = "arn:<partition>:<service>:<region>:<pipeline account>";
const dev = (service: string, resource: string) => `${DEV.replace("<service>", service)}:${resource}`;
const VIA_S3 = { "kms:ViaService": "s3.<region>.<dns suffix>" };
const FOR_DEV = { "aws:SourceAccount": "<pipeline account>" };
const FULL_CLONE = { key: "source.fullClone", is: true };
const NO_CLONE = { key: "source.fullClone", is: false };

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
        { principal: "another DEV role with Allow *", action: "kms:DescribeKey", resource: "another DEV key", absent: DIRECT, expect: allowed, why: "another key lets its account's IAM policies decide: the denials of it above are the roles' own policies" },
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
