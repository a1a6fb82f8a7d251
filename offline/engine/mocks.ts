import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { dnsSuffixOf, partitionOf } from "../../components/policies/document";
import { arnAccount } from "../../stacks/config/values";
import { AUTO_NAME_RANDOM, NAME_LIMITS } from "../../stacks/nameLimits";

/** Where a resource lands: the account and region of its provider. */
export interface Placement {
    account: string;
    region: string;
}

/** What a request (a registration or an invoke) is answered from. */
interface Request extends Placement {
    partition: string;
    /** The domain of the region's endpoints: amazonaws.com, amazonaws.com.cn in China. */
    dnsSuffix: string;
    inputs: Record<string, any>;
}

interface Context extends Request {
    /** The physical name: the one the program set, else a Pulumi-style auto-name. */
    physicalName: string;
}

type Outputs = (c: Context) => { id: string; state?: Record<string, unknown> };

/**
 * The name Pulumi gives a resource the program does not name: its logical name, `-` and 7 random
 * hex characters (here stable). Where the type's name has a maximum length (load balancers and
 * target groups: 32), pulumi-aws refuses a logical name too long for it, at preview already: its
 * bridge's ComputeAutoNameDefault cuts nothing (Pulumi's resource.NewUniqueName fails instead).
 */
function autoName(type: string, logical: string): string {
    const max = Object.values(NAME_LIMITS).find(l => l.type === type && (l.field === "name" || l.field === "bucket"))?.max ?? Infinity;
    const prefix = `${LOWERCASED.includes(type) ? logical.toLowerCase() : logical}-`;
    if (prefix.length + AUTO_NAME_RANDOM > max) {
        throw new Error(`could not make instance of '${type}': name '${prefix}' plus ${AUTO_NAME_RANDOM} random chars is longer than maximum length ${max}`);
    }
    return `${prefix}${fakeId(logical, AUTO_NAME_RANDOM)}`;
}

/** Types whose auto-name pulumi-aws lowercases (its bucket's AutoNameTransform: S3 takes no capitals). */
const LOWERCASED = ["aws:s3/bucket:Bucket"];

