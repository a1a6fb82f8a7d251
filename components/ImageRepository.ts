import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RELEASE_TAG_PREFIX } from "./buildspec";
import { imageRepositoryPolicy } from "./policies/images";
import { requireProvider } from "./role";

export interface ImageRepositoryArgs {
    /** Physical repository name; part of every image URI. */
    repositoryName: string;
    /**
     * Roles of the target account that may pull (its task execution role). Physical ARNs known
     * before the roles exist, so this account never waits on the other.
     */
    pullerRoleArns: pulumi.Input<string>[];
    /**
     * How many released images (tagged `release-...` by the pipeline's release marker) to keep: how
     * far back a rollback can go. Builds and rejected approvals never push a release out.
     */
    keepReleases: number;
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
 * Pipeline account: the ECR repository the build pushes to and the target account's tasks pull
 * from. Tags are immutable, so the image a task definition names is the image that was tested.
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
            policy: JSON.stringify({
                // A released image meets rule 1's tagging requirements, so rule 2 never expires it,
                // whatever the number of builds between releases.
                rules: [{
                    rulePriority: 1,
                    description: `Keep the newest ${args.keepReleases} released images: the rollback depth`,
                    selection: { tagStatus: "tagged", tagPrefixList: [RELEASE_TAG_PREFIX], countType: "imageCountMoreThan", countNumber: args.keepReleases },
                    action: { type: "expire" },
                }, {
                    rulePriority: 2,
                    description: `Expire images never released after ${args.unreleasedImageDays} days: their artifacts are gone`,
                    selection: { tagStatus: "any", countType: "sinceImagePushed", countUnit: "days", countNumber: args.unreleasedImageDays },
                    action: { type: "expire" },
                }],
            }),
        }, keep);

        new aws.ecr.RepositoryPolicy(`${name}-policy`, {
            repository: repository.name,
            policy: pulumi.all(args.pullerRoleArns).apply(arns => JSON.stringify(imageRepositoryPolicy(arns))),
        }, keep);

        this.repositoryArn = repository.arn;
        this.repositoryUrl = repository.repositoryUrl;
        this.registerOutputs({ repositoryArn: this.repositoryArn, repositoryUrl: this.repositoryUrl });
    }
}
