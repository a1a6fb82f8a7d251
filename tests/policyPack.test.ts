// The policy pack (policy/rules.ts), run without the Pulumi CLI: every rule is called the way
// the analyzer calls it, on the program's own mocked resources for every committed stack.
// All rules must pass on the program; each rule must fail on a copy of the program's
// resources broken in the way it guards against.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import type { ResourceValidation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { Evaluation, Resource, ROOT } from "../offline/engine/engine";
import { registeredPolicies } from "../offline/access/policies";
import { policyDocuments } from "../policy/documents";
import { policies, resourcePolicies, stackPolicies } from "../policy/rules";
import { resourceArgs, stackArgs, violations } from "../offline/engine/policyArgs";
import { deployTargetsVariables } from "../components/buildspec";
import { deployTargetsOf } from "./support/buildspec";
import { evaluated, FIXTURE_STACKS } from "./support/stacks";

type Policy = ResourceValidationPolicy | StackValidationPolicy;
const rule = (name: string): Policy => {
    const found = policies.find(p => p.name === name);
    assert.ok(found, `no rule named ${name}`);
    return found;
};

/** The one validateResource function of a resource rule (the rules here have one each). */
function validation(p: Policy): ResourceValidation {
    assert.ok("validateResource" in p && typeof p.validateResource === "function", `${p.name} is not a resource rule`);
    return p.validateResource;
}

// ---------------------------------------------------------------- breaking the program's resources

const ARTIFACT_BUCKET = "artifacts-bucket";

/** A deep copy of an evaluation, so a mutation never leaks into the cached one. */
const copy = (e: Evaluation): Evaluation => ({ ...e, resources: structuredClone(e.resources) });

function find(e: Evaluation, type: string, name?: string): Resource {
    const r = e.resources.find(x => x.type.endsWith(type) && (name === undefined || x.name === name));
    assert.ok(r, `no ${type} ${name ?? ""} in the program`);
    return r;
}

/** Changes a resource's inputs and outputs alike: resource rules read the one, stack rules the other. */
function edit(e: Evaluation, type: string, name: string | undefined, change: (props: Record<string, any>) => void): Resource {
    const r = find(e, type, name);
    change(r.inputs);
    change(r.state);
    return r;
}

/** Changes the JSON policy document in one property of a resource. */
function editDocument(e: Evaluation, type: string, name: string | undefined, prop: string, change: (doc: any) => void): Resource {
    return edit(e, type, name, props => {
        const doc = JSON.parse(props[prop]);
        change(doc);
        props[prop] = JSON.stringify(doc);
    });
}

const statement = (doc: any, sid: string) => {
    const s = doc.Statement.find((x: any) => x.Sid === sid);
    assert.ok(s, `no statement ${sid}`);
    return s;
};

/** A new resource of the program's kind: in the account of `like`, with the given type, name and props. */
function add(e: Evaluation, like: Resource, type: string, name: string, props: Record<string, any>, propertyDependencies = {}): Resource {
    const r: Resource = {
        ...structuredClone(like), type, name, urn: like.urn.replace(/\$[^$]+$/, `$${type}::${name}`),
        inputs: structuredClone(props), state: structuredClone(props), dependencies: [], propertyDependencies,
    };
    e.resources.push(r);
    return r;
}

const without = (e: Evaluation, type: string) => { e.resources = e.resources.filter(r => !r.type.endsWith(type)); };
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const allowAll = (Action: string | string[], Resource: string | string[] = "*") =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource }] });

/** [rule, what is broken, the resource the violation must name, how to break it, the committed stack broken (dev by default)] */
type Breakage = [string, string, string, (e: Evaluation) => void, string?];

/** The pipeline role's grant of its connection (prod's source is on GitHub). */
const useConnection = (change: (s: any) => void) => (e: Evaluation) =>
    editDocument(e, "rolePolicy:RolePolicy", "pipeline-pipeline-permissions", "policy", d => change(statement(d, "UseSourceConnection")));

