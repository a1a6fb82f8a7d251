// The access table's rows of one target, by concern: who may assume its deploy role, what the
// deploy role reads of the artifacts and does in CodeDeploy, what CodeDeploy's role does to the
// service and its load balancer, the rollback alarms, the task roles' logs, trust and image pulls,
// and the network log bucket; then the rows against the target's fixed neighbours. Its entities
// carry plain names (`deploy role`) until the table names them after the target (`deploy role (prod)`).
import { StackConfig } from "../../stacks/config/stackConfig";
import { AccessRow, PrincipalSpec } from "../access/access";
import {
    allowed, blocked, defaultKeyPolicy, denied, DIRECT, KMS_UPLOAD, NO_SSE_HEADERS, Part, READ, TLS,
} from "./accessTerms";

/** Keys a request carries only when a service acts (log delivery), or an upload sets an ACL: absent from a role's own GetObject. */
const DIRECT_REQUEST = ["aws:SourceAccount", "aws:SourceArn", "s3:x-amz-acl"];
const LOG_FILE = "2024/06/01/log-file.log.gz";

/** What the table needs to know of a target: where it is, and what config names when it names instead of creating. */
export interface TargetRef {
    index: number;
    name: string;
    /** Its components' logical name, whose children's names start with it. */
    logical: string;
    deploymentConfigName: string;
}

/** How the table writes a target's account, region and resources: config keys filled in per stack. */
interface TargetTerms {
    t: TargetRef;
    /** A key of the target's `existing` block. */
    existing: (key: string) => string;
    ACCOUNT: string;
    REGION: string;
    /** An ARN in the target's account and region. */
    own: (service: string, resource: string) => string;
    FOR_TARGET: Record<string, string>;
    EXECUTION_ROLE: string;
}

/** One concern of a target's rows: the resources it brings into the table, and its rows. */
type Concern = Omit<Part, "principals">;

/** A target's rows, with its names (`deploy role`), before they are named after the target (`deploy role (prod)`). */
export function targetPart(t: TargetRef): Part {
    const terms = targetTerms(t);
    const concerns = [deployRoleTrust, artifactReads, deployActions, blueGreenSwap, rollbackAlarms, executionRoleWrites,
        serviceRoleTrust, imagePulls, networkLogs].map(concern => concern(terms));
    return {
        principals: targetPrincipals(terms),
        resources: mergeResources(concerns.map(c => c.resources)),
        rows: concerns.flatMap(c => c.rows),
    };
}

/** The concerns' resources in one record: each concern names its own, so a name defined twice is a defect (one would hide the other). */
function mergeResources(records: Part["resources"][]): Part["resources"] {
    const merged: Part["resources"] = {};
    for (const [name, resource] of records.flatMap(Object.entries)) {
        if (name in merged) throw new Error(`two concerns define the target's resource "${name}"`);
        merged[name] = resource;
    }
    return merged;
}

function targetTerms(t: TargetRef): TargetTerms {
    const existing = (key: string) => `<targets.${t.index}.existing.${key}>`;
    const ACCOUNT = `<targets.${t.index}.account.accountId>`;
    const REGION = `<targets.${t.index}.region>`;
    return {
        t, existing, ACCOUNT, REGION,
        own: (service, resource) => `arn:<partition>:${service}:${REGION}:${ACCOUNT}:${resource}`,
        FOR_TARGET: { "aws:SourceAccount": ACCOUNT },
        EXECUTION_ROLE: existing("executionRoleArn"),
    };
}

/** Who acts in the target's account: its roles (and each given Allow * by the account's admins), an admin, the log deliveries. */
function targetPrincipals({ t, ACCOUNT, REGION, EXECUTION_ROLE }: TargetTerms): Record<string, PrincipalSpec> {
    return {
        "deploy role": { role: "deploy", target: t.index },
        "deploy role given Allow * in the target's account": { role: "deploy", target: t.index, identity: "allow-all" },
        "another role with Allow * in the target's account": { stranger: ACCOUNT, name: "admin" },
        "task execution role given Allow * in the target's account": { role: "execution", target: t.index, identity: "allow-all", existing: EXECUTION_ROLE },
        "CodeDeploy service role": { role: "codeDeploy", target: t.index },
        "task execution role": { role: "execution", target: t.index, existing: EXECUTION_ROLE },
        "ELB log delivery": { elbLogDelivery: true, region: REGION },
        "log delivery (flow logs)": { service: "delivery.logs.amazonaws.com" },
    };
}

