// AWS's limits on physical names: one row per name the program sets or lets Pulumi generate,
// each with the AWS reference that states it. The program fits the names it derives to these
// rows (stacks/names.ts); the offline engine checks every registered name against them
// (offline/engine/apiRules.ts). A new resource type with a physical name gets a row here; one without a
// name goes in UNNAMED_TYPES. Where AWS's API model states a name's length and pattern, the row
// takes them from the model (`modelled`), so each number has one source; the documentation's
// rule stays where it is stricter than the model (a KMS alias's prefix) or where the model states none.
import { apiMember } from "./apiModels";

/** What AWS accepts for one kind of physical name. */
export interface NameLimit {
    /** The Pulumi type of the resource that carries the name. */
    type: string;
    /** Where the name is in the resource's registered state (inputs and outputs); see `read` for nested ones. */
    field: string;
    /** The names in a registered resource's state, when `state[field]` is not simply the name. */
    read?: (state: Record<string, any>) => unknown[];
    min: number;
    max: number;
    /** One character the name may contain. */
    chars: RegExp;
    /** What the whole name must look like (first and last characters, separators, reserved prefixes). */
    pattern: RegExp;
    /** Only lowercase letters. */
    lowercase?: boolean;
    /** A name resources of the type may share in one account and region (a container's, within its task definition). */
    shared?: boolean;
    /** The AWS documentation that states the limit. */
    doc: string;
    /** The API request member whose model states the length (and the pattern, unless `ownPattern`). */
    model?: [request: string, member: string];
    /** The pattern is the documentation's, stricter than the model's. */
    ownPattern?: boolean;
}

/**
 * A row whose length, and pattern unless `pattern` is given (a stricter documented one), come
 * from the model of `member` in `request` (stacks/apiModels.ts). A model member without a pattern
 * takes any name of its length.
 */
function modelled(request: string, member: string, row: Omit<NameLimit, "min" | "max" | "pattern" | "model"> & { pattern?: RegExp }): NameLimit {
    const { shape, regex } = apiMember(request, member);
    return { ...row, min: shape.length?.min ?? 1, max: shape.length!.max!, pattern: row.pattern ?? regex ?? /[\s\S]*/,
        model: [request, member], ownPattern: row.pattern !== undefined };
}

/** The random characters pulumi-aws puts after a logical name and `-` to name a resource the program does not name. */
export const AUTO_NAME_RANDOM = 7;

const json = (text: unknown) => (typeof text === "string" ? JSON.parse(text) : text) ?? [];

/** Prefixes S3 keeps from bucket names (its bucket naming rules). */
export const S3_RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];

