import * as aws from "@pulumi/aws";
import { partitionOf } from "../components/policies/document";
import { AccountConfig, StackConfig } from "./config";
import { roleSessionName } from "./names";

/** Which side of the pipeline an account is on; also the value of its `pipeline-side` tag. */
export type Side = "pipeline" | "target";

/**
 * The provider for one account. `allowedAccountIds` makes the AWS provider refuse to act if
 * the credentials (after `assumeRoles`) belong to any other account, so a wrong profile can
 * never provision into the wrong account.
 */
export function accountProvider(config: StackConfig, side: Side, account: AccountConfig): aws.Provider {
    return new aws.Provider(`${side}-account`, {
        region: config.region as aws.Region,
        allowedAccountIds: [account.accountId],
        assumeRoles: account.provisioningRoleArn
            ? [{ roleArn: account.provisioningRoleArn, sessionName: roleSessionName(config) }]
            : undefined,
        defaultTags: { tags: { project: config.project, stack: config.stack, "pipeline-side": side } },
    });
}

export function roleArn(config: StackConfig, accountId: string, roleName: string): string {
    return `arn:${partitionOf(config.region)}:iam::${accountId}:role/${roleName}`;
}
