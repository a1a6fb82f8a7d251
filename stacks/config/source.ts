// The repository the pipeline builds from: CodeCommit, or a provider reached through CodeConnections.
import { z } from "zod";
import { CONNECTION_PROVIDERS } from "../../components/SourceConnection";
import { connectionSourceComplete, includesOrExcludes, isGitBranchName, oneHost, pushFilterCombination } from "./blockRules";
import { CONNECTIONS_ARN, matching, resourceName, UUID, yesNo } from "./values";
import { ALWAYS } from "./rule";

const branchName = () => z.string().regex(/^[\w.\/-]{1,100}$/).refine(isGitBranchName).meta({ expected: "a git branch name" });

const CodeCommitSourceSchema = z.strictObject({
    provider: z.literal("CodeCommit").default("CodeCommit")
        .meta({ expected: "CodeCommit (or no provider)", derivedDefault: "CodeCommit" })
        .describe("CodeCommit: a repository in the pipeline account, started by an EventBridge rule on pushes to `branch`.")
        .meta({ examples: ["CodeCommit"] }),
    repositoryName: resourceName("a CodeCommit repository name").describe("The repository's name, in the pipeline account.")
        .meta({ examples: ["my-service"] }),
    create: yesNo().default(true).meta({ expected: "true (create the repository) or false (use an existing one)" })
        .describe("Create the repository (true) or look up an existing one (false).").meta({ examples: [true] }),
    branch: branchName().default("main").describe("The branch whose pushes start the pipeline.").meta({ examples: ["main"] }),
}).meta({ examples: [{ repositoryName: "my-service", create: true, branch: "main" }] });

/** A list of trigger patterns as GitBranchFilterCriteria and its siblings take them: 1 to 8, each 1 to 255 characters. */
const patterns = (what: string, example: string) => z.array(z.string().min(1).max(255)).min(1).max(8)
    .meta({ expected: `a list of 1 to 8 ${what} patterns (globs such as ${example}, each 1 to 255 characters)`, examples: [[example]] });

/** Include and exclude patterns of one kind (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_GitBranchFilterCriteria.html). */
const criteria = (what: string, plural: string, include: string, exclude: string) => z.strictObject({
    includes: patterns(what, include).optional().describe(`${plural} that start the pipeline.`)
        .meta({ derivedDefault: "none: every one not excluded" }),
    excludes: patterns(what, exclude).optional().describe(`${plural} that never start it, even if included.`)
        .meta({ derivedDefault: "none" }),
}).superRefine(includesOrExcludes, ALWAYS).meta({ expected: "a block with includes, excludes or both", examples: [{ includes: [include] }] });

/**
 * One push filter of a V2 trigger. CodePipeline takes tags, branches, or branches with file paths
 * in one filter (https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-filter.html).
 */
const PushFilterSchema = z.strictObject({
    tags: criteria("tag", "Tags", "v*", "*-rc*").optional().describe("Start on a push of a matching tag (alone in its filter).")
        .meta({ derivedDefault: "none" }),
    branches: criteria("branch", "Branches", "main", "experimental/**").optional().describe("Start on a push to a matching branch.")
        .meta({ derivedDefault: "none" }),
    filePaths: criteria("file path", "File paths", "app/**", "**/*.md").optional()
        .describe("With branches: start only when a pushed commit changes a matching file.").meta({ derivedDefault: "none" }),
}).superRefine(pushFilterCombination, ALWAYS).meta({
    expected: "a block with tags, branches, or branches and filePaths",
    examples: [{ tags: { includes: ["v*"] } }, { branches: { includes: ["main"] }, filePaths: { includes: ["app/**"] } }],
});

const HostVpcSchema = z.strictObject({
    vpcId: matching(/^vpc-[0-9a-f]{8,17}$/, "a VPC id").describe("The VPC the server is reachable from.")
        .meta({ examples: ["vpc-0123456789abcdef0"] }),
    subnetIds: z.array(matching(/^subnet-[0-9a-f]{8,17}$/, "a subnet id")).min(1).max(10)
        .meta({ expected: "a list of 1 to 10 subnet ids of the VPC" }).describe("Subnets of the VPC that reach the server.")
        .meta({ examples: [["subnet-0123456789abcdef0"]] }),
    securityGroupIds: z.array(matching(/^sg-[0-9a-f]{8,17}$/, "a security group id")).min(1).max(10)
        .meta({ expected: "a list of 1 to 10 security group ids of the VPC" })
        .describe("Security groups that let CodeConnections reach the server over HTTPS.").meta({ examples: [["sg-0123456789abcdef0"]] }),
    tlsCertificate: z.string().max(16384).regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/)
        .meta({ expected: "a PEM certificate (-----BEGIN CERTIFICATE----- ...), at most 16384 characters" }).optional()
        .describe("The server's TLS certificate, when a private CA signed it.")
        .meta({ examples: ["-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----"], derivedDefault: "none: a public CA" }),
}).meta({ examples: [{ vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] }] });

