import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
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
    /** How many images to keep: the oldest beyond this are expired. It is how far back a rollback can go. */
    keepImages: number;
    /** Keep the repository (and its images) when it leaves the stack, with its repository and lifecycle policies. */
    retainOnDelete: boolean;
}

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
        }, keep);

        new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, {
            repository: repository.name,
            policy: JSON.stringify({
                rules: [{
                    rulePriority: 1,
                    description: `Keep the newest ${args.keepImages} images: enough to roll back`,
                    selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: args.keepImages },
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