const BREAKAGES: Breakage[] = [
    ["aws-providers-pin-allowed-account-ids", "a provider without allowedAccountIds", "pipeline-account", e =>
        edit(e, "providers:aws", "pipeline-account", p => { delete p.allowedAccountIds; })],
    ["aws-providers-pin-allowed-account-ids", "a provider with an empty allowedAccountIds", "target-account", e =>
        edit(e, "providers:aws", "target-account", p => { p.allowedAccountIds = "[]"; })],

    ["kms-keys-rotate", "key rotation off", "artifacts-key", e =>
        edit(e, "kms/key:Key", undefined, p => { p.enableKeyRotation = false; })],
    ["kms-keys-rotate", "key rotation unset", "artifacts-key", e =>
        edit(e, "kms/key:Key", undefined, p => { delete p.enableKeyRotation; })],

    ["iam-no-wildcard-actions", 'Action "*" in a role policy', "deploy-permissions", e =>
        editDocument(e, "rolePolicy:RolePolicy", "deploy-permissions", "policy", d => { statement(d, "ReadDeployInputArtifacts").Action = "*"; })],
    ["iam-no-wildcard-actions", '"s3:*" in a role\'s inline policy', "pipeline-build", e =>
        edit(e, "role:Role", "pipeline-build", p => { p.inlinePolicies = [{ name: "extra", policy: allowAll("s3:*") }]; })],
    ["iam-no-wildcard-actions", "NotAction in an Allow", "pipeline-pipeline-permissions", e =>
        editDocument(e, "rolePolicy:RolePolicy", "pipeline-pipeline-permissions", "policy", d => {
            const s = statement(d, "RunBuildAndReleaseMarker");
            s.NotAction = s.Action;
            delete s.Action;
        })],
    ["iam-no-wildcard-actions", '"ecr:*" in a repository policy (a type the program does not use yet)', "image-repository-policy", e =>
        add(e, find(e, "bucketPolicy:BucketPolicy"), "aws:ecr/repositoryPolicy:RepositoryPolicy", "image-repository-policy",
            { repository: "my-service", policy: allowAll("ecr:*") })],

    ["iam-no-passrole-on-any-resource", 'iam:PassRole on "*"', "deploy-permissions", e =>
        editDocument(e, "rolePolicy:RolePolicy", "deploy-permissions", "policy", d => { statement(d, "PassOnlyTaskRolesOnlyToEcsTasks").Resource = "*"; })],
    ["iam-no-passrole-on-any-resource", 'iam:Pass* on "*" in a managed policy', "extra-policy", e =>
        add(e, find(e, "rolePolicy:RolePolicy", "deploy-permissions"), "aws:iam/policy:Policy", "extra-policy",
            { policy: allowAll(["ecs:RunTask", "iam:Pass*"]) })],

    ["iam-no-aws-managed-policies", "managedPolicyArns on a role", "deploy", e =>
        edit(e, "role:Role", "deploy", p => { p.managedPolicyArns = [ADMIN]; })],
    ["iam-no-aws-managed-policies", "a RolePolicyAttachment of an AWS managed policy", "deploy-admin", e =>
        add(e, find(e, "role:Role", "deploy"), "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "deploy-admin",
            { role: "cross-account-pipeline-dev-deploy", policyArn: ADMIN })],
    ["iam-no-aws-managed-policies", "a PolicyAttachment of an AWS managed policy", "everyone-admin", e =>
        add(e, find(e, "role:Role", "deploy"), "aws:iam/policyAttachment:PolicyAttachment", "everyone-admin",
            { roles: ["cross-account-pipeline-dev-deploy"], policyArn: "arn:aws:iam::aws:policy/AWSCodeDeployFullAccess" })],

    ["cross-account-principals-scoped-to-roles", "a deploy role trusting the pipeline account's bare root", "deploy", e =>
        editDocument(e, "role:Role", "deploy", "assumeRolePolicy", d => { delete statement(d, "AssumedByPipelineRoleOnly").Condition; })],
    ["cross-account-principals-scoped-to-roles", "a key policy granting the target account's bare root", "artifacts-key", e =>
        editDocument(e, "kms/key:Key", undefined, "policy", d => { delete statement(d, "DecryptArtifactsByDeployRole").Condition.ArnEquals; })],
    ["cross-account-principals-scoped-to-roles", "a bucket policy scoped to any role of the target account", "artifacts-policy", e =>
        editDocument(e, "bucketPolicy:BucketPolicy", "artifacts-policy", "policy", d => {
            const s = statement(d, "ReadArtifactsByDeployRole");
            s.Condition = { ArnLike: { "aws:PrincipalArn": s.Condition.ArnEquals["aws:PrincipalArn"].map((a: string) => a.replace(/role\/.*$/, "role/*")) } };
        })],
    ["cross-account-principals-scoped-to-roles", "a trust policy naming a user of another account", "deploy", e =>
        editDocument(e, "role:Role", "deploy", "assumeRolePolicy", d => {
            const s = statement(d, "AssumedByPipelineRoleOnly");
            s.Principal = { AWS: s.Condition.ArnEquals["aws:PrincipalArn"][0].replace(/:role\/.*$/, ":user/alice") };
            delete s.Condition;
        })],

    ["no-public-principals", 'a bucket policy allowing Principal "*"', "artifacts-policy", e =>
        editDocument(e, "bucketPolicy:BucketPolicy", "artifacts-policy", "policy", d => {
            d.Statement.push({ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: statement(d, "ReadArtifactsByDeployRole").Resource });
        })],
    ["no-public-principals", 'a trust policy for {AWS: "*"}', "deploy", e =>
        editDocument(e, "role:Role", "deploy", "assumeRolePolicy", d => {
            const s = statement(d, "AssumedByPipelineRoleOnly");
            s.Principal = { AWS: "*" };
            delete s.Condition;
        })],

    ["connections-used-by-arn", 'UseConnection on "*"', "pipeline-pipeline-permissions", useConnection(s => { s.Resource = "*"; }), "prod"],
    ["connections-used-by-arn", "UseConnection on every connection of the account", "pipeline-pipeline-permissions",
        useConnection(s => { s.Resource = s.Resource.replace(/connection\/.*$/, "connection/*"); }), "prod"],
    ["connections-used-by-arn", "Use* on a connection ARN of any service", "pipeline-pipeline-permissions",
        useConnection(s => { s.Action = "codeconnections:Use*"; s.Resource = s.Resource.replace(":codeconnections:", ":*:"); }), "prod"],
    ["connections-used-by-arn", "UseConnection with NotResource", "pipeline-pipeline-permissions",
        useConnection(s => { s.NotResource = s.Resource; delete s.Resource; }), "prod"],
    ["connections-used-by-arn", "UseConnection on the connection under the other prefix (a grant IAM never matches)", "pipeline-pipeline-permissions",
        useConnection(s => { s.Resource = s.Resource.replace(":codeconnections:", ":codestar-connections:"); }), "prod"],
    ["connections-used-by-arn", "a build role given PassConnection on every legacy connection (CodeCommit stack)", "pipeline-build-permissions", e =>
        editDocument(e, "rolePolicy:RolePolicy", "pipeline-build-permissions", "policy", d => {
            d.Statement.push({ Sid: "PassAnyConnection", Effect: "Allow", Action: "codestar-connections:PassConnection",
                Resource: "arn:aws:codestar-connections:ap-northeast-2:343434343434:connection/*" });
        })],

    // Notifications and rollback alarms: prod has them.
    ["service-principals-narrowed", "CodeStar Notifications publishing for any account", "notifications-topic-policy", e =>
        editDocument(e, "topicPolicy:TopicPolicy", undefined, "policy", d => { delete statement(d, "PublishByCodeStarNotificationsForThisAccount").Condition; }), "prod"],
    ["service-principals-narrowed", "CodeStar Notifications using the topic's key directly", "notifications-key", e =>
        editDocument(e, "kms/key:Key", "notifications-key", "policy", d => { delete statement(d, "PublishThroughSnsByCodeStarNotifications").Condition; }), "prod"],
    ["service-principals-narrowed", "a service role any account's CodeBuild may assume", "pipeline-build", e =>
        editDocument(e, "role:Role", "pipeline-build", "assumeRolePolicy", d => { delete statement(d, "AssumedByServiceForThisAccountOnly").Condition; })],
    ["cloudwatch-alarms-named-by-arn", "CodeDeploy's role reading every alarm", "staging-target-codedeploy-permissions", e =>
        editDocument(e, "rolePolicy:RolePolicy", "staging-target-codedeploy-permissions", "policy", d => { statement(d, "ReadOwnRollbackAlarms").Resource = "*"; }), "prod"],
    ["cloudwatch-alarms-named-by-arn", "a role that may silence every alarm of a name's start", "target-codedeploy-permissions", e =>
        editDocument(e, "rolePolicy:RolePolicy", "target-codedeploy-permissions", "policy", d => {
            d.Statement.push({ Sid: "SilenceAlarms", Effect: "Allow", Action: "cloudwatch:DisableAlarmActions", Resource: "arn:aws:cloudwatch:ap-northeast-2:232323232323:alarm:my-service-*" });
        }), "prod"],
    ["codedeploy-groups-roll-back", "a group that does not roll back a failed deployment", "target-group", e =>
        edit(e, "codedeploy/deploymentGroup:DeploymentGroup", undefined, p => { p.autoRollbackConfiguration = { enabled: false, events: [] }; })],
    ["codedeploy-groups-roll-back", "alarms that stop a deployment without rolling it back", "target-group", e =>
        edit(e, "codedeploy/deploymentGroup:DeploymentGroup", "target-group", p => { p.autoRollbackConfiguration.events = ["DEPLOYMENT_FAILURE"]; }), "prod"],
    ["codedeploy-groups-roll-back", "11 alarms, over CodeDeploy's limit", "target-group", e =>
        edit(e, "codedeploy/deploymentGroup:DeploymentGroup", "target-group", p => {
            p.alarmConfiguration.alarms = Array.from({ length: 11 }, (_, i) => `alarm-${i}`);
        }), "prod"],
    ["codedeploy-groups-roll-back", "deploying on when the alarms cannot be read", "target-group", e =>
        edit(e, "codedeploy/deploymentGroup:DeploymentGroup", "target-group", p => { p.alarmConfiguration.ignorePollAlarmFailure = true; }), "prod"],
    ["chatbot-guardrails-customer-managed", "a Slack channel without guardrails (AdministratorAccess)", "notifications-slack", e =>
        edit(e, "chatbot/slackChannelConfiguration:SlackChannelConfiguration", undefined, p => { delete p.guardrailPolicyArns; }), "path"],
    ["chatbot-guardrails-customer-managed", "a Slack channel capped by an AWS managed policy", "notifications-slack", e =>
        edit(e, "chatbot/slackChannelConfiguration:SlackChannelConfiguration", undefined, p => { p.guardrailPolicyArns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]; }), "path"],
    ["sns-topics-encrypted-and-closed", "the AWS managed aws/sns key", "notifications-topic", e =>
        edit(e, "sns/topic:Topic", undefined, p => { p.kmsMasterKeyId = "alias/aws/sns"; }), "prod"],
    ["sns-topics-encrypted-and-closed", "an unencrypted topic", "notifications-topic", e =>
        edit(e, "sns/topic:Topic", undefined, p => { delete p.kmsMasterKeyId; }), "prod"],
    ["sns-topics-encrypted-and-closed", "a topic policy that lets any role of the account publish", "notifications-topic", e =>
        editDocument(e, "topicPolicy:TopicPolicy", undefined, "policy", d => {
            d.Statement = d.Statement.filter((st: any) => st.Sid !== "DenyPublishByRolesButThePipelineRole");
        }), "prod"],
    ["sns-topics-encrypted-and-closed", "no topic policy", "notifications-topic", e => without(e, "sns/topicPolicy:TopicPolicy"), "prod"],

    ["s3-buckets-encrypted-with-stack-kms-key", "SSE-S3 (AES256)", ARTIFACT_BUCKET, e =>
        edit(e, "BucketServerSideEncryptionConfiguration", "artifacts-encryption", p => {
            p.rules[0].applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" };
        })],
    ["s3-buckets-encrypted-with-stack-kms-key", "the AWS-managed alias/aws/s3 key", ARTIFACT_BUCKET, e =>
        edit(e, "BucketServerSideEncryptionConfiguration", "artifacts-encryption", p => {
            p.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId = "alias/aws/s3";
        })],
    ["s3-buckets-encrypted-with-stack-kms-key", "aws:kms without a key (the aws/s3 default)", ARTIFACT_BUCKET, e =>
        edit(e, "BucketServerSideEncryptionConfiguration", "artifacts-encryption", p => {
            delete p.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId;
        })],
    ["s3-buckets-encrypted-with-stack-kms-key", "no encryption configuration", ARTIFACT_BUCKET, e =>
        without(e, "BucketServerSideEncryptionConfiguration")],

    ["s3-buckets-require-tls", "no DenyInsecureTransport statement", ARTIFACT_BUCKET, e =>
        editDocument(e, "bucketPolicy:BucketPolicy", "artifacts-policy", "policy", d => {
            d.Statement = d.Statement.filter((s: any) => s.Sid !== "DenyInsecureTransport");
        })],
    ["s3-buckets-require-tls", "a TLS deny covering the objects only", ARTIFACT_BUCKET, e =>
        editDocument(e, "bucketPolicy:BucketPolicy", "artifacts-policy", "policy", d => {
            const s = statement(d, "DenyInsecureTransport");
            s.Resource = s.Resource.filter((r: string) => r.endsWith("/*"));
        })],
    ["s3-buckets-require-tls", "no bucket policy", ARTIFACT_BUCKET, e => without(e, "bucketPolicy:BucketPolicy")],

    ["s3-buckets-block-public-access", "restrictPublicBuckets off", ARTIFACT_BUCKET, e =>
        edit(e, "BucketPublicAccessBlock", "artifacts-public-access", p => { p.restrictPublicBuckets = false; })],
    ["s3-buckets-block-public-access", "no public access block", ARTIFACT_BUCKET, e => without(e, "BucketPublicAccessBlock")],
    ["security-hub-s3-12", "ownership controls that let ACLs apply", ARTIFACT_BUCKET, e =>
        edit(e, "BucketOwnershipControls", "artifacts-ownership", p => { p.rule.objectOwnership = "BucketOwnerPreferred"; })],
    ["security-hub-s3-12", "a bucket ACL", ARTIFACT_BUCKET, e =>
        add(e, find(e, "BucketOwnershipControls", "artifacts-ownership"), "aws:s3/bucketAcl:BucketAcl", "artifacts-acl",
            { bucket: find(e, "s3/bucket:Bucket", ARTIFACT_BUCKET).state.bucket, acl: "public-read" })],

    // Security Hub FSBP controls. dev declares its sandbox exceptions (public tasks, plain HTTP, no deletion
    // protection, awsx's public subnets, privileged builds): dropping a declaration breaks it too.
    ["security-hub-codebuild-2", "an AWS secret key in plain text", "pipeline-release", e =>
        edit(e, "codebuild/project:Project", "pipeline-release", p => {
            p.environment.environmentVariables.push({ name: "AWS_SECRET_ACCESS_KEY", value: "x", type: "PLAINTEXT" });
        })],
    ["security-hub-codebuild-3", "unencrypted S3 logs", "pipeline-release", e =>
        edit(e, "codebuild/project:Project", "pipeline-release", p => {
            p.logsConfig.s3Logs = { status: "ENABLED", location: "logs-bucket/release", encryptionDisabled: true };
        })],
    ["security-hub-codebuild-4", "no logs at all", "pipeline-release", e =>
        edit(e, "codebuild/project:Project", "pipeline-release", p => { p.logsConfig = { cloudwatchLogs: { status: "DISABLED" } }; })],
    ["security-hub-codebuild-5", "a privileged release marker", "pipeline-release", e =>
        edit(e, "codebuild/project:Project", "pipeline-release", p => { p.environment.privilegedMode = true; })],
    ["security-hub-codebuild-5", "the privileged build without its declaration", "pipeline-build", e =>
        edit(e, "codebuild/project:Project", "pipeline-build", p => { delete p.tags; })],
    ["security-hub-ec2-2", "the default security group left as AWS makes it", "target-vpc", e => without(e, "DefaultSecurityGroup")],
    ["security-hub-ec2-2", "a rule kept in the default security group", "target-vpc", e =>
        edit(e, "DefaultSecurityGroup", undefined, p => { p.ingress = [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }]; })],
    ["security-hub-ec2-6", "no flow log", "target-vpc", e => without(e, "ec2/flowLog:FlowLog")],
    ["security-hub-ec2-15", "awsx's public subnets without their declaration", "target-vpc", e =>
        edit(e, "awsx:ec2:Vpc", undefined, p => { p.subnetSpecs = [{ type: "Public" }]; })],
    ["security-hub-ec2-15", "a subnet that maps public IPs", "extra-subnet", e =>
        add(e, find(e, "ec2/securityGroup:SecurityGroup", "target-tasks"), "aws:ec2/subnet:Subnet", "extra-subnet",
            { vpcId: "vpc-0123456789abcdef0", cidrBlock: "10.0.9.0/24", mapPublicIpOnLaunch: true })],
    ["security-hub-ec2-18", "port 8443 open to the internet", "target-alb", e =>
        add(e, find(e, "SecurityGroupIngressRule", "target-alb-production-0"), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "target-alb-admin", { ...find(e, "SecurityGroupIngressRule", "target-alb-production-0").inputs, fromPort: 8443, toPort: 8443 },
            find(e, "SecurityGroupIngressRule", "target-alb-production-0").propertyDependencies)],
    ["security-hub-ec2-19", "SSH open to the internet", "target-alb", e =>
        edit(e, "ec2/securityGroup:SecurityGroup", "target-alb", p => {
            p.ingress = [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }];
            p.tags = { "security-hub-exceptions": "EC2.18" };
        })],
    ["security-hub-ecr-1", "no scan on push", "images", e =>
        edit(e, "ecr/repository:Repository", "images", p => { p.imageScanningConfiguration.scanOnPush = false; })],
    ["security-hub-ecr-2", "mutable tags", "images", e =>
        edit(e, "ecr/repository:Repository", "images", p => { p.imageTagMutability = "MUTABLE"; })],
    ["security-hub-ecr-3", "no lifecycle policy", "images", e => without(e, "ecr/lifecyclePolicy:LifecyclePolicy")],
    ["security-hub-ecs-2", "public tasks without their declaration", "target-service", e =>
        edit(e, "ecs/service:Service", undefined, p => { delete p.tags; })],
    ["security-hub-ecs-3", "the host's process namespace", "target-task", e =>
        edit(e, "ecs/taskDefinition:TaskDefinition", undefined, p => { p.pidMode = "host"; })],
    ["security-hub-ecs-4", "a privileged container", "target-task", e => editContainer(e, c => { c.privileged = true; })],
    ["security-hub-ecs-5", "a writable root file system", "target-task", e => editContainer(e, c => { c.readonlyRootFilesystem = false; })],
    ["security-hub-ecs-5", "a build that renders a writable root file system", "pipeline-build", e =>
        editRendered(e, t => { t.readonlyRootFilesystem = false; })],
    ["security-hub-ecs-8", "an AWS secret key in the container's environment", "target-task", e =>
        editContainer(e, c => { c.environment.push({ name: "AWS_SECRET_ACCESS_KEY", value: "x" }); })],
    ["security-hub-ecs-9", "a container without logs", "target-task", e => editContainer(e, c => { delete c.logConfiguration; })],
    ["security-hub-ecs-10", "a pinned older Fargate platform", "target-service", e =>
        edit(e, "ecs/service:Service", undefined, p => { p.platformVersion = "1.3.0"; })],
    ["security-hub-ecs-12", "Container Insights off", "target-cluster", e =>
        edit(e, "ecs/cluster:Cluster", undefined, p => { p.settings = [{ name: "containerInsights", value: "disabled" }]; })],
    ["security-hub-ecs-12", "a declaration the cluster does not need", "target-cluster", e =>
        edit(e, "ecs/cluster:Cluster", undefined, p => { p.tags = { "security-hub-exceptions": "ECS.12" }; })],
    ["security-hub-ecs-16", "public task sets without their declaration", "target-service", e =>
        edit(e, "ecs/service:Service", undefined, p => { p.tags = { "security-hub-exceptions": "ECS.2" }; })],
    ["security-hub-ecs-17", "the host's network", "target-task", e =>
        edit(e, "ecs/taskDefinition:TaskDefinition", undefined, p => { p.networkMode = "host"; })],
    ["security-hub-ecs-20", "a container that runs as root", "target-task", e => editContainer(e, c => { c.user = "0:0"; })],
    ["security-hub-ecs-20", "a container without a user", "target-task", e => editContainer(e, c => { delete c.user; })],
    ["security-hub-ecs-20", "a build that renders a root user", "pipeline-build", e => editRendered(e, t => { t.containerUser = "root"; })],
    ["security-hub-ecs-20", "a build whose targets' list does not join (a part missing)", "pipeline-build", e => editRendered(e, () => undefined, true)],
    ["security-hub-ecs-5", "a build whose targets' list does not join (a part missing)", "pipeline-build", e => editRendered(e, () => undefined, true)],
    ["security-hub-elb-1", "plain HTTP without its declaration", "target-alb", e =>
        edit(e, "lb/loadBalancer:LoadBalancer", undefined, p => { p.tags = { "security-hub-exceptions": "ELB.6" }; })],
    ["security-hub-elb-4", "invalid headers passed on", "target-alb", e =>
        edit(e, "lb/loadBalancer:LoadBalancer", undefined, p => { p.dropInvalidHeaderFields = false; })],
    ["security-hub-elb-5", "no access logs", "target-alb", e =>
        edit(e, "lb/loadBalancer:LoadBalancer", undefined, p => { p.accessLogs.enabled = false; })],
    ["security-hub-elb-6", "no deletion protection without its declaration", "target-alb", e =>
        edit(e, "lb/loadBalancer:LoadBalancer", undefined, p => { p.tags = { "security-hub-exceptions": "ELB.1" }; })],
    ["security-hub-elb-12", "desync mitigation only monitored", "target-alb", e =>
        edit(e, "lb/loadBalancer:LoadBalancer", undefined, p => { p.desyncMitigationMode = "monitor"; })],
    ["security-hub-elb-13", "one zone", "target-alb", e =>
        edit(e, "lb/loadBalancer:LoadBalancer", undefined, p => { p.subnets = p.subnets.slice(0, 1); })],
];

