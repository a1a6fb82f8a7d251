import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { Evaluation, Resource } from "../offline/engine/engine";
import { evaluated, evaluateWith, key, one, planted } from "./support/stacks";

// The offline mocks answer every resource with the ids and ARNs AWS gives it, so that a policy,
// an alarm or a report built from them is built from what it would read in AWS. The forms are
// those of the Service Authorization Reference's resource types (docs.aws.amazon.com/service-authorization/
// latest/reference/), and of each API's documented output where the id is no ARN.
const HEX = (n: number) => `[0-9a-f]{${n}}`;
const UUID = `${HEX(8)}-${HEX(4)}-${HEX(4)}-${HEX(4)}-${HEX(12)}`;
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** What each type's `arn` (or, where noted, `id`) must look like, given its account, region and physical name. */
const FORMS: Record<string, (r: Resource, at: string, name: string) => Record<string, string>> = {
    "aws:kms/key:Key": (_, at) => ({ arn: `arn:aws:kms:${at}:key/(${UUID})`, id: UUID, keyId: UUID }),
    "aws:kms/alias:Alias": (_, at, name) => ({ arn: `arn:aws:kms:${at}:${name}` }),
    "aws:s3/bucket:Bucket": (_, __, name) => ({ arn: `arn:aws:s3:::${name}`, id: name }),
    "aws:iam/role:Role": r => ({ arn: `arn:aws:iam::${r.account}:role/${esc(r.state.name)}` }),
    "aws:iam/policy:Policy": r => ({ arn: `arn:aws:iam::${r.account}:policy/${esc(r.state.name)}` }),
    "aws:codecommit/repository:Repository": (r, at, name) => ({ arn: `arn:aws:codecommit:${at}:${name}`,
        cloneUrlHttp: `https://git-codecommit\\.${r.region}\\.amazonaws\\.com/v1/repos/${name}` }),
    "aws:codeconnections/connection:Connection": (_, at) => ({ arn: `arn:aws:codeconnections:${at}:connection/${UUID}` }),
    "aws:codeconnections/host:Host": (_, at, name) => ({ arn: `arn:aws:codeconnections:${at}:host/${name}-${HEX(8)}` }),
    "aws:codebuild/project:Project": (_, at, name) => ({ arn: `arn:aws:codebuild:${at}:project/${name}` }),
    "aws:cloudwatch/logGroup:LogGroup": (_, at, name) => ({ arn: `arn:aws:logs:${at}:log-group:${name}` }),
    "aws:codepipeline/pipeline:Pipeline": (_, at, name) => ({ arn: `arn:aws:codepipeline:${at}:${name}` }),
    "aws:cloudwatch/eventRule:EventRule": (_, at, name) => ({ arn: `arn:aws:events:${at}:rule/${name}` }),
    "aws:ecr/repository:Repository": (r, at, name) => ({ arn: `arn:aws:ecr:${at}:repository/${name}`,
        repositoryUrl: `${r.account}\\.dkr\\.ecr\\.${r.region}\\.amazonaws\\.com/${name}` }),
    "aws:ec2/securityGroup:SecurityGroup": (_, at) => ({ arn: `arn:aws:ec2:${at}:security-group/sg-${HEX(17)}`, id: `sg-${HEX(17)}` }),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (_, at) => ({ arn: `arn:aws:ec2:${at}:security-group/sg-${HEX(17)}` }),
    "aws:ec2/flowLog:FlowLog": (_, at) => ({ arn: `arn:aws:ec2:${at}:vpc-flow-log/fl-${HEX(17)}`, id: `fl-${HEX(17)}` }),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (_, at) => ({ arn: `arn:aws:ec2:${at}:security-group-rule/sgr-${HEX(17)}` }),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (_, at) => ({ arn: `arn:aws:ec2:${at}:security-group-rule/sgr-${HEX(17)}` }),
    // ELBv2's model (aws/api-models-aws): my-load-balancer-424835706.us-west-2.elb.amazonaws.com.
    "aws:lb/loadBalancer:LoadBalancer": (r, at, name) => ({ arn: `arn:aws:elasticloadbalancing:${at}:loadbalancer/app/${name}/${HEX(16)}`,
        arnSuffix: `app/${name}/${HEX(16)}`, dnsName: `${name}-\\d+\\.${r.region}\\.elb\\.amazonaws\\.com` }),
    "aws:lb/targetGroup:TargetGroup": (_, at, name) => ({ arn: `arn:aws:elasticloadbalancing:${at}:targetgroup/${name}/${HEX(16)}`,
        arnSuffix: `targetgroup/${name}/${HEX(16)}` }),
    "aws:lb/listener:Listener": (_, at) => ({ arn: `arn:aws:elasticloadbalancing:${at}:listener/app/[\\w-]+/${HEX(16)}/${HEX(16)}` }),
    "aws:ecs/cluster:Cluster": (_, at, name) => ({ arn: `arn:aws:ecs:${at}:cluster/${name}` }),
    "aws:ecs/service:Service": (r, at, name) => ({ arn: `arn:aws:ecs:${at}:service/${String(r.inputs.cluster).split("/").pop()}/${name}` }),
    "aws:ecs/taskDefinition:TaskDefinition": (r, at) => ({ arn: `arn:aws:ecs:${at}:task-definition/${r.inputs.family}:1` }),
    "aws:codedeploy/application:Application": (_, at, name) => ({ arn: `arn:aws:codedeploy:${at}:application:${name}` }),
    "aws:codedeploy/deploymentGroup:DeploymentGroup": (r, at) => ({
        arn: `arn:aws:codedeploy:${at}:deploymentgroup:${r.inputs.appName}/${r.inputs.deploymentGroupName}`, id: UUID }),
    "aws:sns/topic:Topic": (_, at, name) => ({ arn: `arn:aws:sns:${at}:${name}` }),
    "aws:sns/topicSubscription:TopicSubscription": (r) => ({ arn: `${esc(r.inputs.topic)}:${UUID}` }),
    "aws:codestarnotifications/notificationRule:NotificationRule": (_, at) => ({ arn: `arn:aws:codestar-notifications:${at}:notificationrule/${HEX(40)}` }),
    // Chatbot's configurations are global: no region in the ARN.
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": (r, _, name) =>
        ({ chatConfigurationArn: `arn:aws:chatbot::${r.account}:chat-configuration/slack-channel/${name}` }),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (_, at, name) => ({ arn: `arn:aws:cloudwatch:${at}:alarm:${name}` }),
};

