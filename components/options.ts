import * as pulumi from "@pulumi/pulumi";

/**
 * What a component hands the functions that build its children: itself as their parent (a child's
 * URN carries its parent's type chain) and its provider, passed on to each child explicitly (a
 * remote component, such as awsx's VPC, does not inherit it).
 */
export interface ChildOptions {
    parent: pulumi.Resource;
    provider: pulumi.ProviderResource;
}

/**
 * Components here are account-scoped: refuse to fall back to whatever the ambient provider is. Returns
 * the provider, for the component to pass on to its children.
 */
export function requireProvider(type: string, opts?: pulumi.ComponentResourceOptions, account = "the account it belongs in"): pulumi.ProviderResource {
    if (!opts?.provider) {
        throw new Error(`${type} needs the provider of ${account} (opts.provider)`);
    }
    return opts.provider;
}
