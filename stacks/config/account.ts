// An AWS account of the stack: the pipeline's, a target's.
import { z } from "zod";
import { roleInOwnAccount } from "./blockRules";
import { accountId, roleArn } from "./values";
import { ALWAYS } from "./rule";

export const AccountSchema = z.strictObject({
    accountId: accountId().describe("The account's id; its provider refuses to act in any other account.")
        .meta({ examples: ["111111111111"] }),
    provisioningRoleArn: roleArn().optional()
        .describe("A role in this account to assume for provisioning; absent: the ambient credentials, as they are.")
        .meta({ examples: ["arn:aws:iam::111111111111:role/pulumi-provisioner"], derivedDefault: "none: ambient credentials" }),
}).superRefine(roleInOwnAccount, ALWAYS).meta({
    examples: [{ accountId: "111111111111", provisioningRoleArn: "arn:aws:iam::111111111111:role/pulumi-provisioner" }],
});
