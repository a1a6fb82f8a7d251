// AWS's limits on physical names: one row per name the program sets or lets Pulumi generate,
// each with the AWS reference that states it. The program fits the names it derives to these
// rows (stacks/names.ts); the property tests check every registered name against them. A new
// resource type with a physical name gets a row here; one without a name goes in UNNAMED_TYPES.

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
}

const json = (text: unknown) => (typeof text === "string" ? JSON.parse(text) : text) ?? [];

export const NAME_LIMITS = {
    iamRole: {
        type: "aws:iam/role:Role", field: "name", min: 1, max: 64, chars: /[\w+=,.@-]/, pattern: /^[\w+=,.@-]+$/,
        doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
    },
    iamRolePolicy: {
        type: "aws:iam/rolePolicy:RolePolicy", field: "name", min: 1, max: 128, chars: /[\w+=,.@-]/, pattern: /^[\w+=,.@-]+$/,
        doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
    },
    roleSession: {
        type: "pulumi:providers:aws", field: "assumeRoles[].sessionName", min: 2, max: 64, chars: /[\w+=,.@-]/, pattern: /^[\w+=,.@-]+$/,
        read: state => json(state.assumeRoles).map((r: { sessionName?: string }) => r.sessionName),
        doc: "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html",
    },
    kmsAlias: {
        type: "aws:kms/alias:Alias", field: "name", min: 1, max: 256, chars: /[A-Za-z0-9\/_-]/, pattern: /^alias\/(?!aws\/)[A-Za-z0-9\/_-]+$/,
        doc: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
    },
    s3Bucket: {
        type: "aws:s3/bucket:Bucket", field: "bucket", min: 3, max: 63, chars: /[a-z0-9.-]/, lowercase: true,
        pattern: /^(?!xn--|sthree-|amzn-s3-demo-)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]*[a-z0-9]$(?<!-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)/,
        doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    },
    codecommitRepository: {
        type: "aws:codecommit/repository:Repository", field: "repositoryName", min: 1, max: 100, chars: /[\w.-]/, pattern: /^(?!\.git$)[\w.-]+$/,
        doc: "https://docs.aws.amazon.com/codecommit/latest/APIReference/API_CreateRepository.html",
    },
    codebuildProject: {
        type: "aws:codebuild/project:Project", field: "name", min: 2, max: 150, chars: /[A-Za-z0-9_-]/, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]+$/,
        doc: "https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html",
    },
    codepipeline: {
        type: "aws:codepipeline/pipeline:Pipeline", field: "name", min: 1, max: 100, chars: /[A-Za-z0-9.@_-]/, pattern: /^[A-Za-z0-9.@_-]+$/,
        doc: "https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineDeclaration.html",
    },
    logGroup: {
        type: "aws:cloudwatch/logGroup:LogGroup", field: "name", min: 1, max: 512, chars: /[\w.\/#-]/, pattern: /^[\w.\/#-]+$/,
        doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
    },
    eventRule: {
        type: "aws:cloudwatch/eventRule:EventRule", field: "name", min: 1, max: 64, chars: /[\w.-]/, pattern: /^[\w.-]+$/,
        doc: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html",
    },
    eventTarget: {
        type: "aws:cloudwatch/eventTarget:EventTarget", field: "targetId", min: 1, max: 64, chars: /[\w.-]/, pattern: /^[\w.-]+$/,
        doc: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html",
    },
    ecrRepository: {
        type: "aws:ecr/repository:Repository", field: "name", min: 2, max: 256, chars: /[a-z0-9._\/-]/, lowercase: true,
        pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
        doc: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
    },
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
    codedeployApplication: {
        type: "aws:codedeploy/application:Application", field: "name", min: 1, max: 100, chars: /./, pattern: /^.+$/,
        doc: "https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateApplication.html",
    },
    codedeployGroup: {
        type: "aws:codedeploy/deploymentGroup:DeploymentGroup", field: "deploymentGroupName", min: 1, max: 100, chars: /./, pattern: /^.+$/,
        doc: "https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html",
    },
    codeconnectionsConnection: {
        type: "aws:codeconnections/connection:Connection", field: "name", min: 1, max: 32, chars: /./, pattern: /^.+$/,
        doc: "https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_CreateConnection.html",
    },
    codeconnectionsHost: {
        type: "aws:codeconnections/host:Host", field: "name", min: 1, max: 64, chars: /./, pattern: /^.+$/,
        doc: "https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_CreateHost.html",
    },
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
    notificationRule: {
        type: "aws:codestarnotifications/notificationRule:NotificationRule", field: "name", min: 1, max: 64, chars: /[\w -]/,
        pattern: /^[\w -]+$/,
        doc: "https://docs.aws.amazon.com/codestar-notifications/latest/APIReference/API_CreateNotificationRule.html",
    },
    chatbotConfiguration: {
        type: "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", field: "configurationName", min: 1, max: 128,
        chars: /[\w-]/, pattern: /^[\w-]+$/,
        doc: "https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateSlackChannelConfiguration.html",
    },
    iamPolicy: {
        type: "aws:iam/policy:Policy", field: "name", min: 1, max: 128, chars: /[\w+=,.@-]/, pattern: /^[\w+=,.@-]+$/,
        doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html",
    },
    cloudwatchAlarm: {
        type: "aws:cloudwatch/metricAlarm:MetricAlarm", field: "name", min: 1, max: 255, chars: /[\x20-\x7e]/, pattern: /^[\x20-\x7e]+$/,
        doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
    },
    securityGroup: {
        type: "aws:ec2/securityGroup:SecurityGroup", field: "name", min: 1, max: 255, chars: /[\w .:\/()#,@\[\]+=&;{}!$*-]/,
        pattern: /^(?!sg-)[\w .:\/()#,@\[\]+=&;{}!$*-]+$/,
        doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
    },
} satisfies Record<string, NameLimit>;

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
