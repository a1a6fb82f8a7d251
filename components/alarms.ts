// The CloudWatch alarms that stop a created target's deployment and roll it back: what users feel
// (the load balancer's 5xx responses; unhealthy hosts and 5xx on both target groups, as blue and
// green swap at every deployment), tunable, plus alarms of the stack's own choosing. Data here;
// EcsBlueGreenTarget registers them and wires them to its deployment group (target/deployment.ts).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions } from "./options";

/** CodeDeploy's limit on alarms per deployment group (https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html). */
export const MAX_ALARMS_PER_GROUP = 10;

/**
 * What an alarm watches, and so its namespace and dimensions (filled in from the registered
 * resources: the load balancer's and target groups' `arnSuffix`, the cluster's and service's names).
 */
export type AlarmScope = "loadBalancer" | "targetGroups" | "service";

export const SCOPE_NAMESPACES: Record<AlarmScope, string> = {
    loadBalancer: "AWS/ApplicationELB",
    targetGroups: "AWS/ApplicationELB",
    service: "AWS/ECS",
};

export const COMPARISONS = ["GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"] as const;
export type Comparison = typeof COMPARISONS[number];

/** When an alarm fires: `datapointsToAlarm` of the last `evaluationPeriods` periods breach `threshold`. */
export interface AlarmCondition {
    threshold: number;
    periodSeconds: number;
    evaluationPeriods: number;
    /** Defaults to `evaluationPeriods` (every period must breach). */
    datapointsToAlarm?: number;
}

/** One alarm to create, before its scope is expanded (a target group alarm is one per target group). */
export interface AlarmDefinition extends AlarmCondition {
    /** Ends the alarm's name; unique in the target. */
    name: string;
    metric: string;
    statistic: string;
    comparison: Comparison;
    scope: AlarmScope;
    /** What the alarm means, for its description. */
    means: string;
}

/**
 * The default alarms, each tunable in `rollbackAlarms`. Thresholds count per period: 10 load
 * balancer or target 5xx responses a minute, two minutes running; an unhealthy task for two minutes.
 */
export const DEFAULT_ALARMS = {
    loadBalancer5xx: {
        name: "elb-5xx", metric: "HTTPCode_ELB_5XX_Count", statistic: "Sum", comparison: "GreaterThanOrEqualToThreshold", scope: "loadBalancer",
        means: "5xx responses the load balancer returns itself (no healthy target, timeouts)",
        defaults: { threshold: 10, periodSeconds: 60, evaluationPeriods: 2 },
    },
    target5xx: {
        name: "target-5xx", metric: "HTTPCode_Target_5XX_Count", statistic: "Sum", comparison: "GreaterThanOrEqualToThreshold", scope: "targetGroups",
        means: "5xx responses of the tasks",
        defaults: { threshold: 10, periodSeconds: 60, evaluationPeriods: 2 },
    },
    unhealthyHosts: {
        name: "unhealthy-hosts", metric: "UnHealthyHostCount", statistic: "Maximum", comparison: "GreaterThanOrEqualToThreshold", scope: "targetGroups",
        means: "tasks failing the health check",
        defaults: { threshold: 1, periodSeconds: 60, evaluationPeriods: 2 },
    },
} as const;

export type DefaultAlarm = keyof typeof DEFAULT_ALARMS;

/** A created target's `rollbackAlarms`, as config gives them with their defaults. */
export interface RollbackAlarmsConfig extends Record<DefaultAlarm, AlarmCondition> {
    extra: (AlarmCondition & { name: string; metric: string; statistic: string; comparison: Comparison; scope: AlarmScope })[];
    /** Alarms made elsewhere in the target's account and region, by name. */
    existing: string[];
}

/** The alarms to create, defaults first, each with its tuning. */
export function alarmDefinitions(c: RollbackAlarmsConfig): AlarmDefinition[] {
    const defaults = (Object.keys(DEFAULT_ALARMS) as DefaultAlarm[]).map(key => {
        const { defaults: _, ...definition } = DEFAULT_ALARMS[key];
        return { ...definition, ...c[key] };
    });
    return [...defaults, ...c.extra.map(x => ({ ...x, means: `${x.statistic} of ${x.metric} (${x.scope})` }))];
}

/** One alarm per target group for a target group alarm: blue and green take turns serving. */
export const TARGET_GROUPS = ["blue", "green"] as const;

/** The alarms a deployment group waits on: created ones (a target group alarm once per group) and named ones. */
export function alarmCount(c: Pick<RollbackAlarmsConfig, "existing"> & { extra: { scope: AlarmScope }[] }): number {
    const scopes: AlarmScope[] = [...Object.values(DEFAULT_ALARMS).map(a => a.scope), ...c.extra.map(x => x.scope)];
    return scopes.reduce((n, scope) => n + (scope === "targetGroups" ? TARGET_GROUPS.length : 1), 0) + c.existing.length;
}

/** The physical-name suffix of each alarm a definition makes: `elb-5xx`, `blue-target-5xx` and `green-target-5xx`. */
export function alarmSuffixes(d: Pick<AlarmDefinition, "name" | "scope">): { suffix: string; targetGroup?: typeof TARGET_GROUPS[number] }[] {
    return d.scope === "targetGroups" ? TARGET_GROUPS.map(g => ({ suffix: `${g}-${d.name}`, targetGroup: g })) : [{ suffix: d.name }];
}

/** One alarm to create, named: a definition for one target group or the whole scope. */
export interface RollbackAlarm extends AlarmDefinition {
    /** Physical name: `<serviceName>-<suffix>`. */
    alarmName: string;
    suffix: string;
    targetGroup?: typeof TARGET_GROUPS[number];
}

/** Percentiles go in a metric alarm's ExtendedStatistic, the others in its Statistic. */
export const isPercentile = (statistic: string) => /^p\d/.test(statistic);

/** An alarm's ARN, from its name (CloudWatch alarms are named within an account and region). */
export const alarmArn = (partition: string, region: string, account: string, name: string) =>
    `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}`;

/**
 * The existing alarms a deployment group names, each looked up in the target's account and region
 * when the stack is previewed or updated (AWS Cloud Control's GetResource of an
 * `AWS::CloudWatch::Alarm`, through the target's provider): CodeDeploy documents alarms that watch
 * one metric (https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-create-alarms.html),
 * and its role reads them by ARN. A composite alarm (an `AWS::CloudWatch::CompositeAlarm`), or none
 * of that name, is refused with the reason instead of stopping every deployment when CodeDeploy
 * cannot poll it (CloudWatch returns a composite alarm only to DescribeAlarms allowed on `*`).
 */
export function metricAlarmsOnly(names: string[], opts: ChildOptions): pulumi.Output<string[]> {
    return pulumi.output(Promise.all(names.map(name =>
        aws.cloudcontrol.getResource({ typeName: "AWS::CloudWatch::Alarm", identifier: name }, opts).then(() => name, (e: Error) => {
            throw new Error(`rollbackAlarms.existing: ${name} is no metric alarm of the target's account and region (a composite alarm, ` +
                "or none of that name): CodeDeploy polls alarms that watch one metric, and reads a composite alarm only with " +
                "cloudwatch:DescribeAlarms on * (https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-create-alarms.html)" +
                (e.message ? `; Cloud Control: ${e.message}` : ""));
        }))));
}
