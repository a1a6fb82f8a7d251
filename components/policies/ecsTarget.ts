import { imagePullStatements } from "./images";
import { passTaskRolesToEcsTasks, policy, PolicyDocument, writeLogs } from "./document";

/** The task execution role (ECS agent): pull the image, write the container's logs. Nothing for the app itself. */
export function executionRolePolicy(repositoryArn: string, logGroupArn: string): PolicyDocument {
    return policy(...imagePullStatements(repositoryArn), writeLogs("WriteContainerLogsToOwnLogGroup", logGroupArn));
}

/** What CodeDeploy touches in one ECS blue/green deployment. All values are resolved strings. */
export interface BlueGreenGrants {
    /** `arn:...:service/<cluster>/<service>` */
    serviceArn: string;
    /** Production and test listeners, whose default actions CodeDeploy moves between the target groups. */
    listenerArns: string[];
    /** The task role and task execution role of the service's task definitions. */
    passRoleArns: string[];
    /** The alarms that stop the service's deployments (none: no statement). */
    alarmArns: string[];
}

/** Task sets of a service: `task-set/<cluster>/<service>/<id>`. */
export function taskSetsOf(serviceArn: string): string {
    return `${serviceArn.replace(":service/", ":task-set/")}/*`;
}

/** Rules of a listener: `listener-rule/app/<lb>/<lb id>/<listener id>/<rule id>`. */
export function rulesOf(listenerArn: string): string {
    return `${listenerArn.replace(":listener/", ":listener-rule/")}/*`;
}

/**
 * CodeDeploy's service role for one ECS service, in place of AWSCodeDeployRoleForECS, which
 * may change every service and listener of the account, pass any role to ECS and read every alarm.
 */
export function codeDeployRolePolicy(g: BlueGreenGrants): PolicyDocument {
    return policy({
        Sid: "ReplaceTaskSetsOfThisService",
        Effect: "Allow",
        Action: ["ecs:DescribeServices", "ecs:CreateTaskSet", "ecs:UpdateServicePrimaryTaskSet", "ecs:DeleteTaskSet"],
        Resource: [g.serviceArn, taskSetsOf(g.serviceArn)],
    }, {
        Sid: "MoveTrafficOnTheseListeners",
        Effect: "Allow",
        Action: ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"],
        Resource: [...g.listenerArns, ...g.listenerArns.map(rulesOf)],
    }, {
        // ELB's Describe actions accept no resource but "*"; they read, they change nothing.
        Sid: "ReadListenersAndTargetGroups",
        Effect: "Allow",
        Action: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTargetGroups"],
        Resource: "*",
    }, passTaskRolesToEcsTasks(g.passRoleArns), ...g.alarmArns.length ? [{
        // CodeDeploy polls the deployment group's alarms during a deployment, and stops and rolls back when one fires.
        Sid: "ReadOwnRollbackAlarms",
        Effect: "Allow" as const,
        Action: "cloudwatch:DescribeAlarms",
        Resource: g.alarmArns,
    }] : []);
}
