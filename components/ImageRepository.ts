import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { requireProvider } from "./options";
import { Grantees } from "./policies/document";
import { imageLifecyclePolicy, imageRepositoryPolicy, StageTags } from "./policies/images";

export interface ImageRepositoryArgs {
    /** Physical repository name; part of every image URI. */
    repositoryName: string;
    /**
     * Roles of the targets' accounts that may pull (their task execution roles). Physical ARNs
     * known before the roles exist, so this account never waits on the others.
     */
    pullers: Grantees;
    /**
     * How many released images to keep per stage (each tagged by the pipeline's release marker with
     * its stage's prefix): how far back a rollback can go. Builds and rejected approvals never push a release out.
     */
    keepReleases: number;
    /** The markers' tag prefixes of each stage, in path order. */
    stageTags: StageTags[];
    /**
     * Days after which an image that was never released expires. Longer than a build's artifacts
     * live (after that it cannot be deployed) plus the longest deployment, so an image is released
     * (and marked) before it can expire.
     */
    unreleasedImageDays: number;
    /** Keep the repository (and its images) when it leaves the stack, with its repository and lifecycle policies. */
    retainOnDelete: boolean;
    /** Adopt the repository kept by an earlier destroy instead of creating it: its import id, the name. */
    adoptId?: string;
}

/**
 * Days a deployment may take after its artifacts were read: traffic shifting plus the longest
 * termination wait (2 days), and the release marker after it.
 */
export const DEPLOYMENT_GRACE_DAYS = 3;

/**
 * Pipeline account: the ECR repository the build pushes to and every target's tasks pull from, in
 * any region (a cross-region pull: one repository, one lifecycle, the same digest everywhere).
 * Tags are immutable, so the image a task definition names is the image that was tested.
 */
export class ImageRepository extends pulumi.ComponentResource {
    public readonly repositoryArn: pulumi.Output<string>;
    /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` */
    public readonly repositoryUrl: pulumi.Output<string>;

    constructor(name: string, args: ImageRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cross-account-pipeline:images:ImageRepository", name, {}, opts);
        requireProvider("ImageRepository", opts);
        // The repository's guards (who may pull, what expires) are kept with it.
        const keep = { parent: this, retainOnDelete: args.retainOnDelete };

        const repository = new aws.ecr.Repository(name, {
            name: args.repositoryName,
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            // Deleting a repository that still holds images fails instead of taking them along.
            forceDelete: false,
        }, { ...keep, import: args.adoptId });

        new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, {
            repository: repository.name,
            policy: JSON.stringify(imageLifecyclePolicy(args.keepReleases, args.unreleasedImageDays, args.stageTags)),
        }, keep);

        new aws.ecr.RepositoryPolicy(`${name}-policy`, {
            repository: repository.name,
            policy: JSON.stringify(imageRepositoryPolicy(args.pullers)),
        }, keep);

        this.repositoryArn = repository.arn;
        this.repositoryUrl = repository.repositoryUrl;
        this.registerOutputs({ repositoryArn: this.repositoryArn, repositoryUrl: this.repositoryUrl });
    }
}
