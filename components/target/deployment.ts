import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmArn, isPercentile, metricAlarmsOnly, RollbackAlarm, SCOPE_NAMESPACES } from "../alarms";
import { ChildOptions } from "../options";
import { codeDeployRolePolicy } from "../policies/ecsTarget";
import { partitionOf, serviceTrustPolicy } from "../policies/document";
import { roleWithPolicy } from "../role";
import { EcsBlueGreenTargetArgs } from "./args";
import { Listeners, LoadBalancer } from "./loadBalancer";
import { Tasks } from "./service";

/** What a deployment acts on: the load balancer, its target groups and listeners, the service and its roles. */
export interface DeploymentTargets extends LoadBalancer {
    listeners: Listeners;
    tasks: Tasks;
    cluster: aws.ecs.Cluster;
    service: aws.ecs.Service;
}

/**
 * The CodeDeploy application and its blue/green deployment group, run as CodeDeploy's role, with the
 * rollback alarms: those created here and those of the account it checks (metric alarms only) first.
 */
export function deploymentGroup(name: string, args: Pick<EcsBlueGreenTargetArgs,
    "accountId" | "region" | "serviceName" | "roleNames" | "deploymentConfigName" | "terminationWaitMinutes" | "rollbackAlarms">,
    on: DeploymentTargets, opts: ChildOptions) {
    const alarms = (args.rollbackAlarms?.alarms ?? []).map(a => rollbackAlarm(name, args.serviceName, a, on, opts));
    const existing = args.rollbackAlarms?.existing ?? [];
    const existingAlarms = metricAlarmsOnly(existing, opts);
    const createdNames = args.rollbackAlarms?.alarms.map(a => a.alarmName) ?? [];
    const alarmNames = [...createdNames, ...existing];
    const partition = partitionOf(args.region);
    const codeDeploy = roleWithPolicy(`${name}-codedeploy`, args.roleNames.codeDeploy,
        serviceTrustPolicy("codedeploy.amazonaws.com", args.accountId),
        pulumi.all([on.service.arn, on.listeners.production.arn, on.listeners.test.arn, on.tasks.taskRole.arn, on.tasks.executionRole.arn,
            pulumi.all(alarms.map(a => a.arn))])
            .apply(([serviceArn, productionArn, testArn, taskRoleArn, executionRoleArn, createdAlarmArns]) => codeDeployRolePolicy({
                serviceArn, listenerArns: [productionArn, testArn], passRoleArns: [taskRoleArn, executionRoleArn],
                alarmArns: [...createdAlarmArns, ...existing.map(n => alarmArn(partition, args.region, args.accountId, n))],
            })),
        opts);
    const application = new aws.codedeploy.Application(`${name}-application`, {
        name: args.serviceName,
        computePlatform: "ECS",
    }, opts);
    const group = new aws.codedeploy.DeploymentGroup(`${name}-group`, {
        appName: application.name,
        deploymentGroupName: args.serviceName,
        deploymentConfigName: args.deploymentConfigName,
        serviceRoleArn: codeDeploy.role.arn,
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        blueGreenDeploymentConfig: {
            deploymentReadyOption: { actionOnTimeout: "CONTINUE_DEPLOYMENT" },
            terminateBlueInstancesOnDeploymentSuccess: { action: "TERMINATE", terminationWaitTimeInMinutes: args.terminationWaitMinutes },
        },
        // When a rollback alarm fires during a deployment, CodeDeploy stops it and moves traffic back (the alarms are polled
        // as the CodeDeploy role); set off explicitly without alarms, so removing them from config disarms them.
        alarmConfiguration: alarmNames.length ? {
            enabled: true, ignorePollAlarmFailure: false,
            // The existing alarms as Cloud Control found them: registered once each is known to be a metric alarm.
            alarms: existingAlarms.apply(found => [...createdNames, ...found]),
        } : { enabled: false },
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", ...alarmNames.length ? ["DEPLOYMENT_STOP_ON_ALARM"] : []] },
        ecsService: { clusterName: on.cluster.name, serviceName: on.service.name },
        loadBalancerInfo: {
            targetGroupPairInfo: {
                prodTrafficRoute: { listenerArns: [on.listeners.production.arn] },
                testTrafficRoute: { listenerArns: [on.listeners.test.arn] },
                targetGroups: [{ name: on.blue.name }, { name: on.green.name }],
            },
        },
    }, { ...opts, dependsOn: [codeDeploy.rolePolicy, ...alarms] });
    return { application, group };
}

/**
 * One rollback alarm, in the target's account and region, its dimensions from the registered
 * resources: the load balancer's and target groups' `arnSuffix` (`app/<name>/<id>`,
 * `targetgroup/<name>/<id>`, what CloudWatch's LoadBalancer and TargetGroup dimensions take) or the
 * cluster's and service's names. No data (no traffic, an idle target group) is not an alarm.
 */
function rollbackAlarm(name: string, serviceName: string, a: RollbackAlarm,
    on: Pick<DeploymentTargets, "alb" | "blue" | "green" | "cluster" | "service">, opts: ChildOptions): aws.cloudwatch.MetricAlarm {
    const dimensions: Record<typeof a.scope, () => Record<string, pulumi.Input<string>>> = {
        loadBalancer: () => ({ LoadBalancer: on.alb.arnSuffix }),
        targetGroups: () => ({ TargetGroup: on[a.targetGroup!].arnSuffix, LoadBalancer: on.alb.arnSuffix }),
        service: () => ({ ClusterName: on.cluster.name, ServiceName: on.service.name }),
    };
    return new aws.cloudwatch.MetricAlarm(`${name}-alarm-${a.suffix}`, {
        name: a.alarmName,
        alarmDescription: `Stops a deployment of ${serviceName} and rolls it back: ${a.means}` +
            `${a.targetGroup ? ` (${a.targetGroup} target group)` : ""}`,
        namespace: SCOPE_NAMESPACES[a.scope],
        metricName: a.metric,
        dimensions: dimensions[a.scope](),
        ...isPercentile(a.statistic) ? { extendedStatistic: a.statistic } : { statistic: a.statistic },
        comparisonOperator: a.comparison,
        threshold: a.threshold,
        period: a.periodSeconds,
        evaluationPeriods: a.evaluationPeriods,
        datapointsToAlarm: a.datapointsToAlarm ?? a.evaluationPeriods,
        treatMissingData: "notBreaching",
    }, opts);
}
