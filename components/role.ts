import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions } from "./options";
import { PolicyDocument } from "./policies/document";

/** A role with a fixed physical name, its trust policy and one inline policy: never a managed policy. */
export function roleWithPolicy(name: string, roleName: string, trust: pulumi.Input<PolicyDocument>,
    permissions: pulumi.Input<PolicyDocument>, opts: ChildOptions) {
    const role = new aws.iam.Role(name, {
        name: roleName,
        assumeRolePolicy: pulumi.output(trust).apply(d => JSON.stringify(d)),
    }, opts);
    const rolePolicy = new aws.iam.RolePolicy(`${name}-permissions`, {
        role: role.name,
        policy: pulumi.output(permissions).apply(d => JSON.stringify(d)),
    }, opts);
    return { role, rolePolicy };
}
