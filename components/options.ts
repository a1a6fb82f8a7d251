import * as pulumi from "@pulumi/pulumi";

/**
 * What a component hands the functions that build its children: itself as their parent (a child's
 * URN carries its parent's type chain) and its provider, passed on to each child explicitly (a
 * remote component, such as awsx's VPC, does not inherit it).
 */
export interface ChildOptions {
    parent: pulumi.Resource;
    provider?: pulumi.ProviderResource;
}
