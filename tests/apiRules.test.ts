import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { apiViolations, DOCUMENTED_RULES } from "../offline/engine/apiRules";
import { BINDINGS, EXEMPT } from "../offline/engine/apiBindings";
import { evaluate, Evaluation, RawConfig, Resource, stackFileConfig } from "../offline/engine/engine";
import { FIXTURES, stacksIn } from "../offline/engine/root";
import { Violation } from "../offline/engine/violations";
import { API_MODELS, apiMember } from "../stacks/apiModels";
import { SIZE_LIMITS } from "../stacks/limits";
import { NAME_LIMITS } from "../stacks/nameLimits";
import { unmappedInputs } from "./support/apiCoverage";
import { CODEBUILD_TRUST, handmade } from "./support/handmade";
import { evaluated, key, targetsOf, VARIANTS } from "./support/stacks";

const FIXTURE = "Pulumi.apimodels.yaml";
/** The fixture stack of these tests (tests/fixtures/models/Pulumi.apimodels.yaml), as the CLI reads it. */
const fixture = (project = "cross-account-pipeline"): RawConfig => stackFileConfig(FIXTURE,
    fs.readFileSync(path.join(__dirname, "fixtures", "models", FIXTURE), "utf8").replace(/^(\s*)cross-account-pipeline:/gm, `$1${project}:`), project);

/** The fixture with a CodeCommit repository it creates and a created target in a VPC of its own: the inputs the GitHub path does not register. */
function codeCommitFixture(): RawConfig {
    const config = fixture();
    config[key("source")] = { provider: "CodeCommit", repositoryName: "shop-source", create: true, branch: "trunk" };
    const [qa] = targetsOf(config);
    config[key("targets")] = [{ ...qa, create: { ...qa.create, certificateArn: undefined, domainName: undefined, network: { subnets: "public" } } }];
    delete config[key("notifications")];
    return config;
}

const MODEL = `(aws/api-models-aws@${API_MODELS.commit})`;

/** A program of its own: a provider pinned to the fixture's tooling account, and what `plant` registers with it. */
function planted(plant: (provider: aws.Provider) => void): Promise<Evaluation> {
    return evaluate("apimodels", fixture(), {
        program: () => {
            plant(new aws.Provider("planted", { region: "eu-central-1", allowedAccountIds: ["123456789012"] }));
            return {};
        },
    });
}

