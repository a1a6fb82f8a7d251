// Alarm-driven rollback on created targets: the alarms (what users feel, on both target groups),
// their dimensions from the registered resources, their wiring to the deployment group, what
// CodeDeploy's role may read, CodeDeploy's limit, and what changes when config does.
import { strict as assert } from "assert";
import { configOf } from "../offline/access/access";
import { Evaluation, RawConfig, Resource } from "../offline/engine/engine";
import { AccountMocks } from "../offline/engine/mocks";
import { plan } from "../offline/report/plan";
import { stackNames } from "../stacks/names";
import { checkRollback } from "./properties/invariants";
import { all, evaluated, evaluateWith, existingTargetConfig, policyOf, targetsOf } from "./support/stacks";

/** A target's own resources of a type, by the logical name they start with. */
const own = (e: Evaluation, logical: string, type: string) => all(e, type).filter(r => r.name.startsWith(`${logical}-`));
const named = (e: Evaluation, name: string, type?: string) => {
    const found = e.resources.filter(r => r.name === name && r.custom && (type === undefined || r.type === type));
    assert.equal(found.length, 1, name);
    return found[0];
};

describe("rollback alarms", () => {
    for (const stack of ["dev", "prod", "path", "existing"]) {
        it(`${stack}: alarms as config asks, in the target's account, on its own load balancer and target groups, wired and readable`, async () => {
            const e = await evaluated(stack);
            assert.equal(e.error?.message, undefined);
            checkRollback(e, configOf(e));
        });
    }

    describe("prod's PROD target", () => {
        let e: Evaluation;
        let alarms: Resource[];
        const alarm = (suffix: string) => named(e, `target-alarm-${suffix}`);
        before(async () => {
            e = await evaluated("prod");
            alarms = own(e, "target", "aws:cloudwatch/metricAlarm:MetricAlarm");
        });

        it("watches what users feel: the load balancer's 5xx, and 5xx and unhealthy hosts of both target groups (blue and green swap), and slow answers", () => {
            assert.deepEqual(alarms.map(a => a.inputs.name).sort(), ["my-service-blue-target-5xx", "my-service-blue-unhealthy-hosts", "my-service-elb-5xx",
                "my-service-green-target-5xx", "my-service-green-unhealthy-hosts", "my-service-p99-latency"]);
            assert.ok(alarms.every(a => a.account === "232323232323" && a.region === "ap-northeast-2"), "in PROD's account and region");
            assert.ok(alarms.every(a => a.inputs.treatMissingData === "notBreaching"), "no traffic (an idle target group) is no alarm");
        });

        it("takes its dimensions from the registered load balancer's and target groups' arnSuffix", () => {
            const lb = named(e, "target-alb", "aws:lb/loadBalancer:LoadBalancer");
            const [blue, green] = ["blue", "green"].map(c => named(e, `target-${c}`));
            assert.match(lb.state.arnSuffix, /^app\/[\w-]+\/[0-9a-f]+$/);
            assert.deepEqual(alarm("elb-5xx").inputs.dimensions, { LoadBalancer: lb.state.arnSuffix });
            assert.deepEqual(alarm("blue-target-5xx").inputs.dimensions, { TargetGroup: blue.state.arnSuffix, LoadBalancer: lb.state.arnSuffix });
            assert.deepEqual(alarm("green-unhealthy-hosts").inputs.dimensions, { TargetGroup: green.state.arnSuffix, LoadBalancer: lb.state.arnSuffix });
            assert.notEqual(blue.state.arnSuffix, green.state.arnSuffix);
        });

        it("fires as tuned: the defaults, 5xx of the tasks from 5 a minute (prod's tuning), p99 latency over 2 s", () => {
            const when = (a: Resource) => [a.inputs.namespace, a.inputs.metricName, a.inputs.statistic ?? a.inputs.extendedStatistic,
                a.inputs.comparisonOperator, a.inputs.threshold, a.inputs.period, a.inputs.evaluationPeriods, a.inputs.datapointsToAlarm];
            assert.deepEqual(when(alarm("elb-5xx")), ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", "GreaterThanOrEqualToThreshold", 10, 60, 2, 2]);
            assert.deepEqual(when(alarm("green-target-5xx")), ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", "GreaterThanOrEqualToThreshold", 5, 60, 2, 2]);
            assert.deepEqual(when(alarm("blue-unhealthy-hosts")), ["AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", "GreaterThanOrEqualToThreshold", 1, 60, 2, 2]);
            assert.deepEqual(when(alarm("p99-latency")), ["AWS/ApplicationELB", "TargetResponseTime", "p99", "GreaterThanThreshold", 2, 60, 2, 2]);
            assert.equal(alarm("p99-latency").inputs.statistic, undefined, "a percentile is an extended statistic");
        });

        it("stops a deployment and rolls it back when one fires, as its group says, which waits for the alarms", () => {
            const group = named(e, "target-group");
            assert.deepEqual(group.inputs.alarmConfiguration, { enabled: true, ignorePollAlarmFailure: false,
                alarms: ["my-service-elb-5xx", "my-service-blue-target-5xx", "my-service-green-target-5xx", "my-service-blue-unhealthy-hosts",
                    "my-service-green-unhealthy-hosts", "my-service-p99-latency"] });
            assert.deepEqual(group.inputs.autoRollbackConfiguration, { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] });
            assert.deepEqual(alarms.filter(a => !group.dependencies.includes(a.urn)), []);
        });

        it("lets CodeDeploy's role read these alarms, by ARN, and nothing else new", () => {
            const policy = policyOf(named(e, "target-codedeploy-permissions"));
            const read = policy.Statement.find((s: any) => s.Sid === "ReadOwnRollbackAlarms");
            assert.deepEqual(read, { Sid: "ReadOwnRollbackAlarms", Effect: "Allow", Action: "cloudwatch:DescribeAlarms",
                Resource: group(e).inputs.alarmConfiguration.alarms.map((n: string) => `arn:aws:cloudwatch:ap-northeast-2:232323232323:alarm:${n}`) });
            assert.deepEqual(policy.Statement.map((s: any) => s.Sid), ["ReplaceTaskSetsOfThisService", "MoveTrafficOnTheseListeners",
                "ReadListenersAndTargetGroups", "PassOnlyTaskRolesOnlyToEcsTasks", "ReadOwnRollbackAlarms"]);
        });
        const group = (ev: Evaluation) => named(ev, "target-group");
    });

    it("a target without rollbackAlarms (dev) rolls back a failed deployment only, and its CodeDeploy role reads no alarm", async () => {
        const e = await evaluated("dev");
        assert.deepEqual(all(e, "aws:cloudwatch/metricAlarm:MetricAlarm"), []);
        const group = named(e, "target-group");
        assert.deepEqual([group.inputs.alarmConfiguration, group.inputs.autoRollbackConfiguration],
            [{ enabled: false }, { enabled: true, events: ["DEPLOYMENT_FAILURE"] }]);
        assert.ok(!policyOf(named(e, "target-codedeploy-permissions")).Statement.some((s: any) => /cloudwatch/.test(JSON.stringify(s.Action))));
    });

    it("an alarm on the service watches its cluster and service by name; an existing alarm is waited on and read by its ARN", async () => {
        const e = await evaluateWith("prod", c => {
            targetsOf(c)[1].create.rollbackAlarms = {
                extra: [{ name: "cpu", metric: "CPUUtilization", scope: "service", statistic: "Average", threshold: 90 }],
                existing: ["checkout errors"],
            };
        });
        assert.ifError(e.error);
        assert.deepEqual(named(e, "target-alarm-cpu").inputs.dimensions, { ClusterName: "my-service", ServiceName: "my-service" });
        assert.equal(named(e, "target-alarm-cpu").inputs.namespace, "AWS/ECS");
        assert.match(named(e, "target-alarm-cpu").inputs.alarmDescription, /: Average of CPUUtilization \(service\)/, "a user's alarm says what it watches");
        const group = named(e, "target-group");
        assert.equal(group.inputs.alarmConfiguration.alarms.at(-1), "checkout errors");
        const read = policyOf(named(e, "target-codedeploy-permissions")).Statement.find((s: any) => s.Sid === "ReadOwnRollbackAlarms");
        assert.equal(read.Resource.at(-1), "arn:aws:cloudwatch:ap-northeast-2:232323232323:alarm:checkout errors");
        checkRollback(e, configOf(e));
    });

    it("an existing alarm is looked up as a metric alarm in the target's account and region; one that is not ends the preview naming it", async () => {
        const withExisting = (c: RawConfig) => { targetsOf(c)[1].create.rollbackAlarms = { existing: ["checkout errors", "composite health"] }; };
        const e = await evaluateWith("prod", withExisting);
        assert.ifError(e.error);
        const lookups = e.invokes.filter(i => i.token === "aws:cloudcontrol/getResource:getResource");
        assert.deepEqual(lookups.map(i => [i.inputs.typeName, i.inputs.identifier, i.account, i.region]), [
            ["AWS::CloudWatch::Alarm", "checkout errors", "232323232323", "ap-northeast-2"],
            ["AWS::CloudWatch::Alarm", "composite health", "232323232323", "ap-northeast-2"]]);
        // Cloud Control finds no AWS::CloudWatch::Alarm of a composite alarm's name (it is an AWS::CloudWatch::CompositeAlarm).
        const call = AccountMocks.prototype.call;
        AccountMocks.prototype.call = function (args) {
            if (args.token === "aws:cloudcontrol/getResource:getResource" && args.inputs.identifier === "composite health") {
                throw new Error("ResourceNotFoundException: AWS::CloudWatch::Alarm with identifier composite health not found");
            }
            return call.call(this, args);
        };
        try {
            const refused = await evaluateWith("prod", withExisting);
            assert.match(refused.error?.message ?? "", /rollbackAlarms\.existing: composite health is no metric alarm of the target's account and region \(a composite alarm, or none of that name\).*monitoring-create-alarms\.html\)$/,
                "Cloud Control's reason is added when it gives one (offline, a mock's failed invoke reaches the program without a message)");
        } finally {
            AccountMocks.prototype.call = call;
        }
    });

    describe("config", () => {
        const refused = async (alarms: unknown) => {
            const e = await evaluateWith("prod", c => { targetsOf(c)[1].create.rollbackAlarms = alarms; });
            assert.ok(e.error, "accepted");
            assert.deepEqual(e.resources.map(r => r.type), ["pulumi:pulumi:Stack"]);
            return e.error.message;
        };

        it("refuses more alarms than CodeDeploy takes per deployment group (a target group alarm counts twice)", async () => {
            const extra = ["a", "b", "c"].map(name => ({ name, metric: "RequestCount", scope: "targetGroups", statistic: "Sum", threshold: 1 }));
            assert.match(await refused({ extra }), /targets\[1\]\.create\.rollbackAlarms\.extra: expected at most 10 alarms per deployment group, CodeDeploy's limit \(found 11/);
            // At the limit, accepted: 5 defaults, two target group alarms (4) and one existing.
            const e = await evaluateWith("prod", c => { targetsOf(c)[1].create.rollbackAlarms = { extra: extra.slice(0, 2), existing: ["x"] }; });
            assert.ifError(e.error);
            assert.equal(named(e, "target-group").inputs.alarmConfiguration.alarms.length, 10);
        });

        it("refuses a name a default alarm has, a window over a day, and more breaching periods than evaluated", async () => {
            assert.match(await refused({ extra: [{ name: "elb-5xx", metric: "RequestCount", scope: "loadBalancer", statistic: "Sum", threshold: 1 }] }),
                /rollbackAlarms\.extra\[0\]\.name: expected a name no other alarm of the target has/);
            assert.match(await refused({ target5xx: { periodSeconds: 3600, evaluationPeriods: 25 } }),
                /rollbackAlarms\.target5xx\.evaluationPeriods: expected at most 24 periods of 3600 seconds/);
            assert.match(await refused({ unhealthyHosts: { evaluationPeriods: 2, datapointsToAlarm: 3 } }),
                /rollbackAlarms\.unhealthyHosts\.datapointsToAlarm: expected at most evaluationPeriods \(2\)/);
        });

        it("an existing target's deployment group is not this stack's: rollbackAlarms has no place there, and the plan says what is not wired", async () => {
            const e = await evaluateWith("dev", c => {
                Object.assign(c, structuredClone(existingTargetConfig()));
                targetsOf(c)[0].existing.rollbackAlarms = {};
            });
            assert.match(e.error!.message, /targets\[0\]\.existing\.rollbackAlarms: expected a known key/);
            const { text } = await plan("dev", existingTargetConfig());
            assert.match(text, /staging: alarms not wired: its deployment group legacy-service\/legacy-service-staging is not this stack's/);
        });
    });

    describe("day 2", () => {
        it("removing rollbackAlarms deletes the alarms and disarms them explicitly; the running service is not touched", async () => {
            const before = await evaluated("prod");
            const after = await evaluateWith("prod", c => { targetsOf(c).forEach(t => { delete t.create.rollbackAlarms; }); });
            assert.deepEqual(all(after, "aws:cloudwatch/metricAlarm:MetricAlarm"), []);
            assert.deepEqual(named(after, "target-group").inputs.alarmConfiguration, { enabled: false });
            // Only the group, the CodeDeploy role's policy and the alarms change: the service, its tasks and listeners keep their inputs.
            const types = ["aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition", "aws:lb/listener:Listener", "aws:lb/loadBalancer:LoadBalancer"];
            const inputs = (e: Evaluation) => JSON.stringify(e.resources.filter(r => types.includes(r.type)).map(r => [r.urn, r.inputs]));
            assert.equal(inputs(after), inputs(before));
        });

        it("tuning an alarm changes that alarm only, in place (same URN)", async () => {
            const before = await evaluated("prod");
            const after = await evaluateWith("prod", c => { targetsOf(c)[1].create.rollbackAlarms.target5xx.threshold = 20; });
            const names = stackNames(configOf(after)).targets[1].created!.alarms!.map(a => a.alarmName);
            const byUrn = (e: Evaluation) => new Map(all(e, "aws:cloudwatch/metricAlarm:MetricAlarm").map(a => [a.urn, a.inputs]));
            const [old, now] = [byUrn(before), byUrn(after)];
            assert.deepEqual([...now.keys()].sort(), [...old.keys()].filter(u => now.has(u)).sort());
            const changed = [...now].filter(([urn, inputs]) => JSON.stringify(inputs) !== JSON.stringify(old.get(urn))).map(([, i]) => i.name);
            assert.deepEqual(changed.sort(), ["my-service-blue-target-5xx", "my-service-green-target-5xx"]);
            assert.ok(names.includes("my-service-blue-target-5xx"));
        });
    });
});
