import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./policies/document";

/** A role with a fixed physical name, its trust policy and one inline policy: never a managed policy. */
export function roleWithPolicy(name: string, roleName: string, trust: pulumi.Input<PolicyDocument>,
    permissions: pulumi.Input<PolicyDocument>, parent: pulumi.Resource) {
    const role = new aws.iam.Role(name, {
        name: roleName,
        assumeRolePolicy: pulumi.output(trust).apply(d => JSON.stringify(d)),
    }, { parent });
    const rolePolicy = new aws.iam.RolePolicy(`${name}-permissions`, {
        role: role.name,
        policy: pulumi.output(permissions).apply(d => JSON.stringify(d)),
    }, { parent });
    return { role, rolePolicy };
}

/** Components here are account-scoped: refuse to fall back to whatever the ambient provider is. */
export function requireProvider(type: string, opts?: pulumi.ComponentResourceOptions) {
    if (!opts?.provider && !opts?.providers) {
        throw new Error(`${type} needs the provider of the account it belongs in (opts.provider)`);
    }
}