/** Who may assume the deploy role (the pipeline role alone, AssumeRole only), and no other role of the target's account for the pipeline role. */
function deployRoleTrust({ t, ACCOUNT }: TargetTerms): Concern {
    return {
        resources: {
            "deploy role": { role: "deploy", target: t.index },
            "deploy role, trust opened in the target's account": { role: "deploy", target: t.index, policy: "open" },
            "a role of the target's account trusting the DEV account": {
                arn: `arn:<partition>:iam::${ACCOUNT}:role/break-glass`, account: ACCOUNT,
                policy: { Version: "2012-10-17", Statement: [{ Sid: "TrustDev", Effect: "Allow", Principal: { AWS: "arn:<partition>:iam::<pipeline account>:root" }, Action: "sts:AssumeRole" }] },
            },
            // With grants: organization the pipeline role's policy names the deploy roles by a pattern of any account.
            "a role of a third account named like the deploy role, trusting the pipeline role": {
                arn: `arn:<partition>:iam::<third account>:role/<names.targets.${t.index}.roles.deploy>`, account: "<third account>",
                policy: { Version: "2012-10-17", Statement: [{ Sid: "TrustPipeline", Effect: "Allow", Principal: { AWS: "<pipeline role>" }, Action: "sts:AssumeRole" }] },
            },
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
            { principal: "pipeline role", action: "sts:AssumeRole", resource: "a role of a third account named like the deploy role, trusting the pipeline role", expect: denied, why: "the deploy roles of the stack's accounts (or its organization's) only: a release goes nowhere else" },
        ],
    };
}

/** What the deploy role reads of the artifacts (through S3, with the artifact key), and nothing else of either account's. */
function artifactReads({ ACCOUNT, REGION, own }: TargetTerms): Concern {
    const VIA_S3 = { "kms:ViaService": `s3.${REGION}.<dns suffix>` };
    return {
        resources: {
            "object in a bucket of the target's account": { arn: "arn:<partition>:s3:::prod-data/data.zip", account: ACCOUNT },
            "a key of the target's account": { arn: own("kms", "key/0c0c0c0c-0000-4000-8000-000000000002"), account: ACCOUNT, policy: defaultKeyPolicy(ACCOUNT) },
        },
        rows: [
            { principal: "deploy role", action: READ, resource: "build output artifact", context: TLS, expect: allowed, why: "the deploy reads the task definition and appspec" },
            { principal: "deploy role", action: "kms:Decrypt", resource: "artifact key", context: VIA_S3, expect: allowed, why: "S3 decrypts the artifact for the deploy role" },
            { principal: "deploy role", action: "kms:Decrypt", resource: "artifact key", absent: DIRECT, expect: denied, why: "the key is used through S3 only" },
            { principal: "deploy role", action: "kms:Decrypt", resource: "artifact key", context: { "kms:ViaService": `secretsmanager.${REGION}.<dns suffix>` }, expect: denied, why: "the key is used through S3 only" },
            { principal: "deploy role", action: "kms:GenerateDataKey", resource: "artifact key", context: VIA_S3, expect: denied, why: "the deploy role encrypts nothing" },
            { principal: "deploy role", action: "kms:DescribeKey", resource: "artifact key", absent: DIRECT, expect: allowed, why: "the deploy reads the artifact key's metadata across accounts; no data" },
            { principal: "deploy role", action: "kms:DescribeKey", resource: "a key of the target's account", absent: DIRECT, expect: denied, why: "the artifact key only" },
            { principal: "another role with Allow * in the target's account", action: "kms:DescribeKey", resource: "a key of the target's account", absent: DIRECT, expect: allowed, why: "the account's other keys let its IAM policies decide: the deploy role's denial is its own policy" },
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
        ],
    };
}

