import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import fc from "fast-check";
import { evaluate, Evaluation } from "../offline/engine/engine";
import { EngineRuleError } from "../offline/engine/violations";
import { StackConfig } from "../stacks/config/stackConfig";
import { NAME_LIMITS, NameLimit, nameProblem } from "../stacks/nameLimits";
import { fitName, stackNames } from "../stacks/names";
import { checkNames, physicalNames } from "./properties/invariants";
import { pulumiName } from "./properties/stackFiles";
import { block, evaluated, evaluateWith, one, planted, targetsOf } from "./support/stacks";

/**
 * The physical names the committed stacks had before names were fitted to AWS's limits,
 * written down: a changed name replaces the resource (a role, a cluster, a repository).
 */
const NAMES_BEFORE: Record<string, Record<string, string>> = Object.fromEntries(["dev", "prod"].map(stack => {
    const prefix = `cross-account-pipeline-${stack}`;
    const service = stack === "dev" ? "my-service-staging" : "my-service";
    return [stack, {
        "pulumi:providers:aws pipeline-account": prefix,
        "pulumi:providers:aws target-account": prefix,
        "aws:iam/role:Role pipeline-pipeline": `${prefix}-pipeline`,
        "aws:iam/role:Role pipeline-build": `${prefix}-build`,
        ...stack === "dev" ? { "aws:iam/role:Role pipeline-source-events": `${prefix}-events` } : {},
        "aws:iam/role:Role deploy": `${prefix}-deploy`,
        "aws:iam/role:Role target-task": `${prefix}-task`,
        "aws:iam/role:Role target-execution": `${prefix}-task-execution`,
        "aws:iam/role:Role target-codedeploy": `${prefix}-codedeploy`,
        "aws:kms/alias:Alias artifacts-key-alias": `alias/${prefix}-artifacts`,
        "aws:codebuild/project:Project pipeline-build": prefix,
        "aws:codebuild/project:Project pipeline-release": `${prefix}-release`,
        "aws:codepipeline/pipeline:Pipeline pipeline-pipeline": prefix,
        "aws:cloudwatch/logGroup:LogGroup pipeline-build-logs": `/aws/codebuild/${prefix}`,
        // prod's source moved to GitHub: its repository and events role are gone, its connection is new.
        ...stack === "dev" ? { "aws:codecommit/repository:Repository pipeline-repository": "my-service-sandbox" }
            : { "aws:codeconnections/connection:Connection source": prefix },
        "aws:ecr/repository:Repository images": service,
        "aws:ecs/cluster:Cluster target-cluster": service,
        "aws:ecs/service:Service target-service": service,
        "aws:ecs/taskDefinition:TaskDefinition target-task": service,
        "aws:cloudwatch/logGroup:LogGroup target-logs": `/ecs/${service}`,
        "aws:codedeploy/application:Application target-application": service,
        "aws:codedeploy/deploymentGroup:DeploymentGroup target-group": service,
    }];
}));

/** `type name` -> its first physical name (a task definition's family, a provider's session name). */
function namesOf(e: Evaluation): Record<string, string> {
    const names: Record<string, string> = {};
    for (const { resource, name } of physicalNames(e.resources)) {
        names[`${resource.type} ${resource.name}`] ??= String(name);
    }
    return names;
}

/**
 * A config with only what `stackNames` reads: a target with legacy names and one named at the longest a
 * target name may be, their services named by default after project, stack (and target), as in config.
 */
function namingConfig(project: string, stack: string): StackConfig {
    const name = `${project}-${stack}`;
    const target = (t: string, legacyNames: boolean) => {
        const serviceName = legacyNames ? name : `${name}-${t}`;
        // Rollback alarms with the longest name an extra alarm may have, once per target group: the longest alarm names.
        const condition = { threshold: 1, periodSeconds: 60, evaluationPeriods: 2 };
        const rollbackAlarms = { loadBalancer5xx: condition, target5xx: condition, unhealthyHosts: condition, existing: [],
            extra: [{ ...condition, name: "x".repeat(40), metric: "TargetResponseTime", statistic: "p99", comparison: "GreaterThanThreshold", scope: "targetGroups" }] };
        return { name: t, legacyNames, create: { serviceName, taskFamily: serviceName, rollbackAlarms } };
    };
    return { project, stack, images: { repositoryName: name.toLowerCase() },
        targets: [target("prod", true), target("a-target-name-of-24-char", false)] } as unknown as StackConfig;
}

