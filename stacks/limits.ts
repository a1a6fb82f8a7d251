// AWS's size limits on the policies that grow with the release path, checked on the documents
// the program would register, before anything is registered. Values only known once created (a
// bucket's generated name, a key's id) stand in at their real length, so the sizes are exact;
// the property tests compare them with the registered documents.
import { artifactBucketPolicy, artifactKeyPolicy } from "../components/policies/artifactStore";
import { partitionOf, PolicyDocument } from "../components/policies/document";
import { imageLifecyclePolicy, imageRepositoryPolicy } from "../components/policies/images";
import { pipelineRolePolicy } from "../components/policies/pipeline";
import { DEPLOYMENT_GRACE_DAYS } from "../components/ImageRepository";
import { StackConfig } from "./config/stackConfig";
import { pathGrants } from "./grants";
import { stackNames } from "./names";
import { apiMember } from "./apiModels";

/** The longest value AWS's API model allows a request member (stacks/apiModels.ts). */
const modelMax = (request: string, member: string) => apiMember(request, member).shape.length!.max!;

/** Characters each document may have, as AWS counts them (IAM: without whitespace; ours has none). */
export const SIZE_LIMITS = {
    /** https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html */
    keyPolicy: 32_768,
    /** https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html */
    bucketPolicy: 20_480,
    /** ECR's model: SetRepositoryPolicy's policyText, PutLifecyclePolicy's lifecyclePolicyText (the offline engine checks them with the model). */
    repositoryPolicy: modelMax("ecr-2015-09-21 SetRepositoryPolicyRequest", "policyText"),
    lifecyclePolicy: modelMax("ecr-2015-09-21 PutLifecyclePolicyRequest", "lifecyclePolicyText"),
    /** https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: a role's inline policies together. */
    roleInlinePolicies: 10_240,
    /** https://docs.aws.amazon.com/general/latest/gr/sns.html (an SNS topic's access policy). */
    topicPolicy: 30_720,
    /** https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: a customer-managed policy. */
    managedPolicy: 6_144,
    /** https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: a role's trust policy (the default quota). */
    trustPolicy: 2_048,
    /**
     * One CodeBuild environment variable's value. AWS documents no limit; CodeBuild has refused a longer
     * one ("InvalidInputException: EnvironmentVariable should be at most 4096 characters", reported in
     * github wolfeidau/buildkite-serverless-agent#35): a conservative rule, kept by every variable the
     * program sets (the targets' list goes to the build in parts of at most this size).
     */
    environmentVariable: 4_096,
} as const;

/** A bucket's generated name: Pulumi's `<logical name>-<7 hex>`. */
const bucketArn = (partition: string, logical: string) => `arn:${partition}:s3:::${logical}-0000000`;
const keyArn = (partition: string, region: string, account: string) =>
    `arn:${partition}:kms:${region}:${account}:key/00000000-0000-0000-0000-000000000000`;
/** The logical name of a region's artifact store: the pipeline region's is `artifacts`. */
export const storeName = (config: Pick<StackConfig, "region">, region: string) => region === config.region ? "artifacts" : `artifacts-${region}`;

/** Which registered document an entry stands for: the key or bucket policy of the store in `region`, or the one of each other kind. */
export type GrowingKind = "key" | "bucket" | "repository" | "lifecycle" | "pipelineRole";

/** The documents that grow with the path, as the program would register them, each with its limit. */
export function growingDocuments(config: StackConfig): { kind: GrowingKind; region: string; document: string; text: string; limit: number }[] {
    const names = stackNames(config);
    const grants = pathGrants(config, names);
    const partition = partitionOf(config.region);
    const account = config.pipelineAccount.accountId;
    const stores = grants.stores.map(s => ({ ...s, bucketArn: bucketArn(partition, `${storeName(config, s.region)}-bucket`),
        keyArn: keyArn(partition, s.region, account) }));
    const arn = (service: string, resource: string) => `arn:${partition}:${service}:${config.region}:${account}:${resource}`;
    const json = (d: PolicyDocument | object) => JSON.stringify(d);
    const projects = [names.buildProject, names.releaseProject, ...config.targets.some(t => t.check) ? [names.checkProject] : []];
    return [
        ...stores.flatMap((s, i) => [{
            kind: "key" as const, region: s.region, document: `key policy of the artifact store in ${s.region}`, limit: SIZE_LIMITS.keyPolicy,
            text: json(artifactKeyPolicy({ accountId: account, partition, region: s.region,
                writerRoleArns: i === 0 ? [grants.pipelineRoleArn, grants.buildRoleArn] : [grants.pipelineRoleArn], readers: s.readers })),
        }, {
            kind: "bucket" as const, region: s.region, document: `bucket policy of the artifact store in ${s.region}`, limit: SIZE_LIMITS.bucketPolicy,
            text: json(artifactBucketPolicy(s.bucketArn, s.keyArn, s.readers)),
        }]),
        { kind: "repository", region: config.region, document: "image repository's policy", limit: SIZE_LIMITS.repositoryPolicy,
            text: json(imageRepositoryPolicy(grants.pullers)) },
        {
            kind: "lifecycle", region: config.region, document: "image repository's lifecycle policy", limit: SIZE_LIMITS.lifecyclePolicy,
            text: json(imageLifecyclePolicy(config.images.keep, config.artifactRetentionDays + DEPLOYMENT_GRACE_DAYS,
                names.stages)),
        },
        {
            kind: "pipelineRole", region: config.region, document: "pipeline role's inline policy", limit: SIZE_LIMITS.roleInlinePolicies,
            text: json(pipelineRolePolicy({
                stores, source: config.source.provider === "CodeCommit" ? { repositoryArn: arn("codecommit", config.source.repositoryName) }
                    : { connectionArn: config.source.connectionArn ?? arn("codeconnections", "connection/00000000-0000-0000-0000-000000000000") },
                buildProjectArns: projects.map(p => arn("codebuild", `project/${p}`)), deployRoles: grants.deployRoles,
                notifications: config.notifications && { topicArn: arn("sns", names.notifications.topic), keyArn: keyArn(partition, config.region, account) },
            })),
        },
    ];
}

/** The growing documents over their limits. */
export function oversizedPolicies(config: StackConfig) {
    return oversized(growingDocuments(config));
}

/** Of some documents, those over their limits (a document of exactly its limit is within it). */
export function oversized(documents: ReturnType<typeof growingDocuments>) {
    return documents.filter(d => d.text.length > d.limit).map(d => ({
        document: d.document, size: d.text.length, limit: d.limit,
        /** Whether it lists roles, which an organization-wide grant replaces. */
        grants: ["key", "bucket", "repository", "pipelineRole"].includes(d.kind),
    }));
}