/** What the deploy role does in CodeDeploy and ECS: its own group, application and config, new task definitions, its two task roles. */
function deployActions({ t, existing, ACCOUNT, REGION, EXECUTION_ROLE }: TargetTerms): Concern {
    const CODEDEPLOY = `arn:<partition>:codedeploy:${REGION}:${ACCOUNT}`;
    const ECS = `arn:<partition>:ecs:${REGION}:${ACCOUNT}`;
    return {
        resources: {
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
            "another role of the target's account": { arn: `arn:<partition>:iam::${ACCOUNT}:role/admin`, account: ACCOUNT },
            "another deployment group": { arn: `${CODEDEPLOY}:deploymentgroup:other-app/other-group`, account: ACCOUNT },
            "another application": { arn: `${CODEDEPLOY}:application:other-app`, account: ACCOUNT },
            "another deployment config": { arn: `${CODEDEPLOY}:deploymentconfig:Custom.Other`, account: ACCOUNT },
            "an ECS service of the target's account": { arn: `${ECS}:service/prod/other-service`, account: ACCOUNT },
            "an ECS cluster of the target's account": { arn: `${ECS}:cluster/prod`, account: ACCOUNT },
        },
        rows: [
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
        ],
    };
}

/** What CodeDeploy's role does for the blue/green swap: the target service's task sets and its load balancer's listeners. */
function blueGreenSwap({ t, ACCOUNT, own }: TargetTerms): Concern {
    return {
        resources: {
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
            "a load balancer of the target's account": { arn: own("elasticloadbalancing", "loadbalancer/app/prod/0123456789abcdef"), account: ACCOUNT },
        },
        rows: [
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
        ],
    };
}

/** The rollback alarms: CodeDeploy's role reads them, nobody on the pipeline's side silences them, the account's administrators manage them. */
function rollbackAlarms({ t, ACCOUNT, own }: TargetTerms): Concern {
    const ALARMS = {
        test: (config: StackConfig) => !!config.targets[t.index].create?.rollbackAlarms,
        reason: "only for a created target with rollbackAlarms",
    };
    return {
        resources: {
            // The rollback alarms: the load balancer's 5xx one stands for them all (the CodeDeploy role's statement names each).
            "rollback alarm": { type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: `${t.logical}-alarm-elb-5xx`, onlyIf: ALARMS },
            "another alarm of the target's account": { arn: own("cloudwatch", "alarm:other-alarm"), account: ACCOUNT },
        },
        rows: [
            { principal: "CodeDeploy service role", action: "cloudwatch:DescribeAlarms", resource: "rollback alarm", expect: allowed, why: "CodeDeploy polls the alarms that stop a deployment and roll it back" },
            { principal: "CodeDeploy service role", action: "cloudwatch:DescribeAlarms", resource: "another alarm of the target's account", expect: denied, why: "the target's own rollback alarms only" },
            { principal: "CodeDeploy service role", action: ["cloudwatch:SetAlarmState", "cloudwatch:DisableAlarmActions", "cloudwatch:DeleteAlarms"], resource: "rollback alarm", expect: denied, why: "reads the alarms; never silences them" },
            { principal: "deploy role", action: ["cloudwatch:DisableAlarmActions", "cloudwatch:PutMetricAlarm"], resource: "rollback alarm", expect: denied, why: "the pipeline cannot silence what stops its deployment" },
            { principal: "another role with Allow * in the target's account", action: "cloudwatch:PutMetricAlarm", resource: "rollback alarm", expect: allowed, why: "the target account's administrators manage its alarms" },
        ],
    };
}