/** A resource of `type` registered with this state (and these inputs). */
const resource = (type: string, state: Record<string, unknown>, inputs: Record<string, unknown> = {}) => handmade("r", { type, state, inputs });
/** What the APIs refuse of one input of resources (by the input's first key), as [property, rule, found]. */
const found = (input: string, ...resources: Resource[]) => apiViolations(resources).filter(v => v.property.split(/[.[]/)[0] === input)
    .map(v => [v.property, v.rule, v.found]);
/** A value the preview does not know yet, as Pulumi sends it. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** A secret, as Pulumi marks one on the wire. */
const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

const trust = JSON.stringify(CODEBUILD_TRUST);

/** A pipeline with the stages given, otherwise as CodePipeline accepts it. */
function pipeline(name: string, provider: aws.Provider, stages: aws.types.input.codepipeline.PipelineStage[]) {
    return new aws.codepipeline.Pipeline(name, {
        name, roleArn: "arn:aws:iam::123456789012:role/planted", pipelineType: "V2",
        artifactStores: [{ location: "planted-artifacts", type: "S3" }], stages,
    }, { provider });
}
const source = { name: "Source", actions: [{ name: "Source", category: "Source", owner: "AWS", provider: "CodeCommit", version: "1",
    outputArtifacts: ["Src"], configuration: { RepositoryName: "shop", BranchName: "trunk" } }] };
const build = (name: string) => ({ name, category: "Build", owner: "AWS", provider: "CodeBuild", version: "1", inputArtifacts: ["Src"],
    configuration: { ProjectName: "shop" } });

const pick = (v: Violation) => ({ name: v.name, type: v.type, property: v.property, rule: v.rule, source: v.source });

describe("AWS API models: what the APIs would refuse of what is registered", function () {
    this.timeout(60_000);

    it("the fixture stacks register nothing an API refuses, and every input they register is mapped to a model member or exempt", async () => {
        for (const config of [fixture(), codeCommitFixture()]) {
            const e = await evaluate("apimodels", config);
            assert.equal(e.error?.message, undefined);
            assert.deepEqual(apiViolations(e.resources), []);
            assert.deepEqual(unmappedInputs(e.resources), []);
        }
    });

    it("the example stacks' fixtures and the tests' shared variants plan with the check on: nothing refused, every input mapped or exempt", async () => {
        for (const name of [...stacksIn(FIXTURES), ...Object.keys(VARIANTS)]) {
            const { resources } = await evaluated(name);
            assert.deepEqual(apiViolations(resources), [], name);
            assert.deepEqual(unmappedInputs(resources), [], name);
        }
    });

    it("a topic AWS Chatbot subscribes to starts with a letter or digit, whatever the project's name (Chatbot's model refuses `:_...`)", async () => {
        const e = await evaluate("apimodels", fixture("_shop"), { project: "_shop" });
        assert.equal(e.error?.message, undefined);
        assert.deepEqual(apiViolations(e.resources), []);
        const topic = e.resources.find(r => r.type === "aws:sns/topic:Topic")!;
        assert.match(topic.state.name, /^shop-apimodels-[0-9a-f]{8}-notifications$/);
    });

    it("a name over its API length: the resource, the property, the rule and the model's member", async () => {
        const e = await planted(provider => new aws.iam.Role("long-role", { name: `shop-${"r".repeat(60)}`, assumeRolePolicy: trust }, { provider }));
        assert.deepEqual(apiViolations(e.resources).map(pick), [{
            name: "long-role", type: "aws:iam/role:Role", property: "name", rule: "length at most 64",
            source: `iam-2010-05-08 CreateRoleRequest.RoleName ${MODEL}`,
        }]);
        assert.match(apiViolations(e.resources)[0].found, /\(65 characters\)$/);
    });

    it("a value breaking an API's pattern, and an enum value AWS does not have", async () => {
        const e = await planted(provider => new aws.ecr.Repository("images", { name: "Acme/Shop", imageTagMutability: "LOCKED" }, { provider }));
        assert.deepEqual(apiViolations(e.resources).map(pick), [{
            name: "images", type: "aws:ecr/repository:Repository", property: "name",
            rule: "matches ^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$",
            source: `ecr-2015-09-21 CreateRepositoryRequest.repositoryName ${MODEL}`,
        }, {
            name: "images", type: "aws:ecr/repository:Repository", property: "imageTagMutability", rule: "one of [MUTABLE, IMMUTABLE]",
            source: `ecr-2015-09-21 CreateRepositoryRequest.imageTagMutability ${MODEL}`,
        }]);
    });

    it("tags as the APIs take them: a Unicode letter is one (the u flag), `!` is not", async () => {
        const e = await evaluate("apimodels", fixture(), {
            program: () => {
                new aws.Provider("tagged", { region: "eu-central-1", allowedAccountIds: ["123456789012"],
                    defaultTags: { tags: { "équipe": "paiements", "team!": "shop" } } });
                return {};
            },
        });
        assert.deepEqual(apiViolations(e.resources).map(pick), [{
            name: "tagged", type: "pulumi:providers:aws", property: "defaultTags.tags.team!", rule: "a key of matches ^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+$",
            source: `iam-2010-05-08 CreateRoleRequest.Tags[].Key ${MODEL}`,
        }]);
    });

    it("a length counts code points as the models do: 256 letters outside the BMP (512 UTF-16 units) are a tag value at its limit", async () => {
        // U+20000 is a letter (\p{L}) outside the Basic Multilingual Plane: two UTF-16 units each.
        const e = await evaluate("apimodels", fixture(), {
            program: () => {
                new aws.Provider("tagged", { region: "eu-central-1", allowedAccountIds: ["123456789012"],
                    defaultTags: { tags: { team: "\u{20000}".repeat(256), squad: "\u{20000}".repeat(257) } } });
                return {};
            },
        });
        assert.deepEqual(apiViolations(e.resources).map(v => [v.property, v.rule, v.found.replace(/^.*\(/, "(")]),
            [["defaultTags.tags.squad", "length at most 256", "(257 characters)"]]);
    });

    it("inside a pipeline: a stage name's pattern, a configuration value's length, a range, an unknown category", async () => {
        const e = await planted(provider => pipeline("shop", provider, [source, {
            name: "Build it", actions: [{ ...build("Build"), runOrder: 1000, category: "Compile", configuration: { ProjectName: "p".repeat(1001) } }],
        }]));
        const at = (property: string) => apiViolations(e.resources).filter(v => v.property === property).map(v => v.rule);
        assert.deepEqual(at("stages[1].name"), ["matches ^[A-Za-z0-9.@\\-_]+$"]);
        assert.deepEqual(at("stages[1].actions[0].runOrder"), ["at most 999"]);
        assert.deepEqual(at("stages[1].actions[0].category"), ["one of [Source, Build, Deploy, Test, Invoke, Approval, Compute]"]);
        assert.deepEqual(at("stages[1].actions[0].configuration.ProjectName"), ["length at most 1000"]);
        assert.equal(apiViolations(e.resources).length, 4);
    });

    it("documented rules the models do not state: a duplicate action name in a stage, a duplicate stage name", async () => {
        const e = await planted(provider => pipeline("shop", provider, [source,
            { name: "Build", actions: [build("Build"), build("Build")] }, { name: "Build", actions: [build("Again")] }]));
        assert.deepEqual(apiViolations(e.resources).map(v => [v.property, v.rule, v.source, v.found]), [
            ["stages[2].name", "stage names unique in a pipeline", "https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html",
                "\"Build\", as stages[1].name is"],
            ["stages[1].actions[1].name", "action names unique in a stage", "https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html",
                "\"Build\", as stages[1].actions[0].name is"],
        ]);
    });

    it("where the documentation is stricter than the model, it wins: an S3 bucket name, a KMS alias outside alias/, a key's deletion window, a log retention", async () => {
        const e = await planted(provider => {
            new aws.s3.Bucket("store", { bucket: "shop..artifacts" }, { provider });
            new aws.kms.Alias("alias", { name: "shop-artifacts", targetKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" }, { provider });
            new aws.kms.Key("key", { deletionWindowInDays: 90 }, { provider });
            new aws.cloudwatch.LogGroup("logs", { name: "/shop/build", retentionInDays: 45 }, { provider });
        });
        assert.deepEqual(apiViolations(e.resources).map(v => [v.name, v.property, v.rule, v.source]), [
            ["key", "deletionWindowInDays", "a key's deletion window of 7 to 30 days", "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html"],
            ["logs", "retentionInDays", "a log retention of one of [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] days",
                "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html"],
            ["alias", "name", "matches ^alias\\/(?!aws\\/)[A-Za-z0-9\\/_-]+$", "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html"],
            ["store", "bucket", `matches ${NAME_LIMITS.s3Bucket.pattern.source}`, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"],
        ]);
    });

    it("a percentile with decimals (p99.9, p99.99) reaches CloudWatch as an ExtendedStatistic, in the form its model takes", async () => {
        const config = fixture();
        const [qa, ...rest] = targetsOf(config);
        const extra = (statistic: string) => ({ name: `lat-${statistic.replace(".", "-")}`, metric: "TargetResponseTime", scope: "loadBalancer", statistic, threshold: 2 });
        config[key("targets")] = [{ ...qa, create: { ...qa.create, rollbackAlarms: { extra: [extra("p99.9"), extra("p99.99")] } } }, ...rest];
        const e = await evaluate("apimodels", config);
        assert.equal(e.error?.message, undefined);
        const alarms = e.resources.filter(r => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && /-lat-p99/.test(r.inputs.name));
        assert.deepEqual(alarms.map(a => [a.inputs.extendedStatistic, a.inputs.statistic]), [["p99.9", undefined], ["p99.99", undefined]]);
        // Statistic is an enum without percentiles (CloudWatch's model: a percentile there is refused by the engine's check);
        // ExtendedStatistic takes "a value between p0.0 and p100" (API reference, PutMetricAlarm).
        assert.deepEqual(apiMember("cloudwatch-2010-08-01 PutMetricAlarmInput", "Statistic").shape.enum?.includes("p99.9"), false);
    });

    it("an action's artifacts: as many as its type takes, each input an earlier action's output, each output name once", async () => {
        const deploy = (name: string, inputArtifacts: string[], runOrder = 1) => ({ name, category: "Deploy", owner: "AWS", provider: "CodeDeployToECS",
            version: "1", runOrder, inputArtifacts, configuration: { ApplicationName: "shop", DeploymentGroupName: "shop" } });
        const approve = { name: "Approve", category: "Approval", owner: "AWS", provider: "Manual", version: "1" };
        const e = await planted(provider => pipeline("shop", provider, [source, {
            name: "Build", actions: [{ ...build("Build"), outputArtifacts: ["Out"] }, { ...build("Again"), outputArtifacts: ["Out"] },
                { ...build("Empty"), inputArtifacts: [] }],
        }, {
            name: "Deploy", actions: [deploy("Late", ["Later"], 1), { ...deploy("Producer", ["Out"], 1), outputArtifacts: ["Later"] },
                deploy("None", [], 2), deploy("Six", ["Src", "Out", "Src", "Out", "Src", "Out"], 2), deploy("Fine", ["Out", "Src"], 2),
                { ...approve, runOrder: 3 }, { ...approve, name: "Approve-with-input", runOrder: 3, inputArtifacts: ["Src"] },
                { ...deploy("Other", ["Out"], 3), provider: "ECS" }],
        }]));
        assert.deepEqual(apiViolations(e.resources).filter(v => v.source.startsWith("https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-"))
            .map(v => [v.property, v.found]), [
            ["stages[1].actions[2].inputArtifacts", "0 for CodeBuild, which takes 1 to 5"],
            ["stages[2].actions[1].outputArtifacts", "1 for CodeDeployToECS, which takes 0"],
            ["stages[2].actions[2].inputArtifacts", "0 for CodeDeployToECS, which takes 1 to 5"],
            ["stages[2].actions[3].inputArtifacts", "6 for CodeDeployToECS, which takes 1 to 5"],
            ["stages[2].actions[6].inputArtifacts", "1 for Manual, which takes 0"],
            ["stages[2].actions[7].provider", "\"ECS\", whose artifact counts the engine does not know"],
            ["stages[2].actions[0].inputArtifacts[0]", "\"Later\", which no earlier action outputs"],
            ["stages[1].actions[1].outputArtifacts[0]", "\"Out\", as stages[1].actions[0].outputArtifacts[0] is"],
        ]);
    });

    it("one listener per port of a load balancer (CreateListener's DuplicateListener)", async () => {
        const e = await planted(provider => {
            const lb = new aws.lb.LoadBalancer("shop", { name: "shop", subnets: ["subnet-1", "subnet-2"] }, { provider });
            const redirect = { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } };
            new aws.lb.Listener("before", { loadBalancerArn: lb.arn, port: 8443, protocol: "HTTP", defaultActions: [redirect] }, { provider });
            new aws.lb.Listener("first", { loadBalancerArn: lb.arn, port: 80, protocol: "HTTP", defaultActions: [redirect] }, { provider });
            new aws.lb.Listener("second", { loadBalancerArn: lb.arn, port: 80, protocol: "HTTP", defaultActions: [redirect] }, { provider });
            new aws.lb.Listener("other-port", { loadBalancerArn: lb.arn, port: 8080, protocol: "HTTP", defaultActions: [redirect] }, { provider });
        });
        assert.deepEqual(apiViolations(e.resources).map(v => [v.name, v.property, v.rule, v.found]), [
            ["second", "port", "one listener per port of a load balancer", "80, which first has on the same load balancer"]]);
    });

    it("a security group rule's protocol as EC2's IpPermission lists it, with a port range where it needs one", async () => {
        const e = await planted(provider => {
            const rule = (name: string, args: { ipProtocol: string; fromPort?: number; toPort?: number }) =>
                new aws.vpc.SecurityGroupIngressRule(name, { securityGroupId: "sg-0123456789abcdef0", cidrIpv4: "10.0.0.0/16", ...args }, { provider });
            rule("empty", { ipProtocol: "", fromPort: 443, toPort: 443 });
            rule("word", { ipProtocol: "https", fromPort: 443, toPort: 443 });
            rule("past-255", { ipProtocol: "256" });
            rule("no-range", { ipProtocol: "tcp", fromPort: 443 });
            rule("upper-case", { ipProtocol: "TCP", fromPort: 443, toPort: 443 });
            rule("leading-zero", { ipProtocol: "017", fromPort: 53, toPort: 53 });
            rule("tcp-by-number", { ipProtocol: "6" });
            rule("udp-by-number", { ipProtocol: "17", fromPort: 53 });
            rule("icmp-by-number", { ipProtocol: "1", toPort: -1 });
            rule("tcp-by-number-ranged", { ipProtocol: "6", fromPort: 443, toPort: 443 });
            rule("protocol-0", { ipProtocol: "0" });
            rule("icmpv6-all", { ipProtocol: "icmpv6" });
            rule("all", { ipProtocol: "-1" });
            rule("gre", { ipProtocol: "47" });
            rule("protocol-255", { ipProtocol: "255" });
            rule("icmp-all", { ipProtocol: "icmp" });
            new aws.vpc.SecurityGroupEgressRule("egress-udp", { securityGroupId: "sg-0123456789abcdef0", cidrIpv4: "0.0.0.0/0", ipProtocol: "udp", toPort: 53 },
                { provider });
        });
        const found = apiViolations(e.resources).map(v => [v.name, v.property, v.found, v.source]);
        const doc = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html";
        assert.deepEqual(found.sort((a, b) => a[0].localeCompare(b[0])), [
            ["egress-udp", "fromPort", "none, for udp", doc],
            ["empty", "ipProtocol", "\"\"", doc],
            ["icmp-all", "fromPort", "none, for icmp", doc],
            ["icmp-by-number", "fromPort", "none, for 1", doc],
            ["leading-zero", "ipProtocol", "\"017\"", doc],
            ["no-range", "toPort", "none, for tcp", doc],
            ["past-255", "ipProtocol", "\"256\"", doc],
            ["tcp-by-number", "fromPort", "none, for 6", doc],
            ["udp-by-number", "toPort", "none, for 17", doc],
            ["upper-case", "ipProtocol", "\"TCP\"", doc],
            ["word", "ipProtocol", "\"https\"", doc],
        ]);
    });

    it("a created target with a certificate and its production or test listener on 80 gets no HTTP redirect listener beside it", async () => {
        for (const ports of [{ productionPort: 80 }, { testPort: 80 }]) {
            const config = fixture();
            const [qa, ...rest] = targetsOf(config);
            config[key("targets")] = [{ ...qa, create: { ...qa.create, ...ports } }, ...rest];
            const e = await evaluate("apimodels", config);
            assert.equal(e.error?.message, undefined, JSON.stringify(ports));
            const listeners = e.resources.filter(r => r.type === "aws:lb/listener:Listener").map(r => r.inputs.port);
            assert.equal(listeners.filter(p => p === 80).length, 1, `${JSON.stringify(ports)}: ${listeners}`);
        }
    });

    it("a policy over its documented size, and a required member left out", async () => {
        const statement = (i: number) => ({ Sid: `S${i}`, Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::shop-artifacts/${"k".repeat(40)}${i}` });
        const e = await planted(provider => new aws.iam.Policy("wide", {
            policy: JSON.stringify({ Version: "2012-10-17", Statement: Array.from({ length: 80 }, (_, i) => statement(i)) }),
        }, { provider }));
        assert.deepEqual(apiViolations(e.resources).map(v => [v.property, v.rule]), [["policy", "a managed policy of at most 6144 characters"]]);
        const role = resource("aws:iam/role:Role", { assumeRolePolicy: trust });
        assert.deepEqual(apiViolations([role]).map(v => [v.property, v.rule, v.found]), [["name", "present (the request requires it)", "nothing"]]);
        const alarm = resource("aws:cloudwatch/metricAlarm:MetricAlarm",
            { name: "a", comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, dimensions: { ["D".repeat(256)]: "v" } });
        assert.deepEqual(apiViolations([alarm]).map(v => [v.property, v.rule]), [[`dimensions.${"D".repeat(256)}`, "a key of length at most 255"]]);
    });

    it("a list by its items, an empty one not sent; a member another request requires is not required of the create; a long value cut where it is shown", () => {
        const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));
        // CodeBuild's CreateProject takes at most 50 tags; ELBv2's CreateLoadBalancer at least one, when it is sent.
        assert.deepEqual(found("tags", resource("aws:codebuild/project:Project", { tags: tags(51) })), [["tags", "at most 50 items", "51"]]);
        assert.deepEqual(found("tags", resource("aws:codebuild/project:Project", { tags: tags(50) })), []);
        assert.deepEqual(found("tags", resource("aws:lb/loadBalancer:LoadBalancer", { tags: {} })), []);
        // CloudWatch Logs' PutRetentionPolicy requires retentionInDays; a log group made without one sends no such request.
        assert.deepEqual(found("retentionInDays", resource("aws:cloudwatch/logGroup:LogGroup", { name: "logs" })), []);
        // IAM's RoleName: at most 64 characters. A value is shown whole up to 80 characters (its JSON), cut after.
        const role = (n: number) => resource("aws:iam/role:Role", { name: "a".repeat(n), assumeRolePolicy: trust });
        assert.deepEqual(found("name", role(78)), [["name", "length at most 64", `"${"a".repeat(78)}" (78 characters)`]]);
        assert.deepEqual(found("name", role(79)), [["name", "length at most 64", `"${"a".repeat(76)}..." (79 characters)`]]);
    });

    it("how a value is read: secrets as their value, state before inputs, a number as text where text goes, unknown values and missing blocks left alone", () => {
        const role = (state: Record<string, unknown>, inputs: Record<string, unknown> = {}) => resource("aws:iam/role:Role", { assumeRolePolicy: trust, ...state }, inputs);
        assert.deepEqual(found("name", role({ name: secret("a".repeat(65)) })), [["name", "length at most 64", `"${"a".repeat(65)}" (65 characters)`]]);
        // The provider sends a resource's state (with the names Pulumi generates); with none yet, its inputs.
        assert.deepEqual(found("name", resource("aws:iam/role:Role", {}, { name: "a".repeat(65), assumeRolePolicy: trust })).map(([p, r]) => [p, r]), [["name", "length at most 64"]]);
        assert.deepEqual(found("name", role({ name: "ok" }, { name: "a".repeat(65) })), []);
        // CodeBuild's project name: 2 to 150 characters; a number is sent as its text.
        assert.deepEqual(found("name", resource("aws:codebuild/project:Project", { name: 7 })), [["name", "length at least 2", '"7" (1 characters)'], ["name", "matches ^[A-Za-z0-9][A-Za-z0-9\\-_]{1,149}$", '"7"']]);
        // CloudWatch's ComparisonOperator is an enum: an unknown value is not judged, nor an unknown JSON text, nor a block that is null.
        assert.deepEqual(found("comparisonOperator", resource("aws:cloudwatch/metricAlarm:MetricAlarm", { name: "a", comparisonOperator: UNKNOWN, evaluationPeriods: 1 })), []);
        assert.deepEqual(found("comparisonOperator", resource("aws:cloudwatch/metricAlarm:MetricAlarm", { name: "a", comparisonOperator: true, evaluationPeriods: 1 })).map(([, , f]) => f), ['"true"']);
        // pulumi-aws sends a load balancer's `internal` as its Scheme: internal or internet-facing.
        assert.deepEqual([true, false].flatMap(internal => found("internal", resource("aws:lb/loadBalancer:LoadBalancer", { name: "lb", internal }))), []);
        // A JSON input already decoded is read as it is.
        assert.deepEqual(found("containerDefinitions", resource("aws:ecs/taskDefinition:TaskDefinition", { family: "f", containerDefinitions: [{ name: "c".repeat(256) }] }))
            .map(([p, r]) => [p, r]), [["containerDefinitions[0].name", "length 1 to 255"]]);
        // A name not set is missing, not a name to judge.
        assert.deepEqual(found("bucket", resource("aws:s3/bucket:Bucket", {})), [["bucket", "present (the request requires it)", "nothing"]]);
        assert.deepEqual(found("containerDefinitions", resource("aws:ecs/taskDefinition:TaskDefinition", { family: "f", containerDefinitions: UNKNOWN })), []);
        assert.deepEqual(found("environment", resource("aws:codebuild/project:Project", { name: "pp", environment: null })), []);
        assert.deepEqual(found("name", resource("aws:lb/loadBalancer:LoadBalancer", { name: UNKNOWN })), []);
    });

    it("documented limits at the limit and one past: stages, actions, an approval's CustomData, a deletion window, inline policies, a build variable, names without a model", () => {
        const pipeline = (stages: unknown[]) => resource("aws:codepipeline/pipeline:Pipeline", { name: "p", stages });
        const manual = (name: string, configuration?: Record<string, string>) => ({ name, category: "Approval", owner: "AWS", provider: "Manual", version: "1", configuration });
        const stages = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `s${i}`, actions: [manual("a")] }));
        // CodePipeline's quotas: 50 stages in a pipeline, 50 actions in a stage.
        assert.deepEqual(found("stages", pipeline(stages(50))), []);
        assert.deepEqual(found("stages", pipeline(stages(51))), [["stages", "at most 50 stages in a pipeline", "51 stages"]]);
        const actions = (n: number) => [{ name: "s", actions: Array.from({ length: n }, (_, i) => manual(`a${i}`)) }];
        assert.deepEqual(found("stages", pipeline(actions(50))), []);
        assert.deepEqual(found("stages", pipeline(actions(51))), [["stages[0].actions", "at most 50 actions in a stage", "51 actions"]]);
        // A manual approval's CustomData: at most 500 characters (CodePipeline's action reference); another action's configuration is not an approval's.
        const approval = (text: string, action = manual("a", { CustomData: text })) => found("stages", pipeline([{ name: "s", actions: [action] }]));
        assert.deepEqual(approval("c".repeat(500)), []);
        assert.deepEqual(approval("c".repeat(501)), [["stages[0].actions[0].configuration.CustomData", "a manual approval's CustomData of at most 500 characters", "501 characters"]]);
        assert.deepEqual(approval("c".repeat(501), { ...manual("a", { CustomData: "c".repeat(501) }), provider: "Lambda", category: "Invoke" }).map(([p, r]) => [p, r]),
            [["stages[0].actions[0].provider", "an action's input and output artifacts as many as its action type takes"]]);
        assert.deepEqual(approval("", { ...manual("a"), provider: undefined as unknown as string }).filter(([, r]) => r.startsWith("an action's")).map(([, , f]) => f),
            ["undefined, whose artifact counts the engine does not know"]);
        // KMS's ScheduleKeyDeletion: a window of 7 to 30 days.
        const key = (days: number) => found("deletionWindowInDays", resource("aws:kms/key:Key", { deletionWindowInDays: days })).map(([, , f]) => f);
        assert.deepEqual([6, 7, 30, 31].map(key), [["6"], [], [], ["31"]]);
        // CloudWatch Logs' PutRetentionPolicy: one of its listed values (1, 3, 5, 7, 14, ...).
        const retention = (days: number) => found("retentionInDays", resource("aws:cloudwatch/logGroup:LogGroup", { name: "logs", retentionInDays: days })).map(([, , f]) => f);
        assert.deepEqual([7, 8].map(retention), [[], ["8"]]);
        // IAM: a role's inline policies at most 10,240 characters together; two roles of one name in two accounts are two roles.
        const inline = (account: string, policy: unknown) => ({ ...resource("aws:iam/rolePolicy:RolePolicy", { role: "shop-role", name: `p${account}`, policy }), account, urn: `urn${account}` });
        assert.deepEqual(found("policy", inline("111111111111", "a".repeat(6000)), inline("222222222222", "a".repeat(6000))), []);
        assert.deepEqual(found("policy", inline("111111111111", secret("a".repeat(10241)))).map(([, , f]) => f), ["10241 characters in the role's 1 inline policies"]);
        assert.deepEqual(found("policy", { ...inline("111111111111", "a".repeat(10240)), name: "full" }, { ...inline("111111111111", undefined), urn: "urn-none" }),
            [["policy", "present (the request requires it)", "nothing"]], "a policy not set adds nothing to the role's size");
        // CodeBuild: an environment variable of at most 4,096 characters.
        const variable = (n: number) => found("environment", resource("aws:codebuild/project:Project", { name: "pp", environment: { environmentVariables: [{ name: "V", value: "v".repeat(n) }] } }))
            .filter(([, r]) => r.startsWith("a build environment variable"));
        assert.deepEqual([variable(4096), variable(4097).map(([, , f]) => f)], [[], ["4097 characters"]]);
        // S3's bucket names: 3 to 63 characters (no model states it); ECS's container names by index.
        const bucket = (name: string) => found("bucket", resource("aws:s3/bucket:Bucket", { bucket: name })).map(([, r, f]) => `${r}: ${f}`);
        assert.deepEqual([bucket("ab"), bucket("abc"), bucket("a".repeat(63)), bucket("a".repeat(64))],
            [['length 3 to 63: "ab" (2 characters)'], [], [], [`length 3 to 63: "${"a".repeat(64)}" (64 characters)`]]);
        const containers = JSON.stringify([{ name: "web" }, { name: "c".repeat(256) }]);
        assert.deepEqual(found("containerDefinitions", resource("aws:ecs/taskDefinition:TaskDefinition", { family: "f", containerDefinitions: containers })).map(([p, r]) => [p, r]),
            [["containerDefinitions[1].name", "length 1 to 255"]]);
    });

    it("each action type's artifact counts at their bounds, as CodePipeline's table lists them; a runOrder left out is 1; a stage without actions", () => {
        // reference-action-artifacts.html, and CodeDeployToECS's own reference: [inputs, outputs], each [min, max].
        const table: Record<string, [[number, number], [number, number]]> = {
            CodeCommit: [[0, 0], [1, 1]], CodeStarSourceConnection: [[0, 0], [1, 1]], CodeBuild: [[1, 5], [0, 5]], Manual: [[0, 0], [0, 0]], CodeDeployToECS: [[1, 5], [0, 0]],
        };
        const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
        const counted = (provider: string, inputs: number, outputs: number) => apiViolations([resource("aws:codepipeline/pipeline:Pipeline", {
            name: "p", stages: [{ name: "s", actions: [{ name: "a", provider, inputArtifacts: names("In", inputs), outputArtifacts: names("Out", outputs) }] }],
        })]).filter(v => v.rule.startsWith("an action's input and output artifacts")).map(v => v.property.split(".").pop());
        for (const [provider, [[inMin, inMax], [outMin, outMax]]] of Object.entries(table)) {
            for (const n of [inMin - 1, inMin, inMax, inMax + 1].filter(k => k >= 0)) {
                assert.deepEqual(counted(provider, n, outMin), n < inMin || n > inMax ? ["inputArtifacts"] : [], `${provider} with ${n} inputs`);
            }
            for (const n of [outMin - 1, outMin, outMax, outMax + 1].filter(k => k >= 0)) {
                assert.deepEqual(counted(provider, inMin, n), n < outMin || n > outMax ? ["outputArtifacts"] : [], `${provider} with ${n} outputs`);
            }
        }
        const source = { name: "Source", actions: [{ name: "Get", provider: "CodeCommit", outputArtifacts: ["Src"] }] };
        const builds = (first?: number, second?: number) => apiViolations([resource("aws:codepipeline/pipeline:Pipeline", { name: "p", stages: [source, { name: "Build", actions: [
            { name: "First", provider: "CodeBuild", runOrder: first, inputArtifacts: ["Src"], outputArtifacts: ["Built"] },
            { name: "Second", provider: "CodeBuild", runOrder: second, inputArtifacts: ["Built"] }] }] })]).filter(v => v.found.endsWith("which no earlier action outputs"));
        assert.equal(builds(undefined, 1).length, 1, "the first action's runOrder left out is 1, not before 1");
        assert.equal(builds(1, undefined).length, 1, "the second action's runOrder left out is 1, not after 1");
        assert.equal(builds(undefined, 2).length, 0);
        const documented = (stages: unknown[]) => apiViolations([resource("aws:codepipeline/pipeline:Pipeline", { name: "p", stages })]).filter(v => v.source.startsWith("https://"));
        assert.deepEqual(documented([source, { name: "Empty" }]), []);
        // An input of a later stage is no earlier action's output, whatever the runOrders.
        assert.deepEqual(documented([source, { name: "Early", actions: [{ name: "Reads", provider: "CodeBuild", runOrder: 2, inputArtifacts: ["Later"] }] },
            { name: "Late", actions: [{ name: "Writes", provider: "CodeBuild", runOrder: 1, inputArtifacts: ["Src"], outputArtifacts: ["Later"] }] }]).map(v => v.property),
        ["stages[1].actions[0].inputArtifacts[0]"]);
    });

    it("a security group rule's protocol not yet known is not judged", () => {
        const rule = resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { ipProtocol: UNKNOWN, securityGroupId: "sg-1" });
        assert.deepEqual(found("ipProtocol", rule), []);
    });

    it("each documented policy size holds at its limit and refuses one character more", () => {
        const sizes: [string, string, number][] = [
            ["aws:kms/key:Key", "policy", SIZE_LIMITS.keyPolicy], ["aws:s3/bucketPolicy:BucketPolicy", "policy", SIZE_LIMITS.bucketPolicy],
            ["aws:sns/topicPolicy:TopicPolicy", "policy", SIZE_LIMITS.topicPolicy], ["aws:iam/policy:Policy", "policy", SIZE_LIMITS.managedPolicy],
            ["aws:iam/role:Role", "assumeRolePolicy", SIZE_LIMITS.trustPolicy],
        ];
        for (const [type, input, limit] of sizes) {
            const sized = (n: number) => apiViolations([resource(type, { [input]: "a".repeat(n) })])
                .filter(v => v.property === input && / of at most \d+ characters$/.test(v.rule));
            assert.deepEqual(sized(limit), [], `${type} at ${limit}`);
            assert.deepEqual(sized(limit + 1).map(v => v.found), [`${limit + 1} characters`], `${type} at ${limit + 1}`);
        }
        const inline = (n: number) => apiViolations([1, 2].map(i =>
            resource("aws:iam/rolePolicy:RolePolicy", { role: "shop-role", name: `p${i}`, policy: "a".repeat(i === 1 ? n - 100 : 100) })))
            .filter(v => v.rule.startsWith("a role's inline policies"));
        assert.deepEqual(inline(SIZE_LIMITS.roleInlinePolicies), []);
        assert.equal(inline(SIZE_LIMITS.roleInlinePolicies + 1).length, 2);
    });

    it("a value unknown while planning is not judged; what is known around it is", () => {
        const role = resource("aws:iam/role:Role", { name: UNKNOWN, assumeRolePolicy: UNKNOWN, description: "x".repeat(1001) });
        assert.deepEqual(apiViolations([role]).map(v => v.property), ["description"]);
    });

    it("the mocks' outputs that feed checked inputs have AWS's form: a load balancer's DNS name in the check's URL", async () => {
        const e = await evaluate("apimodels", fixture());
        const lb = e.resources.find(r => r.type === "aws:lb/loadBalancer:LoadBalancer")!;
        // ELBv2's model, the examples of CreateLoadBalancer: my-load-balancer-424835706.us-west-2.elb.amazonaws.com
        assert.match(lb.state.dnsName, new RegExp(`^${lb.state.name}-\\d{1,10}\\.eu-central-1\\.elb\\.amazonaws\\.com$`));
        const links = e.resources.filter(r => r.type === "aws:codepipeline/pipeline:Pipeline")
            .flatMap(r => r.inputs.stages.flatMap((s: any) => s.actions.map((a: any) => a.configuration?.ExternalEntityLink))).filter(Boolean);
        assert.deepEqual(links, [`https://${lb.state.dnsName}/`]);
    });

    it("a member path the extract lacks is refused, naming the model, the path and the script that rebuilds the extract", () => {
        assert.throws(() => apiMember("iam-2010-05-08 CreateRoleRequest", "Tags[].Colour"),
            { message: "stacks/apiModelExtract.json: iam-2010-05-08 CreateRoleRequest has no Tags.[].Colour: rerun scripts/api-models.ts" });
        assert.throws(() => apiMember("iam-2010-05-08 CreateRoleRequest", "RoleName.Length"),
            { message: "stacks/apiModelExtract.json: iam-2010-05-08 CreateRoleRequest has no RoleName.Length: rerun scripts/api-models.ts" });
        assert.throws(() => apiMember("iam-2010-05-08 CreateRoleRequest", "iam-2010-05-08 CreateWidgetRequest.Name"),
            { message: "stacks/apiModelExtract.json has no shape iam-2010-05-08 CreateWidgetRequest: rerun scripts/api-models.ts" });
        // A path without a model continues the request; one with a model starts there.
        assert.equal(apiMember("iam-2010-05-08 CreateRoleRequest", "RoleName").source, `iam-2010-05-08 CreateRoleRequest.RoleName ${MODEL}`);
        assert.equal(apiMember("ecr-2015-09-21 CreateRepositoryRequest", "iam-2010-05-08 CreateRoleRequest.RoleName").shape.length?.max, 64);
        // Required is said of a member by the structure that holds it; a request itself is held by none.
        assert.deepEqual([apiMember("iam-2010-05-08 CreateRoleRequest", "RoleName").required, apiMember("iam-2010-05-08 CreateRoleRequest", "Tags").required,
            apiMember("iam-2010-05-08 CreateRoleRequest", "iam-2010-05-08 CreateRoleRequest").required], [true, false, false]);
    });

    it("every row names a member of the extract, every exemption says why, and every documented rule links its source", () => {
        for (const { request, rows } of Object.values(BINDINGS)) {
            rows.forEach(([, member]) => assert.match(apiMember(request, member).source, / \(aws\/api-models-aws@[0-9a-f]{40}\)$/));
        }
        assert.ok(Object.values({ ...EXEMPT.types, ...EXEMPT.inputs }).every(why => why.length > 20));
        assert.ok(DOCUMENTED_RULES.every(r => /^https:\/\//.test(r.doc)));
    });
});