/** The physical name a resource got: the program's, or Pulumi's auto-name. */
const physicalName = (r: Resource): string => r.inputs.name ?? r.inputs.bucket ?? r.inputs.configurationName ?? r.state.name ?? r.state.bucket ?? r.id;

function checkForms(e: Evaluation, seen: Set<string>) {
    for (const r of e.resources.filter(r => r.type in FORMS)) {
        seen.add(r.type);
        const forms = FORMS[r.type](r, `${r.region}:${r.account}`, esc(physicalName(r)));
        for (const [field, form] of Object.entries(forms)) {
            const value = field === "id" ? r.id : r.state[field];
            assert.match(String(value), new RegExp(`^${form}$`), `${r.type} ${r.name} ${field}`);
        }
    }
}

describe("the offline mocks answer with AWS's forms of ids and ARNs", () => {
    it("every resource type the example stacks and a source through a GitHub Enterprise Server host make", async () => {
        const seen = new Set<string>();
        for (const stack of ["dev", "prod", "path"]) checkForms(await evaluated(stack), seen);
        const ghes = await evaluateWith("prod", c => {
            c[key("source")] = { provider: "GitHubEnterpriseServer", repository: "platform/my-service", host: { endpoint: "https://github.example.com" } };
        });
        assert.ifError(ghes.error);
        checkForms(ghes, seen);
        assert.deepEqual(Object.keys(FORMS).filter(type => !seen.has(type)), []);
    });

    it("an internal load balancer's DNS name starts with internal-, as ELB gives it", async () => {
        const e = await planted(provider =>
            new aws.lb.LoadBalancer("inside", { name: "inside", internal: true, subnets: ["subnet-1", "subnet-2"] }, { provider }));
        assert.match(one(e, "aws:lb/loadBalancer:LoadBalancer").state.dnsName, /^internal-inside-\d+\.eu-west-1\.elb\.amazonaws\.com$/);
    });

    it("a key's id is the UUID its ARN ends with", async () => {
        for (const key of (await evaluated("prod")).resources.filter(r => r.type === "aws:kms/key:Key")) {
            assert.equal(key.state.arn.split("/").pop(), key.id);
            assert.equal(key.state.keyId, key.id);
        }
    });
});