/** What the task execution role writes: its container's logs, never an image. */
function executionRoleWrites({ t, ACCOUNT, own }: TargetTerms): Concern {
    return {
        resources: {
            "container log stream": { type: "aws:cloudwatch/logGroup:LogGroup", name: `${t.logical}-logs`, path: ":log-stream:app/app/0123" },
            "another log stream of the target's account": { arn: own("logs", "log-group:/ecs/other:log-stream:x"), account: ACCOUNT },
        },
        rows: [
            { principal: "task execution role", action: "logs:PutLogEvents", resource: "container log stream", expect: allowed, why: "the container's output goes to its log group" },
            { principal: "task execution role", action: "logs:DeleteLogStream", resource: "container log stream", expect: denied, why: "writes logs, never removes them" },
            { principal: "task execution role", action: "logs:PutLogEvents", resource: "another log stream of the target's account", expect: denied, why: "its own log group only" },
            { principal: "task execution role", action: "ecr:PutImage", resource: "image repository, repository policy opened in DEV", expect: denied, why: "the target's side grants pulls only, whatever DEV's policy says" },
            { principal: "task execution role given Allow * in the target's account", action: "ecr:PutImage", resource: "image repository", expect: denied, why: "DEV's repository policy grants pulls only, whatever the target account's admins allow" },
        ],
    };
}

/** Who may assume the task roles and CodeDeploy's role: each its one service, for the target's account. */
function serviceRoleTrust({ t, FOR_TARGET }: TargetTerms): Concern {
    return {
        resources: {
            "task execution role (trust)": { role: "execution", target: t.index },
            "CodeDeploy service role (trust)": { role: "codeDeploy", target: t.index },
        },
        rows: [
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
        ],
    };
}

/** What the execution role pulls: the pipeline's image repository only; and no role of the target's account uses the source connection. */
function imagePulls({ ACCOUNT, own }: TargetTerms): Concern {
    return {
        resources: {
            "an image repository of the target's account": { arn: own("ecr", "repository/other"), account: ACCOUNT },
        },
        rows: [
            { principal: "task execution role", action: "ecr:GetAuthorizationToken", resource: "no resource in the target's account", expect: allowed, why: "ECS logs in to ECR before it pulls" },
            { principal: "task execution role", action: "ecr:BatchGetImage", resource: "an image repository of the target's account", expect: denied, why: "pulls only the pipeline's image repository" },
            { principal: "task execution role", action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], resource: "image repository", expect: allowed, why: "ECS pulls the image from DEV, in the pipeline's region" },
            { principal: "another role with Allow * in the target's account", action: "codeconnections:UseConnection", resource: "source connection", expect: denied, why: "the connection is the pipeline's: no role of a target's account uses it" },
        ],
    };
}