describe("physical names", () => {
    for (const stack of Object.keys(NAMES_BEFORE)) {
        it(`${stack}: every name the committed stack had is unchanged`, async () => {
            const names = namesOf(await evaluated(stack));
            for (const [resource, name] of Object.entries(NAMES_BEFORE[stack])) {
                assert.equal(names[resource], name, resource);
            }
        });
    }

    it("the committed stacks set no physical name twice in one account and region, together", async () => {
        checkNames([...(await evaluated("dev")).resources, ...(await evaluated("prod")).resources]);
    });

    it("a name that fits is kept; one that does not is cut to fit, with a hash of the whole name", () => {
        const role = NAME_LIMITS.iamRole;
        assert.equal(fitName({ body: "cross-account-pipeline-prod", tail: "-pipeline" }, role), "cross-account-pipeline-prod-pipeline");
        const long = "cross-account-pipeline-feature.payments-refund-retry-backoff";
        const fitted = fitName({ body: long, tail: "-task-execution" }, role);
        assert.match(fitted, /^cross-account-pipeline-feature\.payments-[0-9a-f]{8}-task-execution$/);
        assert.ok(fitted.length <= 64);
        assert.equal(fitName({ body: long, tail: "-task-execution" }, role), fitted, "the same on every run");
        assert.notEqual(fitName({ body: `${long}-2`, tail: "-task-execution" }, role), fitted, "two long names that start alike stay apart");
    });

    it("characters a limit refuses are replaced, and the hash keeps apart names that then look alike", () => {
        const dotted = fitName("cross-account-pipeline-my.stack", NAME_LIMITS.codebuildProject);
        assert.match(dotted, /^cross-account-pipeline-my-stack-[0-9a-f]{8}$/);
        assert.equal(fitName("cross-account-pipeline-my-stack", NAME_LIMITS.codebuildProject), "cross-account-pipeline-my-stack");
        assert.match(fitName({ head: "alias/", body: "p-my.stack", tail: "-artifacts" }, NAME_LIMITS.kmsAlias), /^alias\/p-my-stack-[0-9a-f]{8}-artifacts$/);
        assert.match(fitName("p-Stack..x", NAME_LIMITS.ecrRepository), /^p-stack-x-[0-9a-f]{8}$/);
        // Nothing of the body left once cleaned: the hash alone.
        assert.match(fitName("___", NAME_LIMITS.ecrRepository), /^[0-9a-f]{8}$/);
        // One name for four resources: the strictest of their limits (ECS: no dots; CodeDeploy: 100 characters).
        const service = fitName("x".repeat(120), NAME_LIMITS.ecsService, NAME_LIMITS.codedeployApplication);
        assert.equal(service.length, 100);
    });

    it("fits a name to several limits at once: lower case if any limit wants it, cut to the shortest maximum with its head and tail", () => {
        assert.match(fitName("Shop.Prod", NAME_LIMITS.ecrRepository, NAME_LIMITS.codebuildProject), /^shop-prod-[0-9a-f]{8}$/);
        const alias = fitName({ head: "alias/", body: "p".repeat(300), tail: "-artifacts" }, NAME_LIMITS.kmsAlias);
        assert.equal(alias.length, NAME_LIMITS.kmsAlias.max, alias);
        assert.match(alias, /^alias\/p+-[0-9a-f]{8}-artifacts$/);
        // A head or tail that breaks the limit itself is this program's mistake: it fails, naming the name and why.
        assert.throws(() => fitName({ body: "shop", tail: "-t".repeat(40) }, NAME_LIMITS.iamRole), /^Error: cannot fit the name shop(-t){40}: .* has \d+ characters/);
    });

    it("a name's length is judged at both ends of its limit, and a value that is not a name says so", () => {
        const limit = NAME_LIMITS.iamRole;
        const problems = ["x".repeat(limit.min - 1), "x".repeat(limit.min), "x".repeat(limit.max), "x".repeat(limit.max + 1)].map(n => nameProblem(n, limit) !== undefined);
        assert.deepEqual(problems, [true, false, false, true]);
        assert.match(nameProblem("x".repeat(limit.max + 1), limit)!, new RegExp(`has ${limit.max + 1} characters; aws:iam/role:Role name takes ${limit.min} to ${limit.max}`));
        assert.equal(nameProblem(42, limit), `expected a name in ${limit.field}, found 42`);
    });

    it("the names a stack derives from its project and stack, where they fit as they are", () => {
        const names = stackNames({ ...namingConfig("cross-account-pipeline", "prod"), notifications: { slack: undefined } } as StackConfig);
        assert.deepEqual([names.releaseProject, names.checkProject, names.keyAlias, names.notifications.keyAlias, names.notifications.guardrail,
            names.notifications.topic, names.roles.chatbot], ["cross-account-pipeline-prod-release", "cross-account-pipeline-prod-check",
            "alias/cross-account-pipeline-prod-artifacts", "alias/cross-account-pipeline-prod-notifications", "cross-account-pipeline-prod-chatbot-guardrail",
            "cross-account-pipeline-prod-notifications", "cross-account-pipeline-prod-chatbot"]);
        // A wave holding the target with the single-target program's names keeps that program's release tag, so its images stay kept.
        const config = namingConfig("cross-account-pipeline", "prod");
        const wave = stackNames({ ...config, targets: config.targets.map(t => ({ ...t, wave: "all" })) } as StackConfig).stages;
        assert.deepEqual(wave.map(s => [s.targets.length, s.releaseTagPrefix]), [[2, "release-"]]);
        assert.deepEqual(stackNames(config).stages.map(s => s.releaseTagPrefix), ["release-", "release.a-target-name-of-24-char."]);
    });

    it("every name derived from any project and stack names Pulumi allows fits AWS's limits", () => {
        const limits: Record<string, NameLimit | NameLimit[]> = {
            pipeline: NAME_LIMITS.codepipeline, buildProject: NAME_LIMITS.codebuildProject, releaseProject: NAME_LIMITS.codebuildProject,
            checkProject: NAME_LIMITS.codebuildProject, keyAlias: NAME_LIMITS.kmsAlias,
            sourceConnection: NAME_LIMITS.codeconnectionsConnection, sourceHost: NAME_LIMITS.codeconnectionsHost,
            imageRepository: NAME_LIMITS.ecrRepository, roles: NAME_LIMITS.iamRole, targetRoles: NAME_LIMITS.iamRole,
            serviceName: [NAME_LIMITS.ecsService, NAME_LIMITS.ecsCluster, NAME_LIMITS.codedeployApplication, NAME_LIMITS.codedeployGroup],
            taskFamily: NAME_LIMITS.ecsTaskFamily, alarms: NAME_LIMITS.cloudwatchAlarm,
            "notifications.topic": NAME_LIMITS.snsTopic, "notifications.keyAlias": NAME_LIMITS.kmsAlias, "notifications.rule": NAME_LIMITS.notificationRule,
            "notifications.slack": NAME_LIMITS.chatbotConfiguration, "notifications.guardrail": NAME_LIMITS.iamPolicy,
            // Logical names: pulumi-aws names the resources `<logical>-<7 random characters>`.
            balancerNames: [NAME_LIMITS.loadBalancer, NAME_LIMITS.targetGroup],
        };
        fc.assert(fc.property(pulumiName, pulumiName, (project, stack) => {
            const { targets, stages, notifications, ...names } = stackNames(namingConfig(project, stack));
            const fields = [names, Object.fromEntries(Object.entries(notifications).map(([k, v]) => [`notifications.${k}`, v])),
                ...targets.map(t => ({ targetRoles: t.roles, ...t.created, alarms: t.created!.alarms!.map(a => a.alarmName) }))]
                .flatMap(o => Object.entries(o));
            for (const [field, value] of fields) {
                const fieldLimits = ([] as NameLimit[]).concat(limits[field]);
                assert.ok(fieldLimits.length, `no limit for ${field}`);
                for (const written of typeof value === "string" ? [value] : Object.values(value) as string[]) {
                    const name = field === "balancerNames" ? `${written}-abcdef0` : written;
                    for (const limit of fieldLimits) {
                        assert.equal(nameProblem(name, limit), undefined, `${project} / ${stack}: ${field}`);
                    }
                }
            }
            const all = [...Object.values(names.roles), ...targets.flatMap(t => Object.values(t.roles))];
            assert.equal(new Set(all).size, all.length, "role names stay apart");
        }), { seed: 10, numRuns: 500 });
    });

    it("a long stack name with a dot evaluates with names AWS accepts, the default ones derived from it", async () => {
        const stack = "feature.payments-refund-retry-with-exponential-backoff_2024";
        const config = structuredClone((await evaluated("dev")).config);
        delete targetsOf(config)[0].create.serviceName;
        delete block(config, "images").repositoryName;
        const e = await evaluate(stack, config);
        assert.ifError(e.error);
        checkNames(e.resources);
        const names = namesOf(e);
        const prefix = `cross-account-pipeline-${stack}`;
        assert.equal(names["aws:codepipeline/pipeline:Pipeline pipeline-pipeline"], prefix, "a pipeline name may hold dots: unchanged");
        assert.match(names["aws:codebuild/project:Project pipeline-build"], /^cross-account-pipeline-feature-payments-refund-retry-with-exponential-backoff_2024-[0-9a-f]{8}$/);
        assert.match(names["aws:iam/role:Role target-execution"], /^cross-account-pipeline-feature\.payments-[0-9a-f]{8}-task-execution$/);
        assert.match(names["aws:ecs/service:Service target-service"], /^cross-account-pipeline-feature-payments-[\w-]+-[0-9a-f]{8}$/);
        assert.equal(names["aws:ecs/cluster:Cluster target-cluster"], names["aws:ecs/service:Service target-service"]);
        assert.equal(names["aws:ecr/repository:Repository images"], prefix.toLowerCase(), "ECR takes dots: unchanged");
    });
});