export const NAME_LIMITS = {
    iamRole: modelled("iam-2010-05-08 CreateRoleRequest", "RoleName", {
        type: "aws:iam/role:Role", field: "name", chars: /[\w+=,.@-]/,
        doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
    }),
    iamRolePolicy: modelled("iam-2010-05-08 PutRolePolicyRequest", "PolicyName", {
        type: "aws:iam/rolePolicy:RolePolicy", field: "name", chars: /[\w+=,.@-]/,
        doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
    }),
    roleSession: modelled("sts-2011-06-15 AssumeRoleRequest", "RoleSessionName", {
        type: "pulumi:providers:aws", field: "assumeRoles[].sessionName", chars: /[\w+=,.@-]/,
        read: state => json(state.assumeRoles).map((r: { sessionName?: string }) => r.sessionName),
        doc: "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html",
    }),
    kmsAlias: modelled("kms-2014-11-01 CreateAliasRequest", "AliasName", {
        type: "aws:kms/alias:Alias", field: "name", chars: /[A-Za-z0-9\/_-]/, pattern: /^alias\/(?!aws\/)[A-Za-z0-9\/_-]+$/,
        doc: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
    }),
    s3Bucket: {
        type: "aws:s3/bucket:Bucket", field: "bucket", min: 3, max: 63, chars: /[a-z0-9.-]/, lowercase: true,
        pattern: new RegExp(`^(?!${S3_RESERVED_PREFIXES.join("|")})(?!.*\\.\\.)(?!\\d+\\.\\d+\\.\\d+\\.\\d+$)[a-z0-9][a-z0-9.-]*[a-z0-9]$(?<!-s3alias|--ol-s3|\\.mrap|--x-s3|--table-s3)`),
        doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    },
    codecommitRepository: modelled("codecommit-2015-04-13 CreateRepositoryInput", "repositoryName", {
        type: "aws:codecommit/repository:Repository", field: "repositoryName", chars: /[\w.-]/, pattern: /^(?!\.git$)[\w.-]+$/,
        doc: "https://docs.aws.amazon.com/codecommit/latest/APIReference/API_CreateRepository.html",
    }),
    codebuildProject: modelled("codebuild-2016-10-06 CreateProjectInput", "name", {
        type: "aws:codebuild/project:Project", field: "name", chars: /[A-Za-z0-9_-]/,
        doc: "https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html",
    }),
    codepipeline: modelled("codepipeline-2015-07-09 CreatePipelineInput", "pipeline.name", {
        type: "aws:codepipeline/pipeline:Pipeline", field: "name", chars: /[A-Za-z0-9.@_-]/,
        doc: "https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineDeclaration.html",
    }),
    logGroup: modelled("cloudwatch-logs-2014-03-28 CreateLogGroupRequest", "logGroupName", {
        type: "aws:cloudwatch/logGroup:LogGroup", field: "name", chars: /[\w.\/#-]/,
        doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
    }),
    eventRule: modelled("eventbridge-2015-10-07 PutRuleRequest", "Name", {
        type: "aws:cloudwatch/eventRule:EventRule", field: "name", chars: /[\w.-]/,
        doc: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html",
    }),
    eventTarget: modelled("eventbridge-2015-10-07 PutTargetsRequest", "Targets[].Id", {
        type: "aws:cloudwatch/eventTarget:EventTarget", field: "targetId", chars: /[\w.-]/,
        doc: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html",
    }),
    ecrRepository: modelled("ecr-2015-09-21 CreateRepositoryRequest", "repositoryName", {
        type: "aws:ecr/repository:Repository", field: "name", chars: /[a-z0-9._\/-]/, lowercase: true,
        doc: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
    }),
    ecsCluster: {
        type: "aws:ecs/cluster:Cluster", field: "name", min: 1, max: 255, chars: /[\w-]/, pattern: /^[\w-]+$/,
        doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html",
    },
    ecsService: {
        type: "aws:ecs/service:Service", field: "name", min: 1, max: 255, chars: /[\w-]/, pattern: /^[\w-]+$/,
        doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
    },
    ecsTaskFamily: {
        type: "aws:ecs/taskDefinition:TaskDefinition", field: "family", min: 1, max: 255, chars: /[\w-]/, pattern: /^[\w-]+$/,
        doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
    },
    ecsContainer: {
        type: "aws:ecs/taskDefinition:TaskDefinition", field: "containerDefinitions[].name", min: 1, max: 255, chars: /[\w-]/, pattern: /^[\w-]+$/, shared: true,
        read: state => json(state.containerDefinitions).map((c: { name?: string }) => c.name),
        doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html",
    },
    codedeployApplication: modelled("codedeploy-2014-10-06 CreateApplicationInput", "applicationName", {
        type: "aws:codedeploy/application:Application", field: "name", chars: /./,
        doc: "https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateApplication.html",
    }),
    codedeployGroup: modelled("codedeploy-2014-10-06 CreateDeploymentGroupInput", "deploymentGroupName", {
        type: "aws:codedeploy/deploymentGroup:DeploymentGroup", field: "deploymentGroupName", chars: /./,
        doc: "https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html",
    }),
    codeconnectionsConnection: modelled("codeconnections-2023-12-01 CreateConnectionInput", "ConnectionName", {
        type: "aws:codeconnections/connection:Connection", field: "name", chars: /./,
        doc: "https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_CreateConnection.html",
    }),
    codeconnectionsHost: modelled("codeconnections-2023-12-01 CreateHostInput", "Name", {
        type: "aws:codeconnections/host:Host", field: "name", chars: /./,
        doc: "https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_CreateHost.html",
    }),
    loadBalancer: {
        type: "aws:lb/loadBalancer:LoadBalancer", field: "name", min: 1, max: 32, chars: /[A-Za-z0-9-]/,
        pattern: /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
        doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
    },
    targetGroup: {
        type: "aws:lb/targetGroup:TargetGroup", field: "name", min: 1, max: 32, chars: /[A-Za-z0-9-]/,
        pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
        doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
    },
    snsTopic: {
        type: "aws:sns/topic:Topic", field: "name", min: 1, max: 256, chars: /[\w-]/, pattern: /^[\w-]+$/,
        doc: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
    },
    notificationRule: modelled("codestar-notifications-2019-10-15 CreateNotificationRuleRequest", "Name", {
        type: "aws:codestarnotifications/notificationRule:NotificationRule", field: "name", chars: /[\w -]/,
        doc: "https://docs.aws.amazon.com/codestar-notifications/latest/APIReference/API_CreateNotificationRule.html",
    }),
    chatbotConfiguration: modelled("chatbot-2017-10-11 CreateSlackChannelConfigurationRequest", "ConfigurationName", {
        type: "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", field: "configurationName",
        chars: /[\w-]/,
        doc: "https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateSlackChannelConfiguration.html",
    }),
    iamPolicy: modelled("iam-2010-05-08 CreatePolicyRequest", "PolicyName", {
        type: "aws:iam/policy:Policy", field: "name", chars: /[\w+=,.@-]/,
        doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html",
    }),
    cloudwatchAlarm: modelled("cloudwatch-2010-08-01 PutMetricAlarmInput", "AlarmName", {
        type: "aws:cloudwatch/metricAlarm:MetricAlarm", field: "name", chars: /[\x20-\x7e]/, pattern: /^[\x20-\x7e]+$/,
        doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
    }),
    securityGroup: {
        type: "aws:ec2/securityGroup:SecurityGroup", field: "name", min: 1, max: 255, chars: /[\w .:\/()#,@\[\]+=&;{}!$*-]/,
        pattern: /^(?!sg-)[\w .:\/()#,@\[\]+=&;{}!$*-]+$/,
        doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
    },
} satisfies Record<string, NameLimit>;

/**
 * The notification topic's name when AWS Chatbot subscribes to it: its ARN's resource part must
 * start with a letter or a digit (Chatbot's model, CreateSlackChannelConfigurationRequest's
 * SnsTopicArns: `...:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$`), which SNS alone does not require.
 */
export const CHATBOT_TOPIC: NameLimit = {
    ...NAME_LIMITS.snsTopic, pattern: /^[A-Za-z0-9][\w-]*$/,
    doc: "https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateSlackChannelConfiguration.html",
};

/**
 * Resource types the program registers that carry no physical name of their own: a policy or
 * setting attached to a named resource, a key known by its id, a rule of a security group.
 * The property tests fail on a registered type in neither list, so a new type gets its row.
 */
export const UNNAMED_TYPES: string[] = [
    "aws:kms/key:Key",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "aws:sns/topicPolicy:TopicPolicy",
    // An address's subscription: named by the topic and the address.
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:lb/listener:Listener",
    "aws:ec2/flowLog:FlowLog",
    // It adopts the VPC's own default group, which AWS names "default".
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
];

/** Why a name breaks a limit, or undefined when AWS accepts it. */
export function nameProblem(name: unknown, limit: NameLimit): string | undefined {
    if (typeof name !== "string") {
        return `expected a name in ${limit.field}, found ${JSON.stringify(name)}`;
    }
    if (name.length < limit.min || name.length > limit.max) {
        return `${JSON.stringify(name)} has ${name.length} characters; ${limit.type} ${limit.field} takes ${limit.min} to ${limit.max} (${limit.doc})`;
    }
    if (!limit.pattern.test(name)) {
        return `${JSON.stringify(name)} does not match ${limit.pattern} for ${limit.type} ${limit.field} (${limit.doc})`;
    }
    return undefined;
}