/** Changes the one container of the target's task definition (a JSON string, as the provider takes it). */
function editContainer(e: Evaluation, change: (container: any) => void) {
    edit(e, "ecs/taskDefinition:TaskDefinition", undefined, p => {
        const containers = JSON.parse(p.containerDefinitions);
        change(containers[0]);
        p.containerDefinitions = JSON.stringify(containers);
    });
}

/**
 * Changes the last target the build renders task definitions for, and sends the list in parts of 50
 * characters (the rule must join them all: the change is in the last part), less its last part with `lose`.
 */
function editRendered(e: Evaluation, change: (target: any) => void, lose = false) {
    // Inputs and outputs may share the environment: the new variables are made once.
    let variables: unknown[] | undefined;
    edit(e, "codebuild/project:Project", "pipeline-build", p => {
        variables ??= renderedVariables(p, change, lose);
        p.environment.environmentVariables = variables;
    });
}

/** The project's variables with the last target changed, in parts of 50 characters (less the last part with `lose`). */
function renderedVariables(p: Record<string, any>, change: (target: any) => void, lose: boolean) {
    const environment = Object.fromEntries(p.environment.environmentVariables.map((v: any) => [v.name, v.value]));
    const targets = JSON.parse(deployTargetsOf(environment));
    change(targets[targets.length - 1]);
    const parts = deployTargetsVariables(JSON.stringify(targets), 50);
    if (lose) {
        delete parts[`DEPLOY_TARGETS_${parts.DEPLOY_TARGETS_PARTS}`];
    }
    const others = Object.entries(environment).filter(([name]) => !name.startsWith("DEPLOY_TARGETS_"));
    return [...others, ...Object.entries(parts)].map(([name, value]) => ({ name, value, type: "PLAINTEXT" }));
}