/** https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_CreateHost.html */
const HostSchema = z.strictObject({
    arn: matching(CONNECTIONS_ARN("host", "[\\w.-]+"), "a CodeConnections host ARN").optional()
        .describe("An existing host, in the pipeline account and the stack's region (hosts are regional).")
        .meta({ examples: ["arn:aws:codeconnections:ap-northeast-2:111111111111:host/my-ghes-0a1b2c3d"],
            derivedDefault: "none: exactly one of arn and endpoint" }),
    endpoint: z.string().max(512).regex(/^https:\/\/[^\s\/]+(\/\S*)?$/).meta({ expected: "an https:// URL of the server, at most 512 characters" })
        .optional().describe("The server's URL: this program creates a host for it, PENDING until it is set up in the console.")
        .meta({ examples: ["https://github.example.com"], derivedDefault: "none: exactly one of arn and endpoint" }),
    vpc: HostVpcSchema.optional().describe("With endpoint: where a server that is not reachable from the internet is.")
        .meta({ derivedDefault: "none: the server is reachable from the internet" }),
}).superRefine(oneHost, ALWAYS).meta({ expected: "a block with arn (an existing host) or endpoint (a host to create)",
    examples: [{ endpoint: "https://github.example.com" }] });

const ConnectionSourceSchema = z.strictObject({
    provider: z.enum(CONNECTION_PROVIDERS).meta({ expected: `a source provider: CodeCommit, ${CONNECTION_PROVIDERS.join(", ")}` })
        .describe("Where the repository is, reached through a CodeConnections connection (CodePipeline's CodeStarSourceConnection action).")
        .meta({ examples: ["GitHub"] }),
    repository: matching(/^[\w.-]+(\/[\w.-]+)+$/, "owner/repository (GitLab: group/subgroup/project)")
        .describe("The repository, as the provider names it (FullRepositoryId).").meta({ examples: ["my-org/my-service"] }),
    branch: branchName().default("main")
        .describe("The default branch: pushes to it start the pipeline when there are no triggers; a manual start builds it.")
        .meta({ examples: ["main"] }),
    connectionArn: matching(CONNECTIONS_ARN("connection", UUID), "a CodeConnections connection ARN").optional()
        .describe("An existing connection: the pipeline account's, or a codeconnections one shared into it with AWS RAM.")
        .meta({ examples: ["arn:aws:codeconnections:us-east-1:111111111111:connection/0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d"],
            derivedDefault: "none: this stack creates a connection, PENDING until its one-time handshake in the console" }),
    host: HostSchema.optional().describe("GitHubEnterpriseServer and GitLabSelfManaged, with a created connection: the server's host.")
        .meta({ derivedDefault: "none" }),
    fullClone: yesNo().default(false)
        .describe("The build gets a full git clone (CODEBUILD_CLONE_REF), with history and tags; the build role may then use the connection.")
        .meta({ examples: [false] }),
    triggers: z.array(PushFilterSchema).min(1).max(3).meta({ expected: "a list of 1 to 3 push filters" }).optional()
        .describe("CodePipeline V2 push triggers: any one filter starts the pipeline; without them, pushes to `branch` do.")
        .meta({ examples: [[{ tags: { includes: ["v*"] } }]], derivedDefault: "none: every push to `branch`" }),
}).superRefine(connectionSourceComplete, ALWAYS).meta({
    examples: [{ provider: "GitHub", repository: "my-org/my-service", branch: "main" }],
});

/** CodeCommit (today's keys, with or without `provider`) or a repository reached through CodeConnections. */
export const SourceSchema = z.discriminatedUnion("provider", [CodeCommitSourceSchema, ConnectionSourceSchema]).meta({
    expected: "a block: a CodeCommit repository (repositoryName) or, with provider " +
        `${CONNECTION_PROVIDERS.join(", ")}, a repository through CodeConnections`,
    examples: [{ repositoryName: "my-service", create: true, branch: "main" }],
});

