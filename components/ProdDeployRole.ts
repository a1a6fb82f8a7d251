import * as pulumi from "@pulumi/pulumi";
import { requireProvider } from "./options";
import { deployRolePolicy, deployRoleTrustPolicy } from "./policies/deployRole";
import { roleWithPolicy } from "./role";

export interface ProdDeployRoleArgs {
    /** Physical role name, known before the role exists so the pipeline account can name it in its policies. */
    roleName: string;
    /** The pipeline's service role in the pipeline account: the only principal that may assume this role. */
    pipelineRoleArn: pulumi.Input<string>;
    /** The artifact bucket and key in the pipeline account, in this target's region: the only store it reads. */
    artifactBucketArn: pulumi.Input<string>;
    artifactKeyArn: pulumi.Input<string>;
    /** The CodeDeploy application, deployment group and deployment config the deploy action uses. */
    applicationArn: pulumi.Input<string>;
    deploymentGroupArn: pulumi.Input<string>;
    deploymentConfigArn: pulumi.Input<string>;
    /** The ECS task role and task execution role that new task definitions name; nothing else may be passed. */
    passRoleArns: pulumi.Input<string>[];
}

/**
 * A target's account: the role that the pipeline's deploy action for this target assumes to run
 * a CodeDeploy blue/green deployment to ECS. Trusts one role of the pipeline account; may deploy
 * only its own deployment group and pass only its own task roles.
 */
export class ProdDeployRole extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: ProdDeployRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cross-account-pipeline:deploy:ProdDeployRole", name, {}, opts);
        const provider = requireProvider("ProdDeployRole", opts);

        const { role } = roleWithPolicy(name, args.roleName,
            pulumi.output(args.pipelineRoleArn).apply(deployRoleTrustPolicy),
            pulumi.all([args.artifactBucketArn, args.artifactKeyArn, args.applicationArn, args.deploymentGroupArn,
                args.deploymentConfigArn, args.passRoleArns])
                .apply(([artifactBucketArn, artifactKeyArn, applicationArn, deploymentGroupArn, deploymentConfigArn, passRoleArns]) =>
                    deployRolePolicy({ artifactBucketArn, artifactKeyArn, applicationArn, deploymentGroupArn, deploymentConfigArn, passRoleArns })),
            { parent: this, provider });

        this.roleArn = role.arn;
        this.roleName = role.name;
        this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
    }
}
