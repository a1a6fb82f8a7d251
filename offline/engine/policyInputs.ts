// Which input of which resource type holds a policy document: read by the API rules (the policy
// grammar) and by the access proof (the documents it evaluates).

export type PolicyKind = "trust" | "identity" | "key" | "bucket" | "repository" | "topic" | "guardrail";

/** Resource type -> the input holding its policy document (JSON text), and what kind of policy it is. */
export const POLICY_INPUTS: Record<string, [input: string, kind: PolicyKind]> = {
    "aws:iam/role:Role": ["assumeRolePolicy", "trust"],
    "aws:iam/rolePolicy:RolePolicy": ["policy", "identity"],
    "aws:kms/key:Key": ["policy", "key"],
    "aws:s3/bucketPolicy:BucketPolicy": ["policy", "bucket"],
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ["policy", "repository"],
    "aws:sns/topicPolicy:TopicPolicy": ["policy", "topic"],
    // A customer-managed policy: the program makes one only as a Slack channel's guardrail, attached to no role.
    "aws:iam/policy:Policy": ["policy", "guardrail"],
};
