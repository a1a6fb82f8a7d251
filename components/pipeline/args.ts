import * as pulumi from "@pulumi/pulumi";
import { Grantees } from "../policies/document";
import { ConnectionProvider } from "../SourceConnection";

/** One target's deploy action: CodeDeployToECS in the target's account and region, as its deploy role. */
export interface DeployAction {
    /** The target's name: the action's. */
    name: string;
    /** The role in the target's account that the action runs as. */
    roleArn: pulumi.Input<string>;
    region: string;
    applicationName: pulumi.Input<string>;
    deploymentGroupName: pulumi.Input<string>;
    /** The task definition and appspec the build wrote for this target. */
    files: { taskDefinition: string; appSpec: string };
    /**
     * A smoke test after the deploy (`check`): the URL it GETs (the next stage waits for its 2xx or 3xx),
     * and where curl connects for it (`--connect-to`, see checkBuildspec), if not the URL's own host.
     */
    check?: pulumi.Input<{ url: string; connectTo?: string }>;
}

/** A manual approval before a stage's deploys, and what its request tells the approver. */
export interface ApprovalRequest {
    /** The approval's own stage, just before the deploys' (see approvalStage). */
    stageName: string;
    /** What is approved (the action's CustomData, at most APPROVAL_MESSAGE_MAX characters): see `approvalMessage`. */
    message: string;
    /** A page to look at first (ExternalEntityLink): the previous stage's target, where there is one. */
    reviewUrl?: pulumi.Input<string>;
}

/** One stage of the release path after the build: a target, or a wave of targets deployed in parallel. */
export interface DeployStage {
    name: string;
    /** A manual approval first, in a stage of its own, and what its request says. */
    approval?: ApprovalRequest;
    /** The tag the release marker adds to the image once every deploy of the stage succeeded (see releaseMarkerBuildspec). */
    releaseTagPrefix: string;
    /** A wave's: the tag the marker adds before its deploys, for the targets of a partly failed wave. */
    attemptTagPrefix?: string;
    deploys: DeployAction[];
}

/** An artifact store, as the pipeline names it: the bucket and its key, in one region. */
export interface ArtifactStoreRef {
    region: string;
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    /** The customer-managed key for every artifact there; the targets' accounts can read nothing else. */
    keyArn: pulumi.Input<string>;
}

/** Patterns a push filter includes or excludes (globs, as CodePipeline matches them). */
export interface FilterCriteria {
    includes?: string[];
    excludes?: string[];
}

/** One push filter of a V2 trigger: tags alone, branches, or branches with file paths. */
export interface PushFilter {
    tags?: FilterCriteria;
    branches?: FilterCriteria;
    filePaths?: FilterCriteria;
}

/** A CodeCommit repository in the pipeline account. */
export interface CodeCommitSource {
    provider: "CodeCommit";
    repositoryName: string;
    /** false: look up an existing repository instead of creating one. */
    create: boolean;
    branch: string;
}

/** A repository of another provider, through a CodeConnections connection (CodePipeline's CodeStarSourceConnection action). */
export interface ConnectionSource {
    provider: ConnectionProvider;
    /** The connection: this account's, or one shared into it with AWS RAM. The pipeline role may use it and no other. */
    connectionArn: pulumi.Input<string>;
    /** `owner/repository`, as the provider names it (the action's FullRepositoryId). */
    repository: string;
    /** The default branch: a manual start builds it, and without triggers pushes to it start the pipeline. */
    branch: string;
    /** The build clones the repository itself (CODEBUILD_CLONE_REF): history and tags; the build role may use the connection then. */
    fullClone: boolean;
    /** V2 push triggers (any one starts the pipeline); none: every push to `branch`. */
    triggers?: PushFilter[];
}

export interface CrossAccountPipelineArgs {
    /** The pipeline account; AWS services act for it only (confused-deputy guard in trust policies). */
    accountId: string;
    region: string;
    /** Physical name of the pipeline. */
    pipelineName: string;
    /** Physical names of the build project, the release marker's and the check's. CodeBuild takes no dots. */
    buildProjectNames: { build: string; release: string; check: string };
    /** Physical names of the pipeline's, the build's and (CodeCommit source only) EventBridge's roles; the targets' accounts name the first. */
    roleNames: { pipeline: string; build: string; events: string };
    source: CodeCommitSource | ConnectionSource;
    build: {
        computeType: string;
        image: string;
        timeoutMinutes: number;
        /** The buildspec: its YAML text, or a path in the repository. */
        buildspec: string;
        /** The build's (and the release marker's and check's) log group: CodeBuild's own convention is `/aws/codebuild/<project>`. */
        logGroupName: string;
        logRetentionDays?: number;
        /** Plain environment variables of the build: what it renders for the targets. */
        environment?: pulumi.Input<Record<string, string>>;
        /** Security Hub controls that the task definitions the build renders fail by the stack's choice (ECS.5, ECS.20). */
        renderedExceptions?: string[];
        /**
         * A digest of what the build renders for the targets from the stack (roles, network, ...): the build action carries
         * it, so a change of it changes the pipeline's declaration, and CodePipeline then rolls no stage back to an
         * execution built before it (a rollback only targets executions of the current pipeline structure version).
         */
        renderedDigest?: pulumi.Input<string>;
    };
    /**
     * The image repository the build pushes to. In each stage the pipeline first runs a release
     * marker, as the build role, that tags the image the stage deploys (see releaseMarkerBuildspec).
     */
    images: { repositoryArn: pulumi.Input<string>; repositoryUrl: pulumi.Input<string> };
    /** The artifact stores, the pipeline region's first (the source and the build use it); one per region a deploy acts in. */
    artifactStores: ArtifactStoreRef[];
    /** The release path after the build, in order. */
    stages: DeployStage[];
    /** The roles the pipeline role may assume: every deploy action's (by ARN, or by organization and name pattern). */
    deployRoles: Grantees;
    /** Minutes each manual approval waits before it fails (5 to 86400; CodePipeline's default is 7 days). */
    approvalTimeoutMinutes: number;
    /**
     * Where the pipeline tells people: a CodeStar Notifications rule on the pipeline publishes these
     * events to the topic, and every manual approval publishes its request there (the pipeline role
     * may, with the topic's key, through SNS). `dependsOn`: the topic's policy, so the rule can publish from the start.
     */
    notifications?: { topicArn: pulumi.Input<string>; keyArn: pulumi.Input<string>; ruleName: string; events: string[];
        dependsOn: pulumi.Input<pulumi.Resource>[] };
    /**
     * What the deploy roles need before they can be assumed (the roles, their trust and grants).
     * CodePipeline checks at creation that it can assume each action role.
     */
    dependsOn: pulumi.Input<pulumi.Resource>[];
    /**
     * Keep a created source repository (the source code) and the build log group (the record of
     * what was built) when they leave the stack.
     */
    retainOnDelete: boolean;
    /**
     * Import ids of kept resources to adopt instead of creating (a re-create after `pulumi destroy`,
     * which kept them): the source repository's name, the build log group's name.
     */
    adopt?: { sourceRepository?: string; buildLogGroup?: string };
}
