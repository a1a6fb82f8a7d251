// The project's config namespace as one zod schema, assembled from its blocks (this folder): the
// program's types are inferred from it, stacks/validation/parse.ts validates with it, and
// jsonSchema.ts turns it into the stack files' JSON Schema and the README's reference table.
import { z } from "zod";
import { SUPPORTED_PARTITIONS } from "../../components/policies/document";
import { AccountSchema } from "./account";
import { BuildSchema, ImagesSchema } from "./build";
import { NotificationsSchema } from "./notifications";
import { DEFAULT_APPROVAL_TIMEOUT_MINUTES, DEFAULT_ARTIFACT_RETENTION_DAYS } from "./releasePath";
import { SourceSchema } from "./source";
import { TargetSchema } from "./target";
import { ecrRepositoryName, logGroupName, matching, resourceName, SUPPORTED_REGIONS, wholeNumber, yesNo } from "./values";

/**
 * Kept resources with fixed names, adopted by their import ids (their names) instead of created:
 * after `pulumi destroy` kept them, creating them again fails with "already exists".
 */
const AdoptSchema = z.strictObject({
    sourceRepository: resourceName("the kept CodeCommit repository's name").optional()
        .describe("The source repository (with source.create): its name, source.repositoryName.")
        .meta({ examples: ["my-service"], derivedDefault: "none: create it" }),
    imageRepository: ecrRepositoryName().optional()
        .describe("The image repository, with its images: its name, images.repositoryName.")
        .meta({ examples: ["my-service"], derivedDefault: "none: create it" }),
    buildLogGroup: logGroupName().optional()
        .describe("The build's log group: `/aws/codebuild/<project>-<stack>`.")
        .meta({ examples: ["/aws/codebuild/cross-account-pipeline-prod"], derivedDefault: "none: create it" }),
}).meta({ examples: [{ imageRepository: "my-service", buildLogGroup: "/aws/codebuild/cross-account-pipeline-prod" }] });

/** The project's config namespace: every key a stack file may set under `cross-account-pipeline:`, with each block's own rules (the rules across blocks are added in stacks/validation/parse.ts). */
export const ConfigShape = z.strictObject({
    region: z.enum(SUPPORTED_REGIONS)
        .meta({ expected: "an AWS region name" })
        .describe(`The pipeline's region (and its targets' unless they name another): a region of the ${SUPPORTED_PARTITIONS.join(", ")} ` +
            "partition.").meta({ examples: ["ap-northeast-2"] }),
    pipelineAccount: AccountSchema.describe("The tooling account: source, build, pipeline, artifacts, images."),
    targets: z.array(TargetSchema).min(1).meta({ expected: "a list of at least one target" })
        .describe("The release path, in order: each build deploys to these targets one stage after the other (a wave's together).")
        .meta({ examples: [[{ name: "staging", account: { accountId: "555555555555" }, create: { serviceName: "my-service-staging" } },
            { name: "prod", account: { accountId: "222222222222" }, approval: true, create: { serviceName: "my-service" } }]] }),
    allowSameAccount: yesNo().default(false)
        .describe("Allow targets in the pipeline account (a one-account sandbox).").meta({ examples: [false] }),
    source: SourceSchema.describe("The repository the pipeline builds from: CodeCommit, or GitHub, GitLab or Bitbucket through CodeConnections."),
    build: BuildSchema.prefault({}).describe("The CodeBuild project that builds the source."),
    images: ImagesSchema.prefault({}).describe("The image repository in the pipeline account."),
    grants: z.enum(["roles", "organization"]).meta({ expected: "roles (name each role) or organization (any role of the path's names in the organization)" })
        .default("roles")
        .describe("How the artifact stores, the image repository and the pipeline role admit the targets' roles: by their ARNs, " +
            "or (when the lists outgrow AWS's policy size limits) by `aws:PrincipalOrgID` plus the role-name pattern.")
        .meta({ examples: ["roles"] }),
    organizationId: matching(/^o-[a-z0-9]{10,32}$/, "an AWS Organizations id").optional()
        .describe("With grants: organization, the organization every account of the path belongs to.")
        .meta({ examples: ["o-a1b2c3d4e5"], derivedDefault: "none" }),
    approvalTimeoutMinutes: wholeNumber(5, 86400, "minutes").default(DEFAULT_APPROVAL_TIMEOUT_MINUTES)
        .describe("Minutes a manual approval waits before it fails (CodePipeline's default: 7 days). Artifact retention must " +
            "cover it (see artifactRetentionDays).")
        .meta({ examples: [DEFAULT_APPROVAL_TIMEOUT_MINUTES] }),
    notifications: NotificationsSchema.optional()
        .describe("Tell people: failed executions, approvals needed (and succeeded executions), by email and Slack.")
        .meta({ derivedDefault: "none: nobody is told" }),
    artifactRetentionDays: wholeNumber(1, 3650, "days").optional()
        .describe("Days after which artifacts (and their old versions) expire. At least what a stage rollback needs: the build's " +
            "timeout plus, at the slowest stage, twice the longest way out of it (each approval at approvalTimeoutMinutes, each " +
            "deployment a day plus its termination wait) (README: A release that rolls back by itself).")
        .meta({ examples: [30], derivedDefault: `${DEFAULT_ARTIFACT_RETENTION_DAYS}, or the least a stage rollback needs when that is more` }),
    retainOnDelete: yesNo().default(true)
        .describe("Keep the source repository, keys, artifact buckets, image repository, log groups and created targets' " +
            "network log buckets (and the buckets' and repository's guards) when they leave the stack.")
        .meta({ examples: [true] }),
    adopt: AdoptSchema.prefault({})
        .describe("After `pulumi destroy`: kept resources to adopt (Pulumi's `import`, by name) instead of creating them again."),
});

/** A config as the schema parsed it, before the derived defaults. */
export type Config = z.output<typeof ConfigShape>;
