import { Resource } from "../../offline/engine/engine";
import { StackConfig } from "../../stacks/config/stackConfig";
import { stackNames } from "../../stacks/names";

export type Side = "pipeline" | "target";

/**
 * Where each resource belongs, written down here and not derived from the program: a
 * resource that moves to the other side, or a new type nobody placed, fails the test.
 * Roles, their policies and log groups live on both sides: the pipeline's are named below.
 */
const EXPECTED_SIDE: Record<string, Side> = {
    "cross-account-pipeline:artifacts:CrossAccountArtifactStore": "pipeline",
    "cross-account-pipeline:pipeline:CrossAccountPipeline": "pipeline",
    "cross-account-pipeline:deploy:ProdDeployRole": "target",
    "aws:kms/key:Key": "pipeline",
    "aws:kms/alias:Alias": "pipeline",
    "aws:codecommit/repository:Repository": "pipeline",
    "cross-account-pipeline:source:SourceConnection": "pipeline",
    "aws:codeconnections/connection:Connection": "pipeline",
    "aws:codeconnections/host:Host": "pipeline",
    "aws:codebuild/project:Project": "pipeline",
    "aws:codepipeline/pipeline:Pipeline": "pipeline",
    "aws:cloudwatch/eventRule:EventRule": "pipeline",
    "aws:cloudwatch/eventTarget:EventTarget": "pipeline",
    "cross-account-pipeline:images:ImageRepository": "pipeline",
    "aws:ecr/repository:Repository": "pipeline",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "pipeline",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "pipeline",
    "cross-account-pipeline:target:EcsBlueGreenTarget": "target",
    "awsx:ec2:Vpc": "target",
    "aws:ec2/securityGroup:SecurityGroup": "target",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "target",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "target",
    "aws:lb/loadBalancer:LoadBalancer": "target",
    "aws:lb/listener:Listener": "target",
    "aws:lb/targetGroup:TargetGroup": "target",
    "aws:ecs/cluster:Cluster": "target",
    "aws:ecs/service:Service": "target",
    "aws:ecs/taskDefinition:TaskDefinition": "target",
    "aws:codedeploy/application:Application": "target",
    "aws:codedeploy/deploymentGroup:DeploymentGroup": "target",
    "aws:ec2/flowLog:FlowLog": "target",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "target",
    "cross-account-pipeline:notifications:PipelineNotifications": "pipeline",
    "aws:sns/topic:Topic": "pipeline",
    "aws:sns/topicPolicy:TopicPolicy": "pipeline",
    "aws:sns/topicSubscription:TopicSubscription": "pipeline",
    "aws:codestarnotifications/notificationRule:NotificationRule": "pipeline",
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": "pipeline",
    "aws:iam/policy:Policy": "pipeline",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "target",
};
/**
 * The types on both sides, and the logical names of the pipeline's; every other one of them is a
 * target's. Buckets and their guards: the artifact stores' are the pipeline account's, a target's
 * network log bucket is its own.
 */
const BOTH_SIDES = ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:cloudwatch/logGroup:LogGroup",
    ...["bucket:Bucket", "bucketOwnershipControls:BucketOwnershipControls", "bucketPublicAccessBlock:BucketPublicAccessBlock",
        "bucketVersioning:BucketVersioning", "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucketPolicy:BucketPolicy"].map(type => `aws:s3/${type}`)];
const PIPELINE_NAMES = new RegExp("^pipeline-(pipeline|build|source-events)(-permissions)?$|^pipeline-build-logs$|^notifications-chatbot$|" +
    "^artifacts(-[a-z]+(-[a-z]+)+-\\d+)?-(bucket|ownership|public-access|versioning|encryption|lifecycle|policy)$");

export function expectedSide(r: Resource): Side | undefined {
    return EXPECTED_SIDE[r.type] ?? (BOTH_SIDES.includes(r.type) ? (PIPELINE_NAMES.test(r.name) ? "pipeline" : "target") : undefined);
}

/**
 * The account and region a resource belongs in: the pipeline's (a regional artifact store in its
 * region, by its logical name `artifacts-<region>`; a Slack channel's configuration in its region), or the account and region of the target whose
 * components (`target`/`deploy` for legacy names, `<name>-target`/`<name>-deploy`) it belongs to.
 */
export function expectedPlacement(r: Resource, config: StackConfig): { account: string; region: string } | undefined {
    const side = expectedSide(r);
    if (side === "pipeline") {
        const store = /^artifacts-([a-z]+(?:-[a-z]+)+-\d+)(?:-|$)/.exec(r.name);
        // A Slack channel's configuration is made where AWS Chatbot's API runs.
        const chatbot = r.type === "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration" ? config.notifications?.slack?.region : undefined;
        return { account: config.pipelineAccount.accountId, region: chatbot ?? store?.[1] ?? config.region };
    }
    // The longest logical name that starts the resource's: `target-...` is the legacy target's, `prod-target-...` prod's;
    // or its parent's (a load balancer or target group whose name was fitted to its auto-name starts otherwise).
    const parent = r.parent?.split("::").pop();
    const owners = stackNames(config).targets.flatMap((names, i) => Object.values(names.logical)
        .filter(l => r.name === l || r.name.startsWith(`${l}-`) || parent === l).map(l => ({ length: l.length, target: config.targets[i] })));
    const owner = owners.sort((a, b) => b.length - a.length)[0]?.target;
    return side && owner && { account: owner.account.accountId, region: owner.region };
}
