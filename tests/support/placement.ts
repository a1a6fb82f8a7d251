import { Resource } from "../../offline/engine";

export type Side = "pipeline" | "target";

/**
 * Where each resource belongs, written down here and not derived from the program: a
 * resource that moves to the other account, or a new type nobody placed, fails the test.
 * Roles live on both sides, so they are placed by logical name.
 */
const EXPECTED_SIDE: Record<string, Side> = {
    "cross-account-pipeline:artifacts:CrossAccountArtifactStore": "pipeline",
    "cross-account-pipeline:pipeline:CrossAccountPipeline": "pipeline",
    "cross-account-pipeline:deploy:ProdDeployRole": "target",
    "aws:kms/key:Key": "pipeline",
    "aws:kms/alias:Alias": "pipeline",
    "aws:s3/bucket:Bucket": "pipeline",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "pipeline",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "pipeline",
    "aws:s3/bucketVersioning:BucketVersioning": "pipeline",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "pipeline",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "pipeline",
    "aws:s3/bucketPolicy:BucketPolicy": "pipeline",
    "aws:codecommit/repository:Repository": "pipeline",
    "cross-account-pipeline:source:SourceConnection": "pipeline",
    "aws:codeconnections/connection:Connection": "pipeline",
    "aws:codeconnections/host:Host": "pipeline",
    "aws:cloudwatch/logGroup:LogGroup pipeline-build-logs": "pipeline",
    "aws:codebuild/project:Project": "pipeline",
    "aws:codepipeline/pipeline:Pipeline": "pipeline",
    "aws:cloudwatch/eventRule:EventRule": "pipeline",
    "aws:cloudwatch/eventTarget:EventTarget": "pipeline",
    "aws:iam/role:Role pipeline-pipeline": "pipeline",
    "aws:iam/role:Role pipeline-build": "pipeline",
    "aws:iam/role:Role pipeline-source-events": "pipeline",
    "aws:iam/role:Role deploy": "target",
    "aws:iam/rolePolicy:RolePolicy pipeline-pipeline-permissions": "pipeline",
    "aws:iam/rolePolicy:RolePolicy pipeline-build-permissions": "pipeline",
    "aws:iam/rolePolicy:RolePolicy pipeline-source-events-permissions": "pipeline",
    "aws:iam/rolePolicy:RolePolicy deploy-permissions": "target",
    "cross-account-pipeline:images:ImageRepository": "pipeline",
    "aws:ecr/repository:Repository": "pipeline",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "pipeline",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "pipeline",
    "cross-account-pipeline:target:EcsBlueGreenTarget": "target",
    "awsx:ec2:Vpc": "target",
    "aws:ec2/securityGroup:SecurityGroup": "target",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "target",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "target",
    "aws:lb/loadBalancer:LoadBalancer": "target",
    "aws:lb/listener:Listener": "target",
    "aws:lb/targetGroup:TargetGroup": "target",
    "aws:ecs/cluster:Cluster": "target",
    "aws:ecs/service:Service": "target",
    "aws:ecs/taskDefinition:TaskDefinition": "target",
    "aws:cloudwatch/logGroup:LogGroup target-logs": "target",
    "aws:codedeploy/application:Application": "target",
    "aws:codedeploy/deploymentGroup:DeploymentGroup": "target",
    "aws:iam/role:Role target-task": "target",
    "aws:iam/role:Role target-execution": "target",
    "aws:iam/role:Role target-codedeploy": "target",
    "aws:iam/rolePolicy:RolePolicy target-execution-permissions": "target",
    "aws:iam/rolePolicy:RolePolicy target-codedeploy-permissions": "target",
    "aws:ec2/flowLog:FlowLog": "target",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "target",
    // The target's network log bucket and its guards; the types' other buckets are the pipeline account's.
    ...Object.fromEntries(["bucket:Bucket target-network-logs-bucket", "bucketOwnershipControls:BucketOwnershipControls target-network-logs-ownership",
        "bucketPublicAccessBlock:BucketPublicAccessBlock target-network-logs-public-access",
        "bucketVersioning:BucketVersioning target-network-logs-versioning",
        "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration target-network-logs-encryption",
        "bucketLifecycleConfiguration:BucketLifecycleConfiguration target-network-logs-lifecycle",
        "bucketPolicy:BucketPolicy target-network-logs-policy"].map(typeAndName => [`aws:s3/${typeAndName}`, "target" as const])),
};

export function expectedSide(r: Resource): Side | undefined {
    return EXPECTED_SIDE[`${r.type} ${r.name}`] ?? EXPECTED_SIDE[r.type];
}
