import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { Evaluation, Resource } from "../offline/engine/engine";
import { all, evaluated, evaluateWith, key, one, planted } from "./support/stacks";

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
    for (const r of e.resources.filter(r => r.custom)) {
        assert.ok(r.id, `${r.type} ${r.name} has an id`);
    }
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

    it("a subscription is pending as SNS's Subscribe says: HTTP/S and email endpoints, and any of another account", async () => {
        const topic = "arn:aws:sns:eu-west-1:121212121212:topic";
        const endpoints: [string, string][] = [["email", "a@example.com"], ["email-json", "b@example.com"], ["https", "https://hooks.example.com/sns"],
            ["http", "http://hooks.example.com/sns"], ["sqs", "arn:aws:sqs:eu-west-1:121212121212:queue"],
            ["sqs", "arn:aws:sqs:eu-west-1:343434343434:queue"], ["lambda", "arn:aws:lambda:eu-west-1:121212121212:function:f"], ["sms", "+15555550100"]];
        const e = await planted(provider => endpoints.forEach(([protocol, endpoint], i) =>
            new aws.sns.TopicSubscription(`s${i}`, { topic, protocol, endpoint }, { provider })));
        assert.deepEqual(all(e, "aws:sns/topicSubscription:TopicSubscription").map(s => [s.inputs.protocol, s.state.pendingConfirmation]),
            [["email", true], ["email-json", true], ["https", true], ["http", true], ["sqs", false], ["sqs", true], ["lambda", false], ["sms", false]]);
    });

    it("a key's id is the UUID its ARN ends with", async () => {
        for (const key of (await evaluated("prod")).resources.filter(r => r.type === "aws:kms/key:Key")) {
            assert.equal(key.state.arn.split("/").pop(), key.id);
            assert.equal(key.state.keyId, key.id);
        }
    });
});

// AWS never gives two resources of one type the same id or ARN; the mocks seed each from what
// tells the two apart (account, name, parent), so an id a report or policy names is one resource.
describe("the offline mocks give two resources of one type two ids", () => {
    const twice = (make: (name: string) => void) => { make("one"); make("two"); };

    it("for every type whose id or ARN the mocks make up", async () => {
        const e = await planted(provider => {
            const opts = { provider };
            twice(n => new aws.kms.Key(n, {}, opts));
            twice(n => new aws.codeconnections.Connection(n, { name: n, providerType: "GitHub" }, opts));
            twice(n => new aws.codeconnections.Host(n, { name: n, providerEndpoint: "https://github.example.com", providerType: "GitHubEnterpriseServer" }, opts));
            twice(n => new aws.cloudwatch.EventTarget(n, { rule: "rule", targetId: n, arn: "arn:aws:sns:eu-west-1:121212121212:topic" }, opts));
            twice(n => new aws.iam.RolePolicy(n, { name: n, role: "role", policy: "{}" }, opts));
            twice(n => new aws.ec2.SecurityGroup(n, { name: n, vpcId: "vpc-1" }, opts));
            twice(n => new aws.ec2.DefaultSecurityGroup(n, { vpcId: `vpc-${n}` }, opts));
            twice(n => new aws.ec2.FlowLog(n, { vpcId: "vpc-1", trafficType: "ALL", logDestinationType: "s3", logDestination: "arn:aws:s3:::logs" }, opts));
            twice(n => new aws.vpc.SecurityGroupIngressRule(n, { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/16" }, opts));
            twice(n => new aws.vpc.SecurityGroupEgressRule(n, { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/16" }, opts));
            twice(n => new aws.lb.Listener(n, { loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-1:121212121212:loadbalancer/app/lb/0123456789abcdef", port: n === "one" ? 80 : 81, protocol: "HTTP", defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "200" } }] }, opts));
            twice(n => new aws.codestarnotifications.NotificationRule(n, { name: n, resource: "arn:aws:codepipeline:eu-west-1:121212121212:p", detailType: "BASIC", eventTypeIds: ["codepipeline-pipeline-pipeline-execution-failed"], targets: [{ address: "arn:aws:sns:eu-west-1:121212121212:topic" }] }, opts));
            twice(n => new aws.sns.TopicSubscription(n, { topic: "arn:aws:sns:eu-west-1:121212121212:topic", protocol: "email", endpoint: `${n}@example.com` }, opts));
            twice(n => new aws.codedeploy.DeploymentGroup(n, { appName: "app", deploymentGroupName: n, serviceRoleArn: "arn:aws:iam::121212121212:role/r" }, opts));
            twice(n => new awsx.ec2.Vpc(n, { numberOfAvailabilityZones: 2 }, { provider }));
            new awsx.ec2.Vpc("public-only", { numberOfAvailabilityZones: 2, subnetSpecs: [{ type: "Public" }] }, { provider });
        });
        assert.ifError(e.error);
        const seen = new Map<string, Set<string>>();
        for (const r of e.resources.filter(r => r.name === "one" || r.name === "two")) {
            // An ARN that is an input (an event target's) is not the resource's own.
            const values = r.type === "awsx:ec2:Vpc" ? [r.state.vpcId, ...r.state.publicSubnetIds, ...r.state.privateSubnetIds]
                : [r.id, r.inputs.arn === undefined ? r.state.arn : undefined].filter(v => v);
            assert.ok(r.type.startsWith("awsx:") || r.id, `${r.type} ${r.name} has an id`);
            const own = seen.get(r.type) ?? new Set<string>();
            for (const v of new Set(values)) {
                assert.ok(!own.has(v), `${r.type} ${r.name}: ${v} is another's too`);
                own.add(v);
            }
            seen.set(r.type, own);
        }
        assert.equal(seen.size, 15);
        // Without subnetSpecs, awsx makes a public and a private subnet in each zone; with public ones only, no private subnet.
        assert.equal(seen.get("awsx:ec2:Vpc")!.size, 2 * (1 + 2 + 2));
        assert.deepEqual(one(e, "awsx:ec2:Vpc", "public-only").state.privateSubnetIds, []);
    });
});
