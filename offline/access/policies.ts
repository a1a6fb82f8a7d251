import { PolicyDocument } from "../../components/policies/document";
import { Evaluation, Resource } from "../engine/engine";

/** A policy field (Action, Resource, ...) as a list: IAM allows one value or several. */
export const asList = <T>(v: T | T[] | undefined): T[] => v === undefined ? [] : Array.isArray(v) ? v : [v];

export type PolicyKind = "trust" | "identity" | "key" | "bucket" | "repository" | "topic" | "guardrail";

/** A policy document as registered, with the resource that carries it. */
export interface RegisteredPolicy {
    kind: PolicyKind;
    resource: Resource;
    document: PolicyDocument;
}

/** Which input of which resource type holds a policy document, and what kind it is. */
const POLICY_INPUTS: Record<string, [string, PolicyKind]> = {
    "aws:iam/role:Role": ["assumeRolePolicy", "trust"],
    "aws:iam/rolePolicy:RolePolicy": ["policy", "identity"],
    "aws:kms/key:Key": ["policy", "key"],
    "aws:s3/bucketPolicy:BucketPolicy": ["policy", "bucket"],
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ["policy", "repository"],
    "aws:sns/topicPolicy:TopicPolicy": ["policy", "topic"],
    // A customer-managed policy: the program makes one only as a Slack channel's guardrail, attached to no role.
    "aws:iam/policy:Policy": ["policy", "guardrail"],
};

/** Every policy document the program registered, parsed from the JSON the provider receives. */
export function registeredPolicies(evaluation: Evaluation): RegisteredPolicy[] {
    return evaluation.resources.flatMap(resource => {
        const [input, kind] = POLICY_INPUTS[resource.type] ?? [];
        const text = input && resource.inputs[input];
        return typeof text === "string" ? [{ kind: kind!, resource, document: JSON.parse(text) }] : [];
    });
}
