import * as aws from "@pulumi/aws";
import { partitionOf } from "../components/policies/document";
import { AccountConfig, StackConfig } from "./config";

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
            ? [{ roleArn: account.provisioningRoleArn, sessionName: `${config.project}-${config.stack}` }]
            : undefined,
        defaultTags: { tags: { project: config.project, stack: config.stack, "pipeline-side": side } },
    });
}

/** The prefix of every physical name: project and stack, so two stacks can share an account. */
export function namePrefix(config: StackConfig): string {
    return `${config.project}-${config.stack}`;
}

/**
 * Physical names of the roles that policies in the other account refer to. Derived from
 * project and stack, so every ARN is known from config before anything exists (no cycle
 * between the accounts) and two stacks can share an account.
 */
export function roleNames(config: StackConfig) {
    const prefix = namePrefix(config);
    return {
        pipeline: `${prefix}-pipeline`,
        build: `${prefix}-build`,
        events: `${prefix}-events`,
        deploy: `${prefix}-deploy`,
    };
}

export function roleArn(config: StackConfig, accountId: string, roleName: string): string {
    return `arn:${partitionOf(config.region)}:iam::${accountId}:role/${roleName}`;
}

/**
 * Physical names of the roles of a created deploy target. The execution role's is known from
 * config so the pipeline account's image repository policy can name it before it exists.
 */
export function targetRoleNames(config: StackConfig) {
    const prefix = `${config.project}-${config.stack}`;
    return {
        task: `${prefix}-task`,
        execution: `${prefix}-task-execution`,
        codeDeploy: `${prefix}-codedeploy`,
    };
}

/**
 * Physical names of the kept resources that have fixed names: after `pulumi destroy` they still
 * exist, and a new `up` of the stack must adopt them (config `adopt`) by these names, their import
 * ids. Absent: the stack does not create that resource.
 */
export function keptNames(config: StackConfig) {
    return {
        sourceRepository: config.source.provider === "CodeCommit" && config.source.create ? config.source.repositoryName : undefined,
        imageRepository: config.images.repositoryName,
        buildLogGroup: `/aws/codebuild/${namePrefix(config)}`,
        taskLogGroup: config.deployTarget.create && `/ecs/${config.deployTarget.create.taskFamily}`,
    };
}