/** The network log bucket: each log delivery writes its own logs, nothing else; only the target account's administrators read them. */
function networkLogs({ t, ACCOUNT, REGION, FOR_TARGET }: TargetTerms): Concern {
    /** A flow log's delivery, as S3 sees it: for this account's VPC, through CloudWatch Logs' delivery of it, with the ACL it sets. */
    const FLOW_DELIVERY = { ...TLS, ...FOR_TARGET, "aws:SourceArn": `arn:<partition>:logs:${REGION}:${ACCOUNT}:delivery-source:vpc-flow-logs` };
    const FLOW_UPLOAD = { ...FLOW_DELIVERY, "s3:x-amz-acl": "bucket-owner-full-control" };
    const NETWORK_LOGS = { type: "aws:s3/bucket:Bucket", name: `${t.logical}-network-logs-bucket` } as const;
    const FLOW_LOG = `/vpc-flow-logs/AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/${LOG_FILE}`;
    /** Flow logs are a created VPC's: an existing VPC's are its owner's, and the bucket policy does not admit them. */
    const CREATED_VPC = {
        test: (config: StackConfig) => !!config.targets[t.index].create && !config.targets[t.index].create!.network.existing,
        reason: "only with a VPC the stack creates (its flow logs)",
    };
    const EXISTING_VPC = {
        test: (config: StackConfig) => !!config.targets[t.index].create?.network.existing,
        reason: "only with a created target in an existing VPC (its bucket admits no flow logs)",
    };
    return {
        resources: {
            // The target's network log bucket: what ELB and VPC log delivery write, under their prefixes and this account's folder.
            "load balancer access log": { ...NETWORK_LOGS, path: `/load-balancer/AWSLogs/${ACCOUNT}/elasticloadbalancing/${REGION}/${LOG_FILE}` },
            "another account's access log in the network log bucket": {
                ...NETWORK_LOGS, path: `/load-balancer/AWSLogs/<third account>/elasticloadbalancing/${REGION}/${LOG_FILE}`,
            },
            "flow log": { ...NETWORK_LOGS, path: FLOW_LOG, onlyIf: CREATED_VPC },
            "network log bucket, as flow log delivery checks it": { ...NETWORK_LOGS, onlyIf: CREATED_VPC },
            "flow log of a VPC the stack does not create": { ...NETWORK_LOGS, path: FLOW_LOG, onlyIf: EXISTING_VPC },
        },
        rows: [
            { principal: "ELB log delivery", action: "s3:PutObject", resource: "load balancer access log", context: TLS, absent: DIRECT_REQUEST, expect: allowed, why: "the load balancer's access logs land in the target's account (Security Hub ELB.5)" },
            { principal: "ELB log delivery", action: ["s3:GetObject", "s3:DeleteObject"], resource: "load balancer access log", context: TLS, absent: DIRECT_REQUEST, expect: denied, why: "log delivery writes logs, never reads or deletes them" },
            { principal: "ELB log delivery", action: "s3:PutObject", resource: "flow log", context: TLS, absent: DIRECT_REQUEST, expect: denied, why: "access logs only, under their own prefix" },
            { principal: "ELB log delivery", action: "s3:PutObject", resource: "another account's access log in the network log bucket", context: TLS, absent: DIRECT_REQUEST, expect: denied, why: "only the target account's load balancers log here" },
            { principal: "log delivery (flow logs)", action: "s3:PutObject", resource: "flow log", context: FLOW_UPLOAD, expect: allowed, why: "the VPC's flow logs land in the target's account (Security Hub EC2.6)" },
            { principal: "log delivery (flow logs)", action: ["s3:GetBucketAcl", "s3:ListBucket"], resource: "network log bucket, as flow log delivery checks it", context: FLOW_DELIVERY, absent: ["s3:x-amz-acl"], expect: allowed, why: "log delivery checks the bucket before it writes" },
            { principal: "log delivery (flow logs)", action: "s3:PutObject", resource: "flow log", context: { ...FLOW_UPLOAD, "aws:SourceAccount": "<third account>", "aws:SourceArn": `arn:<partition>:logs:${REGION}:<third account>:delivery-source:vpc-flow-logs` }, expect: denied, why: "confused deputy: log delivery acting for another account's VPC" },
            // Each of AWS's two confused-deputy conditions refuses on its own.
            { principal: "log delivery (flow logs)", action: "s3:PutObject", resource: "flow log", context: { ...FLOW_UPLOAD, "aws:SourceAccount": "<third account>" }, expect: denied, why: "confused deputy: the delivery's source account is another account" },
            { principal: "log delivery (flow logs)", action: "s3:PutObject", resource: "flow log", context: { ...FLOW_UPLOAD, "aws:SourceArn": `arn:<partition>:logs:${REGION}:<third account>:delivery-source:vpc-flow-logs` }, expect: denied, why: "confused deputy: the delivery source is another account's" },
            { principal: "log delivery (flow logs)", action: "s3:PutObject", resource: "flow log", context: { ...FLOW_UPLOAD, "s3:x-amz-acl": "public-read" }, expect: denied, why: "flow logs are written for the bucket owner only" },
            { principal: "log delivery (flow logs)", action: "s3:PutObject", resource: "load balancer access log", context: FLOW_UPLOAD, expect: denied, why: "flow logs only, under their own prefix" },
            { principal: "log delivery (flow logs)", action: "s3:PutObject", resource: "flow log of a VPC the stack does not create", context: FLOW_UPLOAD, expect: denied, why: "an existing VPC's flow logs are its owner's to place: this bucket takes none" },
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
export function neighbourRows(target: string, others: { same?: string; other?: string }, otherStore?: string, sharedApplication = false): AccessRow[] {
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