/** A stable fake id: the same program gives the same ids, run after run. */
function fakeId(seed: string, length = 8): string {
    return crypto.createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function uuid(seed: string): string {
    const h = fakeId(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const partitionAndDomain = (region: string) => ({ partition: partitionOf(region), dnsSuffix: dnsSuffixOf(region) });

const arn = (c: Request, service: string, resource: string, global = false) =>
    `arn:${c.partition}:${service}:${global ? "" : c.region}:${c.account}:${resource}`;
const byName = (state: (c: Context) => Record<string, unknown>): Outputs => c => ({ id: c.physicalName, state: state(c) });
const onBucket: Outputs = c => ({ id: c.inputs.bucket });
const onRepository: Outputs = c => ({ id: c.inputs.repository });

/**
 * Computed outputs of every resource type the program uses, as AWS would shape them, with
 * the owning account and region in each ARN so tests can tell the accounts apart. A type
 * missing here fails the run: a new resource must get realistic outputs, not silence. Only
 * the outputs the program or a report reads are here: one nobody reads is code no test can check.
 */
const OUTPUTS: Record<string, Outputs> = {
    "aws:kms/key:Key": c => {
        const keyId = uuid(`${c.account}/${c.physicalName}`);
        return { id: keyId, state: { keyId, arn: arn(c, "kms", `key/${keyId}`) } };
    },
    "aws:kms/alias:Alias": byName(c => ({ arn: arn(c, "kms", c.physicalName) })),
    "aws:s3/bucket:Bucket": c => ({ id: c.physicalName, state: { bucket: c.physicalName, arn: `arn:${c.partition}:s3:::${c.physicalName}` } }),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": onBucket,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": onBucket,
    "aws:s3/bucketVersioning:BucketVersioning": onBucket,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": onBucket,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": onBucket,
    "aws:s3/bucketPolicy:BucketPolicy": onBucket,
    "aws:iam/role:Role": byName(c => ({ name: c.physicalName, arn: arn(c, "iam", `role/${c.physicalName}`, true) })),
    "aws:iam/rolePolicy:RolePolicy": c => ({ id: `${c.inputs.role}:${c.physicalName}`, state: { name: c.physicalName } }),
    "aws:codecommit/repository:Repository": c => ({ id: c.inputs.repositoryName, state: repository(c, c.inputs.repositoryName) }),
    // Connections and hosts start PENDING: AWS creates them without the provider's credentials.
    "aws:codeconnections/connection:Connection": c => {
        const connectionArn = arn(c, "codeconnections", `connection/${uuid(`${c.account}/${c.physicalName}`)}`);
        return { id: connectionArn, state: { arn: connectionArn, name: c.physicalName, connectionStatus: "PENDING" } };
    },
    "aws:codeconnections/host:Host": c => {
        const hostArn = arn(c, "codeconnections", `host/${c.physicalName}-${fakeId(c.account + c.physicalName)}`);
        return { id: hostArn, state: { arn: hostArn, name: c.physicalName } };
    },
    "aws:codebuild/project:Project": byName(c => ({ name: c.physicalName, arn: arn(c, "codebuild", `project/${c.physicalName}`) })),
    "aws:cloudwatch/logGroup:LogGroup": byName(c => ({ name: c.physicalName, arn: arn(c, "logs", `log-group:${c.physicalName}`) })),
    "aws:codepipeline/pipeline:Pipeline": byName(c => ({ name: c.physicalName, arn: arn(c, "codepipeline", c.physicalName) })),
    "aws:cloudwatch/eventRule:EventRule": byName(c => ({ name: c.physicalName, arn: arn(c, "events", `rule/${c.physicalName}`) })),
    "aws:cloudwatch/eventTarget:EventTarget": c => ({ id: `${c.inputs.rule}-${c.physicalName}`, state: { targetId: c.physicalName } }),
    "aws:ecr/repository:Repository": byName(c => ({
        name: c.physicalName, arn: arn(c, "ecr", `repository/${c.physicalName}`),
        repositoryUrl: `${c.account}.dkr.ecr.${c.region}.${c.dnsSuffix}/${c.physicalName}`,
    })),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": onRepository,
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": onRepository,
    "aws:ec2/securityGroup:SecurityGroup": c => {
        const id = `sg-${fakeId(c.account + c.physicalName, 17)}`;
        return { id, state: { arn: arn(c, "ec2", `security-group/${id}`), name: c.physicalName } };
    },
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": c => {
        const id = `sg-${fakeId(`${c.account}/${c.inputs.vpcId}/default`, 17)}`;
        return { id, state: { arn: arn(c, "ec2", `security-group/${id}`) } };
    },
    "aws:ec2/flowLog:FlowLog": c => {
        const id = `fl-${fakeId(c.account + c.physicalName, 17)}`;
        return { id, state: { arn: arn(c, "ec2", `vpc-flow-log/${id}`) } };
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": securityGroupRule,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": securityGroupRule,
    "aws:lb/loadBalancer:LoadBalancer": c => {
        const arnSuffix = `app/${c.physicalName}/${fakeId(c.account + c.physicalName, 16)}`;
        const lbArn = arn(c, "elasticloadbalancing", `loadbalancer/${arnSuffix}`);
        return {
            id: lbArn,
            state: {
                arn: lbArn, arnSuffix, name: c.physicalName,
                dnsName: loadBalancerDnsName(c, lbArn),
            },
        };
    },
    "aws:lb/targetGroup:TargetGroup": c => {
        const arnSuffix = `targetgroup/${c.physicalName}/${fakeId(c.account + c.physicalName, 16)}`;
        const tgArn = arn(c, "elasticloadbalancing", arnSuffix);
        return { id: tgArn, state: { arn: tgArn, arnSuffix, name: c.physicalName } };
    },
    // A listener's ARN extends its load balancer's: listener/app/<lb name>/<lb id>/<listener id>.
    "aws:lb/listener:Listener": c => {
        const listenerArn = `${String(c.inputs.loadBalancerArn).replace(":loadbalancer/", ":listener/")}/${fakeId(c.physicalName, 16)}`;
        return { id: listenerArn, state: { arn: listenerArn } };
    },
    "aws:ecs/cluster:Cluster": c => {
        const clusterArn = arn(c, "ecs", `cluster/${c.physicalName}`);
        return { id: clusterArn, state: { arn: clusterArn, name: c.physicalName } };
    },
    "aws:ecs/service:Service": c => {
        const cluster = String(c.inputs.cluster).split("/").pop();
        const serviceArn = arn(c, "ecs", `service/${cluster}/${c.physicalName}`);
        return { id: serviceArn, state: { arn: serviceArn, name: c.physicalName } };
    },
    "aws:ecs/taskDefinition:TaskDefinition": c => ({
        id: c.physicalName, state: { arn: arn(c, "ecs", `task-definition/${c.physicalName}:1`) },
    }),
    "aws:codedeploy/application:Application": byName(c => ({ name: c.physicalName, arn: arn(c, "codedeploy", `application:${c.physicalName}`) })),
    "aws:sns/topic:Topic": c => {
        const topicArn = arn(c, "sns", c.physicalName);
        return { id: topicArn, state: { arn: topicArn, name: c.physicalName } };
    },
    "aws:sns/topicPolicy:TopicPolicy": c => ({ id: c.inputs.arn }),
    "aws:sns/topicSubscription:TopicSubscription": c => {
        const subscriptionArn = `${c.inputs.topic}:${uuid(`${c.inputs.topic}/${c.inputs.endpoint}`)}`;
        return { id: subscriptionArn, state: { arn: subscriptionArn, pendingConfirmation: pendingConfirmation(c.inputs) } };
    },
    "aws:codestarnotifications/notificationRule:NotificationRule": c => {
        const ruleArn = arn(c, "codestar-notifications", `notificationrule/${fakeId(c.account + c.physicalName, 40)}`);
        return { id: ruleArn, state: { arn: ruleArn } };
    },
    "aws:iam/policy:Policy": byName(c => ({ name: c.physicalName, arn: arn(c, "iam", `policy/${c.physicalName}`, true) })),
    // Chatbot's configurations are global: their ARNs name no region.
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": c => {
        const configurationArn = arn(c, "chatbot", `chat-configuration/slack-channel/${c.inputs.configurationName}`, true);
        return { id: configurationArn, state: { chatConfigurationArn: configurationArn } };
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": byName(c => ({ name: c.physicalName, arn: arn(c, "cloudwatch", `alarm:${c.physicalName}`) })),
    "aws:codedeploy/deploymentGroup:DeploymentGroup": c => {
        const deploymentGroupId = uuid(`${c.account}/${c.inputs.appName}/${c.physicalName}`);
        return {
            id: deploymentGroupId,
            state: { arn: arn(c, "codedeploy", `deploymentgroup:${c.inputs.appName}/${c.physicalName}`) },
        };
    },
};

/**
 * A load balancer's DNS name as AWS gives it: `[internal-]<name>-<decimal id>.<region>.elb.<domain>`
 * (the examples of CreateLoadBalancer and DescribeLoadBalancers in ELBv2's API model,
 * aws/api-models-aws: `my-load-balancer-424835706.us-west-2.elb.amazonaws.com`).
 */
function loadBalancerDnsName(c: Context, lbArn: string): string {
    const id = parseInt(fakeId(lbArn, 8), 16);
    return `${c.inputs.internal ? "internal-" : ""}${c.physicalName}-${id}.${c.region}.elb.${c.dnsSuffix}`;
}

/**
 * SNS's Subscribe (API Reference): an HTTP/S or email endpoint, or one in another account than the
 * topic's, is pending until its owner confirms it; any other endpoint is subscribed at once.
 */
function pendingConfirmation(inputs: Record<string, any>): boolean {
    // An address, a URL or a phone number has no account field: undefined.
    const endpointAccount = arnAccount(String(inputs.endpoint));
    return ["http", "https", "email", "email-json"].includes(inputs.protocol) ||
        (endpointAccount !== undefined && endpointAccount !== arnAccount(String(inputs.topic)));
}

function securityGroupRule(c: Context) {
    const id = `sgr-${fakeId(c.account + c.physicalName, 17)}`;
    return { id, state: { arn: arn(c, "ec2", `security-group-rule/${id}`) } };
}

/**
 * Outputs of remote components (awsx): under mocks each is one opaque resource without
 * children, so its outputs exist only if the mocks give them. Ids carry no account.
 */
const REMOTE_COMPONENTS: Record<string, (name: string, inputs: Record<string, any>) => Record<string, unknown>> = {
    "awsx:ec2:Vpc": (name, inputs) => {
        const zones = inputs.numberOfAvailabilityZones ?? 3;
        // awsx's default layout, without subnetSpecs, is one public and one private subnet per zone.
        const types: string[] = (inputs.subnetSpecs ?? [{ type: "Public" }, { type: "Private" }]).map((s: { type: string }) => s.type);
        const subnets = (type: string) => types.includes(type)
            ? Array.from({ length: zones }, (_, i) => `subnet-${fakeId(`${name}/${type}/${i}`, 17)}`)
            : [];
        return {
            vpcId: `vpc-${fakeId(name, 17)}`,
            publicSubnetIds: subnets("Public"),
            privateSubnetIds: subnets("Private"),
        };
    },
};

function repository(c: Request, name: string) {
    return {
        repositoryName: name,
        arn: arn(c, "codecommit", name),
        cloneUrlHttp: `https://git-codecommit.${c.region}.${c.dnsSuffix}/v1/repos/${name}`,
    };
}

/** Invokes the program makes, answered for the account of the provider they go through. */
const INVOKES: Record<string, (c: Request) => Record<string, unknown>> = {
    "aws:codecommit/getRepository:getRepository": c => repository(c, c.inputs.repositoryName),
    // An existing alarm a target names: offline, every name is a metric alarm of that account (the program reads only that Cloud Control finds it).
    "aws:cloudcontrol/getResource:getResource": () => ({}),
    // A connection that config names exists already; whether its handshake is done only AWS knows.
    "aws:codestarconnections/getConnection:getConnection": () => ({ connectionStatus: "UNKNOWN OFFLINE" }),
};

/** Where a resource lands whose provider reference names no AWS provider of the evaluation. */
const UNPLACED: Placement = { account: "000000000000", region: "us-east-1" };

/** The package of this program's component type tokens (`cross-account-pipeline:<module>:<Name>`), whatever the project's name. */
const COMPONENT_PACKAGE = "cross-account-pipeline";

/** An AWS provider pins its account and region: the ambient credentials decide neither. */
function awsProviderPlacement(args: pulumi.runtime.MockResourceArgs): Placement {
    const [account] = JSON.parse(args.inputs.allowedAccountIds ?? "[]");
    if (!account || !args.inputs.region) {
        throw new Error(`provider ${args.name} must pin allowedAccountIds and region`);
    }
    return { account, region: args.inputs.region };
}

/** A resource as the mock provider saw it: its inputs, the outputs it got, where it landed. */
export interface MockedResource extends Partial<Placement> {
    type: string;
    name: string;
    inputs: Record<string, any>;
    state: Record<string, any>;
}

export interface MockedInvoke extends Placement {
    token: string;
    inputs: Record<string, any>;
}

/**
 * Mocks that place every resource in the account of its provider: the account comes from the
 * provider's `allowedAccountIds`, never from its name. A custom resource without a provider
 * fails, as it would with the default AWS provider disabled.
 */
export class AccountMocks implements pulumi.runtime.Mocks {
    readonly resources: MockedResource[] = [];
    readonly invokes: MockedInvoke[] = [];
    /** Why the invokes the mocks could not answer failed: the SDK hands the program such a failure without its message. */
    readonly refusedInvokes: string[] = [];
    /** Each provider's id and where its resources land. */
    private readonly providers = new Map<string, Placement | undefined>();

    placementOf(providerRef: string): Placement | undefined {
        // A reference is `<urn>::<id>`, and URNs contain `::` themselves.
        return this.providers.get(providerRef.slice(providerRef.lastIndexOf("::") + 2));
    }

    /**
     * A reference to no AWS provider of this evaluation (an unregistered one, another package's) is
     * refused with every other violation once the program ends (offline/engine/engineRules.ts); meanwhile the
     * resource gets outputs of an account no stack has, so the program runs on.
     */
    private placementFor(what: string, providerRef: string | undefined): Placement {
        if (!providerRef) {
            throw new Error(`${what} has no explicit provider: default AWS providers are disabled, so it would fail to deploy`);
        }
        return this.placementOf(providerRef) ?? UNPLACED;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        if (args.type.startsWith("pulumi:providers:")) {
            // Another package's provider places nothing (the engine rules refuse a resource that names it).
            const id = `provider-${this.resources.length}`;
            const placement = args.type === "pulumi:providers:aws" ? awsProviderPlacement(args) : undefined;
            this.providers.set(id, placement);
            this.record(args, args.inputs, placement);
            return { id, state: args.inputs };
        }
        if (!args.custom) {
            // Components are placed through their providers map by the engine. This program's own (and
            // the stack) have no outputs of their own; a remote one (awsx) has only what the table gives it.
            const pkg = args.type.split(":")[0];
            if (pkg === COMPONENT_PACKAGE || pkg === "pulumi") {
                this.record(args, {});
                return { id: undefined, state: {} };
            }
            const remote = REMOTE_COMPONENTS[args.type];
            if (!remote) {
                throw new Error(`the offline engine has no outputs for the remote component ${args.type}: add them to offline/engine/mocks.ts`);
            }
            const state = { ...args.inputs, ...remote(args.name, args.inputs) };
            this.record(args, state);
            return { id: undefined, state };
        }
        const outputs = OUTPUTS[args.type];
        if (!outputs) {
            throw new Error(`the offline engine has no outputs for ${args.type}: add them to offline/engine/mocks.ts`);
        }
        const placement = this.placementFor(`${args.type} "${args.name}"`, args.provider);
        const physicalName = args.inputs.name ?? args.inputs.bucket ?? args.inputs.family ?? args.inputs.deploymentGroupName ??
            args.inputs.configurationName ?? autoName(args.type, args.name);
        const context = { ...placement, ...partitionAndDomain(placement.region), physicalName, inputs: args.inputs };
        const { id, state } = outputs(context);
        const full = { ...args.inputs, ...state };
        this.record(args, full, placement);
        return { id, state: full };
    }

    private record(args: pulumi.runtime.MockResourceArgs, state: Record<string, any>, placement?: Placement) {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, state, ...placement });
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        try {
            const answer = INVOKES[args.token];
            if (!answer) {
                throw new Error(`the offline engine does not know the invoke ${args.token}: add it to offline/engine/mocks.ts`);
            }
            const placement = this.placementFor(`invoke ${args.token}`, args.provider);
            this.invokes.push({ token: args.token, inputs: args.inputs, ...placement });
            return answer({ ...placement, ...partitionAndDomain(placement.region), inputs: args.inputs });
        } catch (e) {
            this.refusedInvokes.push((e as Error).message);
            throw e;
        }
    }
}