describe("the names Pulumi makes: a load balancer's and its target groups'", () => {
    // pulumi-aws names them `<logical name>-<7 random characters>` and refuses, at preview, a logical
    // name that leaves no room for them within ELB's 32 characters (tfbridge.AutoName("name", 32, "-")).
    const BALANCER_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup"];
    const balancers = (e: Evaluation) => e.resources.filter(r => BALANCER_TYPES.includes(r.type));

    it("two created targets of the longest names that start alike: each auto-name within 32 characters, no two logical names alike", async () => {
        const e = await evaluateWith("prod", c => {
            const [staging, prod] = targetsOf(c);
            staging.name = "staging-in-the-eu-west-1";
            Object.assign(prod, { name: "staging-in-the-eu-west-2", legacyNames: undefined });
        });
        assert.ifError(e.error);
        const found = balancers(e);
        assert.equal(found.length, 6);
        assert.equal(new Set(found.map(r => r.name)).size, 6);
        for (const r of found) {
            assert.match(r.state.name, new RegExp(`^${r.name}-[0-9a-f]{7}$`));
            assert.ok(r.state.name.length <= 32, `${r.state.name}: ${r.state.name.length} characters`);
        }
    });

    it("a target named internal: its load balancer's name does not start with internal-, which ELB refuses", async () => {
        const e = await evaluateWith("prod", c => { targetsOf(c)[0].name = "internal"; });
        assert.ifError(e.error);
        const names = balancers(e).filter(r => r.type === "aws:lb/loadBalancer:LoadBalancer").map(r => r.state.name as string);
        assert.equal(names.length, 2);
        assert.deepEqual(names.filter(name => name.startsWith("internal-")), []);
    });

    it("a target whose names fit keeps them: its load balancer and target groups keep their URNs (nothing is replaced)", async () => {
        const names = balancers(await evaluated("prod")).map(r => r.name).sort();
        assert.deepEqual(names, ["staging-target-alb", "staging-target-blue", "staging-target-green", "target-alb", "target-blue", "target-green"]);
    });

    it("the offline engine refuses a logical name one character too long for its auto-name, as pulumi-aws does, and takes one at the limit", async () => {
        const group = (name: string) => planted(provider =>
            new aws.lb.TargetGroup(name, { port: 80, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1" }, { provider }));
        const atLimit = await group("g".repeat(24));
        assert.ifError(atLimit.error);
        assert.equal(one(atLimit, "aws:lb/targetGroup:TargetGroup").state.name.length, 32);
        const over = await group("g".repeat(25));
        assert.match(over.error?.message ?? "", new RegExp("could not make instance of 'aws:lb/targetGroup:TargetGroup': " +
            `name '${"g".repeat(25)}-' plus 7 random chars is longer than maximum length 32`));
    });

    it("an event target's auto-named id: pulumi-aws allows 255 characters, so past EventBridge's 64 the refusal is AWS's, not the preview's", async () => {
        // pulumi-aws's resources.go: "target_id": tfbridge.AutoName("targetId", 255, "-"); EventBridge's Target Id: 1 to 64.
        const target = (name: string) => planted(provider =>
            new aws.cloudwatch.EventTarget(name, { rule: "rule", arn: "arn:aws:sns:eu-west-1:121212121212:topic" }, { provider }));
        const atLimit = await target("t".repeat(56));
        assert.ifError(atLimit.error);
        assert.match(one(atLimit, "aws:cloudwatch/eventTarget:EventTarget").state.targetId, /^t{56}-[0-9a-f]{7}$/);
        const over = await target("t".repeat(57));
        assert.ok(over.error instanceof EngineRuleError, over.error?.message);
        assert.deepEqual(over.error.violations.map(v => [v.property, v.rule]), [["targetId", "length at most 64"]]);
    });

    it("a bucket's auto-name: lowercased, as pulumi-aws makes it, and within S3's 63 characters", async () => {
        const bucket = (name: string) => planted(provider => new aws.s3.Bucket(name, {}, { provider }));
        const atLimit = await bucket(`Logs${"b".repeat(51)}`);
        assert.ifError(atLimit.error);
        assert.match(one(atLimit, "aws:s3/bucket:Bucket").state.bucket, new RegExp(`^logs${"b".repeat(51)}-[0-9a-f]{7}$`));
        const over = await bucket("b".repeat(56));
        assert.match(over.error?.message ?? "", /could not make instance of 'aws:s3\/bucket:Bucket': name 'b{56}-' plus 7 random chars is longer than maximum length 63/);
    });
});
