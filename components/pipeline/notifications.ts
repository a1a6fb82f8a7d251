import * as aws from "@pulumi/aws";
import { ChildOptions } from "../options";
import { CrossAccountPipelineArgs } from "./args";

/** https://docs.aws.amazon.com/dtconsole/latest/userguide/notification-rule-create.html: FULL details carry a failed action's error. */
export function notificationRule(name: string, notifications: NonNullable<CrossAccountPipelineArgs["notifications"]>,
    pipeline: aws.codepipeline.Pipeline, opts: ChildOptions) {
    new aws.codestarnotifications.NotificationRule(`${name}-notifications`, {
        name: notifications.ruleName,
        resource: pipeline.arn,
        detailType: "FULL",
        eventTypeIds: notifications.events,
        targets: [{ type: "SNS", address: notifications.topicArn }],
        status: "ENABLED",
    }, { ...opts, dependsOn: notifications.dependsOn });
}
