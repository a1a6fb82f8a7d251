// The CloudWatch alarms that stop a created target's deployment and roll it back.
import { z } from "zod";
import { AlarmCondition, COMPARISONS, DEFAULT_ALARMS, MAX_ALARMS_PER_GROUP } from "../../components/alarms";
import { alarmsWithinLimit, alarmWindow } from "./blockRules";
import { matching, wholeNumber } from "./values";
import { ALWAYS } from "./rule";

/** A CloudWatch alarm name (in the target's account and region). */
const alarmName = () => z.string().regex(/^[\x20-\x7e]{1,255}$/).meta({ expected: "a CloudWatch alarm name (printable characters, at most 255)" });

/**
 * When an alarm fires: `datapointsToAlarm` of the last `evaluationPeriods` periods of `periodSeconds`
 * breach its threshold (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 * Load balancer and ECS metrics come once a minute, so a period is whole minutes.
 */
const threshold = () => z.number().min(0).meta({ expected: "a number from 0" })
    .describe("The value the statistic is compared with, per period.");
const alarmWindowFields = (defaults: Partial<AlarmCondition>) => ({
    periodSeconds: z.int().min(60).max(86400).multipleOf(60).meta({ expected: "seconds: a multiple of 60 from 60 to 86400" })
        .default(defaults.periodSeconds ?? 60).describe("One period of the statistic.").meta({ examples: [60] }),
    evaluationPeriods: wholeNumber(1, 1440, "periods").default(defaults.evaluationPeriods ?? 2)
        .describe("The periods the alarm looks back over (with periodSeconds, at most a day: CloudWatch's limit).").meta({ examples: [2] }),
    datapointsToAlarm: wholeNumber(1, 1440, "periods").optional()
        .describe("How many of those periods must breach (at most evaluationPeriods).")
        .meta({ examples: [2], derivedDefault: "evaluationPeriods: every one" }),
});

const tunedAlarm = (key: keyof typeof DEFAULT_ALARMS) => z.strictObject({
    threshold: threshold().default(DEFAULT_ALARMS[key].defaults.threshold).meta({ examples: [DEFAULT_ALARMS[key].defaults.threshold] }),
    ...alarmWindowFields(DEFAULT_ALARMS[key].defaults),
})
    .superRefine(alarmWindow, ALWAYS).prefault({})
    .describe(`Tunes the alarm on ${DEFAULT_ALARMS[key].means} (${DEFAULT_ALARMS[key].statistic} of ${DEFAULT_ALARMS[key].metric}` +
        `${DEFAULT_ALARMS[key].scope === "targetGroups" ? ", one alarm per target group" : ""}).`)
    .meta({ examples: [DEFAULT_ALARMS[key].defaults] });

const ExtraAlarmSchema = z.strictObject({
    name: matching(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "a short name: lowercase letters, digits and -, at most 40")
        .describe("Ends the alarm's name (`<serviceName>-<name>`, `-blue-<name>` and `-green-<name>` per target group).")
        .meta({ examples: ["p99-latency"] }),
    metric: matching(/^[\w.:\/#-]{1,255}$/, "a CloudWatch metric name").describe("The metric: one of Elastic Load Balancing's for " +
        "loadBalancer and targetGroups, one of ECS's for service.").meta({ examples: ["TargetResponseTime"] }),
    scope: z.enum(["loadBalancer", "targetGroups", "service"]).meta({ expected: "loadBalancer, targetGroups or service" })
        .describe("What the metric is about, which gives its namespace and dimensions: the load balancer (AWS/ApplicationELB, " +
            "LoadBalancer), each target group (one alarm per group: TargetGroup and LoadBalancer), or the service (AWS/ECS, " +
            "ClusterName and ServiceName).").meta({ examples: ["loadBalancer"] }),
    statistic: matching(/^(Average|Sum|Minimum|Maximum|SampleCount|p(\d{1,2}(\.\d{1,2})?|100))$/,
        "Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p99").describe("The statistic compared with threshold.")
        .meta({ examples: ["p99"] }),
    comparison: z.enum(COMPARISONS).meta({ expected: COMPARISONS.join(", ") }).default("GreaterThanThreshold")
        .describe("How the statistic is compared with threshold.").meta({ examples: ["GreaterThanThreshold"] }),
    threshold: threshold().meta({ examples: [2] }),
    ...alarmWindowFields({}),
}).superRefine(alarmWindow, ALWAYS).meta({
    examples: [{ name: "p99-latency", metric: "TargetResponseTime", scope: "loadBalancer", statistic: "p99", threshold: 2 }],
});

/**
 * CloudWatch alarms that stop a deployment of the target and roll it back (CodeDeploy's
 * DEPLOYMENT_STOP_ON_ALARM): the defaults, tuned, and any extra or existing ones, at most
 * CodeDeploy's limit per deployment group.
 */
export const RollbackAlarmsSchema = z.strictObject({
    loadBalancer5xx: tunedAlarm("loadBalancer5xx"),
    target5xx: tunedAlarm("target5xx"),
    unhealthyHosts: tunedAlarm("unhealthyHosts"),
    extra: z.array(ExtraAlarmSchema).max(MAX_ALARMS_PER_GROUP).meta({ expected: `a list of alarms (with the others, at most ${MAX_ALARMS_PER_GROUP})` })
        .default([]).describe("More alarms on the target's own metrics.")
        .meta({ examples: [[{ name: "p99-latency", metric: "TargetResponseTime", scope: "loadBalancer", statistic: "p99", threshold: 2 }]] }),
    existing: z.array(alarmName()).max(MAX_ALARMS_PER_GROUP).meta({ expected: "a list of CloudWatch alarm names" }).default([])
        .describe("Metric alarms made elsewhere in the target's account and region (an application's own metrics), by name. " +
            "Not composite alarms: CodeDeploy documents alarms that watch one metric, its role may read only these alarms by ARN, " +
            "and CloudWatch returns a composite alarm only to DescribeAlarms allowed on * and asked for composite alarms " +
            "(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html). A name does not say which " +
            "kind an alarm is: each is looked up when the stack is previewed or updated (AWS Cloud Control, as an " +
            "AWS::CloudWatch::Alarm, in the target's account), and one that is not a metric alarm there stops it with the reason.")
        .meta({ examples: [["my-service-checkout-errors"]] }),
}).superRefine(alarmsWithinLimit, ALWAYS).meta({ examples: [{}, { target5xx: { threshold: 5 } }] });