// ---------------------------------------------------------------- tests

describe("policy pack (policy/rules.ts)", () => {
    it("has uniquely named, described, mandatory rules, each with one kind of validation", () => {
        assert.ok(policies.length >= 10);
        assert.strictEqual(new Set(policies.map(p => p.name)).size, policies.length, "duplicate rule names");
        for (const p of policies) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${p.name}: not kebab-case`);
            assert.ok(p.description.length > 30, `${p.name}: no real description`);
            assert.strictEqual(p.enforcementLevel, "mandatory", `${p.name} is not mandatory`);
        }
        assert.deepStrictEqual([...resourcePolicies, ...stackPolicies].map(p => p.name), policies.map(p => p.name));
        assert.ok(resourcePolicies.every(p => p.validateResource && !("validateStack" in p)));
        assert.ok(stackPolicies.every(p => typeof p.validateStack === "function"));
    });

    it("is testable without starting the analyzer: loading the rules loads no @pulumi/policy runtime", () => {
        const loaded = Object.keys(require.cache);
        assert.ok(!loaded.includes(path.join(ROOT, "policy", "index.ts")), "policy/index.ts was loaded");
        assert.ok(!loaded.some(f => f.includes(path.join("@pulumi", "policy", "server"))), "the policy server was loaded");
    });

    for (const stack of FIXTURE_STACKS) {
        describe(`stack ${stack}`, () => {
            it("evaluates, with resources of every kind the rules look at", async () => {
                const e = await evaluated(stack);
                assert.ifError(e.error);
                for (const type of ["pulumi:providers:aws", "aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:iam/role:Role",
                    "aws:iam/rolePolicy:RolePolicy", "aws:s3/bucketPolicy:BucketPolicy"]) {
                    assert.ok(e.resources.some(r => r.type === type), `no ${type}`);
                }
            });

            for (const p of policies) {
                it(`passes ${p.name}`, async () => {
                    assert.deepStrictEqual(await violations(p, await evaluated(stack)), []);
                });
            }

            it("finds every policy document the program registers", async () => {
                const e = await evaluated(stack);
                const found = resourceArgs(e).flatMap(a => policyDocuments(a.props).map(d => `${a.urn} ${d.path}`));
                const registered = registeredPolicies(e);
                assert.ok(registered.length >= 10, `only ${registered.length} documents registered`);
                for (const { resource } of registered) {
                    assert.ok(found.some(f => f.startsWith(`${resource.urn} `)), `no document found in ${resource.urn}`);
                }
            });
        });
    }

    describe("reports each breakage of the program (dev stack)", () => {
        for (const [name, what, culprit, breakIt, stack = "dev"] of BREAKAGES) {
            it(`${name}: ${what}${stack === "dev" ? "" : ` (${stack} stack)`}`, async () => {
                const broken = copy(await evaluated(stack));
                breakIt(broken);
                const found = await violations(rule(name), broken);
                assert.ok(found.length > 0, `${name} reported nothing for ${what}`);
                assert.ok(found.some(v => v.message.includes(`"${culprit}"`)), `no message names "${culprit}":\n${found.map(v => v.message).join("\n")}`);
                // Resources of several types may share a logical name (the load balancer and its security group).
                const urns = broken.resources.filter(r => r.name === culprit).map(r => r.urn);
                assert.ok(found.some(v => urns.includes(v.urn!)), `no violation is reported against ${urns.join(" or ")}`);
            });
        }

        it("every rule has at least one breakage", () => {
            const covered = new Set(BREAKAGES.map(([name]) => name));
            assert.deepStrictEqual(policies.map(p => p.name).filter(n => !covered.has(n)), []);
        });

        it("a second bucket without encryption, TLS policy, public access block or ownership controls fails all four bucket rules", async () => {
            const broken = copy(await evaluated("dev"));
            add(broken, find(broken, "s3/bucket:Bucket"), "aws:s3/bucket:Bucket", "scratch-bucket", { bucket: "scratch-bucket-1234567" });
            const bucketRules = stackPolicies.filter(p => p.name.startsWith("s3-buckets-") || p.name === "security-hub-s3-12");
            assert.strictEqual(bucketRules.length, 4);
            for (const p of bucketRules) {
                const found = await violations(p, broken);
                assert.deepStrictEqual(found.map(v => v.urn), [broken.resources.at(-1)!.urn], p.name);
            }
        });
    });

    describe("provider inputs, JSON-encoded or not", () => {
        const pin = rule("aws-providers-pin-allowed-account-ids");
        for (const [allowed, ok] of [[["121212121212"], true], [[], false], ['["121212121212"]', true], ["[]", false], ["121212121212", true]] as const) {
            it(`allowedAccountIds ${JSON.stringify(allowed)} ${ok ? "passes" : "fails"}`, async () => {
                const e = copy(await evaluated("dev"));
                for (const r of e.resources.filter(x => x.type === "pulumi:providers:aws")) {
                    r.inputs.allowedAccountIds = structuredClone(allowed);
                }
                const found = await violations(pin, e);
                assert.strictEqual(found.length === 0, ok, found.map(v => v.message).join("\n"));
            });
        }

        it("a role's own-account root needs no condition; the account comes from its provider", async () => {
            const e = copy(await evaluated("dev"));
            const own = JSON.parse(find(e, "providers:aws", "target-account").inputs.allowedAccountIds)[0];
            editDocument(e, "role:Role", "deploy", "assumeRolePolicy", d => {
                d.Statement.push({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${own}:root` }, Action: "sts:AssumeRole" });
            });
            assert.deepStrictEqual(await violations(rule("cross-account-principals-scoped-to-roles"), e), []);
            // Without a pinned provider, the rule cannot tell that account is its own.
            find(e, "providers:aws", "target-account").inputs.allowedAccountIds = "[]";
            assert.ok((await violations(rule("cross-account-principals-scoped-to-roles"), e)).some(v => /account is unknown/.test(v.message)));
        });
    });

    describe("during preview (values not known yet)", () => {
        // @pulumi/policy's own proxy: reading an unknown value throws, as in a real preview.
        const proxy = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(v: T): T; unknownStringValue: string };
        const unknownArns = (props: Record<string, any>) => {
            const copied = structuredClone(props);
            for (const [k, v] of Object.entries(copied)) {
                if (typeof v === "string" && /^arn:|^[0-9a-f-]{36}$/.test(v)) copied[k] = proxy.unknownStringValue;
            }
            return copied;
        };

        it("stack rules correlate through property dependencies when bucket names and key ARNs are unknown", async () => {
            const e = copy(await evaluated("dev"));
            const sse = find(e, "BucketServerSideEncryptionConfiguration", "artifacts-encryption");
            const preview = (state: Record<string, any>, r: Resource) => {
                const props = r.type.startsWith("aws:s3/bucket") && r.type !== "aws:s3/bucket:Bucket"
                    ? { ...unknownArns(state), bucket: proxy.unknownStringValue } : unknownArns(state);
                if (r === sse) {
                    props.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId = proxy.unknownStringValue;
                }
                return proxy.unknownCheckingProxy(props);
            };
            const run = async (p: StackValidationPolicy) => {
                const found: string[] = [];
                await p.validateStack(stackArgs(e, preview), m => found.push(m));
                return found;
            };
            assert.deepStrictEqual(await run(rule("s3-buckets-encrypted-with-stack-kms-key") as StackValidationPolicy), []);
            assert.deepStrictEqual(await run(rule("s3-buckets-block-public-access") as StackValidationPolicy), []);
            // An unknown key that does not come from a key of this stack is still refused.
            sse.propertyDependencies.rules = [];
            assert.match((await run(rule("s3-buckets-encrypted-with-stack-kms-key") as StackValidationPolicy)).join("\n"),
                /does not come from a key of this stack/);
        });

        it("resource rules skip unknown role names and ARNs but still read the policy", async () => {
            const e = copy(await evaluated("dev"));
            editDocument(e, "rolePolicy:RolePolicy", "deploy-permissions", "policy", d => { statement(d, "RegisterNewTaskDefinition").Action = "*"; });
            const args = resourceArgs(e, props => proxy.unknownCheckingProxy({ ...props, role: proxy.unknownStringValue }))
                .find(a => a.name === "deploy-permissions")!;
            const found: string[] = [];
            validation(rule("iam-no-wildcard-actions"))(args, m => found.push(m));
            assert.match(found.join("\n"), /"deploy-permissions".*RegisterNewTaskDefinition.*"\*"/);
        });

        it("an unknown policy document is not passed silently: the analyzer reports that the rule could not run", async () => {
            const e = await evaluated("dev");
            const args = resourceArgs(e, props => proxy.unknownCheckingProxy({ ...props, policy: proxy.unknownStringValue }))
                .find(a => a.name === "deploy-permissions")!;
            assert.throws(() => validation(rule("iam-no-wildcard-actions"))(args, () => undefined),
                (err: Error) => err.constructor.name === "UnknownValueError");
        });

        it("Security Hub rules read around what a first preview does not know: no false failure, only an unknown policy goes unjudged", async () => {
            const e = await evaluated("dev");
            // Ids and ARNs of resources still to be created, and what embeds them (a task definition's
            // containers, a policy) are unknown; config values and auto-names are known.
            const unknown = (v: any, key = ""): any => {
                if (typeof v === "string") {
                    return /^(arn:|sg-|subnet-|vpc-|fl-)|^[0-9a-f-]{36}$/.test(v) || ["containerDefinitions", "policy"].includes(key)
                        ? proxy.unknownStringValue : v;
                }
                return Array.isArray(v) ? v.map(x => unknown(x, key))
                    : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unknown(x, k)])) : v;
            };
            const preview = (props: Record<string, any>) => proxy.unknownCheckingProxy(unknown(props));
            const unjudged: string[] = [];
            for (const p of policies.filter(p => p.name.startsWith("security-hub-") || ["kms-keys-rotate", "s3-buckets-require-tls",
                "s3-buckets-block-public-access"].includes(p.name))) {
                const found: string[] = [];
                try {
                    if ("validateStack" in p) {
                        await p.validateStack(stackArgs(e, preview), m => found.push(m));
                    } else {
                        for (const args of resourceArgs(e, preview)) {
                            await validation(p)(args, m => found.push(m));
                        }
                    }
                } catch (err) {
                    assert.strictEqual((err as Error).constructor.name, "UnknownValueError", `${p.name}: ${err}`);
                    unjudged.push(p.name);
                }
                assert.deepStrictEqual(found, [], p.name);
            }
            // The TLS rule needs the bucket policy itself, which names the bucket's ARN.
            assert.deepStrictEqual(unjudged, ["s3-buckets-require-tls"]);
        });
    });

    describe("packaging", () => {
        const policyDir = path.join(ROOT, "policy");
        const pkg = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));

        it("PulumiPolicy.yaml declares a nodejs pack with a description", () => {
            const project = yaml.load(fs.readFileSync(path.join(policyDir, "PulumiPolicy.yaml"), "utf8")) as Record<string, string>;
            assert.strictEqual(project.runtime, "nodejs");
            assert.ok(project.description);
            assert.match(fs.readFileSync(path.join(policyDir, "index.ts"), "utf8"), new RegExp(`new PolicyPack\\("${project.name}"`));
        });

        it("pins @pulumi/policy and @pulumi/pulumi exactly, the same as the root, with a lockfile", () => {
            const root = pkg(ROOT);
            const pack = pkg(policyDir);
            assert.strictEqual(pack.dependencies["@pulumi/pulumi"], root.dependencies["@pulumi/pulumi"]);
            assert.strictEqual(pack.dependencies["@pulumi/policy"], root.devDependencies["@pulumi/policy"]);
            for (const [name, version] of Object.entries({ ...pack.dependencies, ...pack.devDependencies })) {
                assert.match(String(version), /^\d+\.\d+\.\d+$/, `${name} is not pinned exactly`);
            }
            const lock = JSON.parse(fs.readFileSync(path.join(policyDir, "package-lock.json"), "utf8"));
            assert.strictEqual(lock.packages["node_modules/@pulumi/pulumi"].version, root.dependencies["@pulumi/pulumi"]);
            assert.strictEqual(lock.packages["node_modules/@pulumi/policy"].version, pack.dependencies["@pulumi/policy"]);
        });
    });

    describe("docs/policy-pack.md", () => {
        it("its rule table lists exactly the rules of the pack, in order", () => {
            const text = fs.readFileSync(path.join(ROOT, "docs", "policy-pack.md"), "utf8");
            const listed = [...text.matchAll(/^\|\s*`([a-z0-9-]+)`\s*\|/gm)].map(m => m[1]);
            assert.deepStrictEqual(listed, policies.map(p => p.name));
        });
    });
});
