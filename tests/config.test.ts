import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluate, RawConfig, stackFileConfig } from "../offline/engine/engine";
import { ConfigError } from "../stacks/config/issues";
import { block, evaluated, evaluateWith, existingTargetIn, targetsOf, fixture, FIXTURES } from "./support/stacks";
import { problemsBesideAnother } from "./support/fixtures";

const P = "cross-account-pipeline";

interface Expected {
    key: string;
    expected: string;
    found: string;
    example: string;
}

interface Case {
    what: string;
    change: (c: RawConfig) => void;
    problems: Expected[];
}

const set = (key: string, value: unknown) => (c: RawConfig) => { c[`${P}:${key}`] = value; };
const config = (c: RawConfig, key: string, value: unknown) => set(key, value)(c);
/** prod's PROD target (the second of its path). */
const prod = (c: RawConfig) => targetsOf(c)[1];
/** prod's PROD target made an existing one, in its account. */
const toExisting = (c: RawConfig) => { delete prod(c).create; prod(c).existing = existingTargetIn(prod(c).account.accountId); };
const setCreated = (fields: Record<string, unknown>) => (c: RawConfig) => { Object.assign(prod(c).create, fields); };
const setTarget = (fields: Record<string, unknown>, i = 1) => (c: RawConfig) => { Object.assign(targetsOf(c)[i], fields); };
const setIn = (key: string, field: string, value: unknown) => (c: RawConfig) => {
    if (value === undefined) {
        delete block(c, key)[field];
    } else {
        block(c, key)[field] = value;
    }
};

/** Bad stack files, each with every problem the user must be told about: key, expectation, finding, example. */
const CASES: Case[] = [{
    what: "an account id written as a number",
    change: setIn("pipelineAccount", "accountId", 121212121212),
    problems: [{ key: "pipelineAccount.accountId", expected: "12-digit AWS account id, quoted", found: "number 121212121212", example: '"111111111111"' }],
}, {
    what: "an account id with 11 digits",
    change: c => { prod(c).account.accountId = "22222222222"; },
    // One cause, one line: role ARNs are not compared with an id that is itself wrong.
    problems: [{ key: "targets[1].account.accountId", expected: "12-digit", found: '"22222222222"', example: '"111111111111"' }],
}, {
    what: "a missing account id",
    change: c => { delete prod(c).account.accountId; },
    problems: [{ key: "targets[1].account.accountId", expected: "12-digit", found: "the key is missing", example: '"111111111111"' }],
}, {
    what: "a provisioning role that is not an ARN",
    change: setIn("pipelineAccount", "provisioningRoleArn", "pulumi-provisioner"),
    problems: [{ key: "pipelineAccount.provisioningRoleArn", expected: "an IAM role ARN", found: '"pulumi-provisioner"', example: "arn:aws:iam::111111111111:role/" }],
}, {
    what: "a provisioning role in the other account",
    change: setIn("pipelineAccount", "provisioningRoleArn", "arn:aws:iam::232323232323:role/pulumi-provisioner"),
    problems: [{ key: "pipelineAccount.provisioningRoleArn", expected: "a role in account 121212121212", found: "arn:aws:iam::232323232323:role/", example: "arn:aws:iam::121212121212:role/pulumi-provisioner" }],
}, {
    what: "an existing target's task role in the pipeline account",
    change: c => { delete prod(c).create; prod(c).existing = {
        applicationName: "my-service", deploymentGroupName: "my-service-prod", taskFamily: "my-service", containerName: "app", containerPort: 8080,
        taskRoleArn: "arn:aws:iam::121212121212:role/my-service-task", executionRoleArn: "arn:aws:iam::232323232323:role/my-service-task-execution",
    }; },
    problems: [{ key: "targets[1].existing.taskRoleArn", expected: "a role in the target account 232323232323", found: "arn:aws:iam::121212121212:role/my-service-task", example: "arn:aws:iam::232323232323:role/" }],
}, {
    // S3 keeps these prefixes from bucket names, and a created target's network log bucket is named after the target.
    what: "target names S3 would refuse at the start of a bucket's name",
    change: c => { targetsOf(c)[0].name = "xn--shop"; prod(c).name = "sthree-prod"; },
    problems: ["targets[0].name", "targets[1].name"].map(key => ({ key, expected: "not starting with xn--, sthree-, amzn-s3-demo-: S3 keeps them from bucket names",
        found: key === "targets[0].name" ? '"xn--shop"' : '"sthree-prod"', example: "staging" })),
}, {
    what: "a region written as a city",
    change: set("region", "seoul"),
    problems: [{ key: "region", expected: "an AWS region name", found: '"seoul"', example: "ap-northeast-2" }],
}, {
    what: "a branch name git would refuse",
    change: setIn("source", "branch", "release..1"),
    problems: [{ key: "source.branch", expected: "a git branch name", found: '"release..1"', example: "main" }],
}, {
    what: "a target in the pipeline account",
    change: c => { prod(c).account.accountId = "121212121212"; },
    problems: [{ key: "targets[1].account.accountId", expected: "an account other than pipelineAccount.accountId", found: '"121212121212"', example: '"222222222222"' },
        { key: "targets[1].account.provisioningRoleArn", expected: "a role in account 121212121212", found: "arn:aws:iam::232323232323", example: "arn:aws:iam::121212121212:role/" },
        { key: "targets[1].create.certificateArn", expected: "an ACM certificate ARN in the target account 121212121212", found: "arn:aws:acm:ap-northeast-2:232323232323:certificate/", example: "arn:aws:acm:ap-northeast-2:121212121212:certificate/" }],
}, {
    what: "a misspelt top-level key",
    change: set("targts", []),
    problems: [{ key: "targts", expected: "a known key (", found: "an unknown key", example: "targets, the nearest known key" }],
}, {
    what: "a misspelt key inside a block",
    change: c => { const a = block(c, "pipelineAccount"); a.acountId = a.accountId; delete a.accountId; },
    problems: [{ key: "pipelineAccount.acountId", expected: "a known key (accountId, provisioningRoleArn)", found: "an unknown key", example: "pipelineAccount.accountId, the nearest known key" },
        { key: "pipelineAccount.accountId", expected: "12-digit", found: "the key is missing", example: '"111111111111"' }],
}, {
    what: "a yes/no answered with a word",
    change: setTarget({ approval: "yes" }),
    problems: [{ key: "targets[1].approval", expected: "true or false", found: '"yes"', example: "true" }],
}, {
    what: "a build timeout out of range",
    change: setIn("build", "timeoutMinutes", 1000),
    problems: [{ key: "build.timeoutMinutes", expected: "a whole number of minutes from 5 to 480", found: "number 1000", example: "30" }],
}, {
    what: "an unknown compute type",
    change: setIn("build", "computeType", "SMALL"),
    problems: [{ key: "build.computeType", expected: "a CodeBuild compute type", found: '"SMALL"', example: "BUILD_GENERAL1_SMALL" }],
}, {
    what: "artifacts that would expire before a stage rollback reads them",
    change: set("artifactRetentionDays", 10),
    problems: [{ key: "artifactRetentionDays", expected: "at least 11 days: a stage rollback may read an execution's artifacts that long " +
        "after its build, with this path's approvals (4320 minutes each), deployments and build (or a shorter approvalTimeoutMinutes)",
    found: "number 10", example: "11" }],
}, {
    what: "no artifact retention at all",
    change: set("artifactRetentionDays", 0),
    problems: [{ key: "artifactRetentionDays", expected: "a whole number of days from 1 to 3650", found: "number 0", example: "30" }],
}, {
    what: "a block given as a plain value",
    change: set("source", "my-service"),
    problems: [{ key: "source", expected: "a block: a CodeCommit repository (repositoryName) or, with provider GitHub", found: '"my-service"',
        example: "{ repositoryName: my-service" }],
}, {
    what: "a CodeCommit repository name with a space",
    change: set("source", { repositoryName: "my service" }),
    problems: [{ key: "source.repositoryName", expected: "a CodeCommit repository name", found: '"my service"', example: "my-service" }],
}, {
    what: "several mistakes at once, all reported together",
    change: c => { set("region", "eu-west")(c); setIn("source", "repository", undefined)(c); set("retainOnDelete", "no")(c); },
    problems: [{ key: "region", expected: "an AWS region name", found: '"eu-west"', example: "ap-northeast-2" },
        { key: "source.repository", expected: "owner/repository", found: "the key is missing", example: "my-org/my-service" },
        { key: "retainOnDelete", expected: "true or false", found: '"no"', example: "true" }],
}, {
    what: "a source provider CodePipeline does not have",
    change: setIn("source", "provider", "Github"),
    problems: [{ key: "source.provider", expected: "one of CodeCommit, GitHub, GitHubEnterpriseServer, GitLab, GitLabSelfManaged, Bitbucket",
        found: '"Github" (the nearest is GitHub)', example: "GitHub" }],
}, {
    what: "a CodeCommit key in a source through a connection",
    change: c => { setIn("source", "repositoryName", "my-service")(c); setIn("source", "repository", undefined)(c); },
    problems: [{ key: "source.repositoryName", expected: "a known key (provider, repository, branch, connectionArn, host, fullClone, triggers)",
        found: "an unknown key", example: "source.repository, the nearest known key" },
    { key: "source.repository", expected: "owner/repository", found: "the key is missing", example: "my-org/my-service" }],
}, {
    what: "a GitHub repository named like a GitLab subgroup's",
    change: setIn("source", "repository", "my-org/team/my-service"),
    problems: [{ key: "source.repository", expected: "owner/repository: GitHub names a repository by its owner and its name",
        found: '"my-org/team/my-service"', example: "my-org/my-service" }],
}, {
    what: "a connection of another account under the old prefix (AWS RAM shares only codeconnections connections)",
    change: setIn("source", "connectionArn", "arn:aws:codestar-connections:us-east-1:343434343434:connection/0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d"),
    problems: [{ key: "source.connectionArn", expected: "a connection of the pipeline account 121212121212, or a codeconnections one shared into it " +
        "with AWS RAM (RAM does not share codestar-connections connections)",
        found: "arn:aws:codestar-connections:us-east-1:343434343434", example: "arn:aws:codeconnections:ap-northeast-2:121212121212:connection/" }],
}, {
    what: "a connection of another partition than the region's",
    change: setIn("source", "connectionArn", "arn:aws-cn:codeconnections:cn-north-1:121212121212:connection/0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d"),
    problems: [{ key: "source.connectionArn", expected: "a connection of the aws partition, the region ap-northeast-2's",
        found: "arn:aws-cn:codeconnections:cn-north-1:", example: "arn:aws:codeconnections:ap-northeast-2:121212121212:connection/" }],
}, {
    what: "a connection that is not an ARN",
    change: setIn("source", "connectionArn", "my-github-connection"),
    problems: [{ key: "source.connectionArn", expected: "a CodeConnections connection ARN", found: '"my-github-connection"',
        example: "arn:aws:codeconnections:us-east-1:111111111111:connection/" }],
}, {
    what: "a source through a connection in a region without the CodeStarSourceConnection action",
    change: c => { set("region", "ap-east-1")(c); targetsOf(c).forEach(t => { delete t.create.certificateArn; delete t.create.domainName; }); },
    problems: [{ key: "source.provider", expected: "CodeCommit: CodePipeline has no CodeStarSourceConnection action in ap-east-1", found: '"GitHub"',
        example: "CodeCommit" }],
}, {
    what: "a trigger filter of tags and branches together",
    change: setIn("source", "triggers", [{ tags: { includes: ["v*"] }, branches: { includes: ["main"] } }]),
    problems: [{ key: "source.triggers[0].tags", expected: "tags in a filter of their own: CodePipeline filters on tags, branches, or branches with filePaths",
        found: 'object {"includes":["v*"]}', example: 'a second filter: [{ tags: { includes: ["v*"] } }, { branches: { includes: [main] } }]' }],
}, {
    what: "a trigger filter of file paths without branches",
    change: setIn("source", "triggers", [{ tags: { includes: ["v*"] } }, { filePaths: { includes: ["app/**"] } }]),
    problems: [{ key: "source.triggers[1].filePaths", expected: "filePaths beside branches", found: 'object {"includes":["app/**"]}',
        example: '{ branches: { includes: [main] }, filePaths: { includes: ["app/**"] } }' }],
}, {
    what: "a trigger filter that filters nothing",
    change: setIn("source", "triggers", [{ branches: {} }, {}]),
    problems: [{ key: "source.triggers[0].branches", expected: "a block with includes, excludes or both", found: "object {}", example: "{ includes: [main] }" },
        { key: "source.triggers[1]", expected: "a block with tags, branches, or branches and filePaths", found: "object {}", example: '{ tags: { includes: ["v*"] } }' }],
}, {
    what: "more patterns in a trigger list than CodePipeline takes, and a pattern too long",
    change: setIn("source", "triggers", [{ tags: { includes: Array.from({ length: 9 }, (_, i) => `v${i}.*`) } },
        { branches: { includes: ["main"], excludes: ["x".repeat(256)] } }]),
    problems: [{ key: "source.triggers[0].tags.includes", expected: "a list of 1 to 8 tag patterns", found: 'a list ["v0.*"', example: '["v*"]' },
        { key: "source.triggers[1].branches.excludes", expected: "a list of 1 to 8 branch patterns (globs such as experimental/**, each 1 to 255",
            found: 'a list ["xxx', example: '["experimental/**"]' }],
}, {
    what: "more trigger filters than CodePipeline takes",
    change: setIn("source", "triggers", [1, 2, 3, 4].map(i => ({ tags: { includes: [`v${i}.*`] } }))),
    problems: [{ key: "source.triggers", expected: "a list of 1 to 3 push filters", found: "a list", example: '[{ tags: { includes: ["v*"] } }]' }],
}, {
    what: "a GitHub Enterprise Server source with neither a host nor a connection",
    change: setIn("source", "provider", "GitHubEnterpriseServer"),
    problems: [{ key: "source.host", expected: "with provider GitHubEnterpriseServer and no connectionArn, the host of your server",
        found: "the key is missing", example: "{ endpoint: https://github.example.com }" }],
}, {
    what: "a host for a provider in the cloud",
    change: setIn("source", "host", { endpoint: "https://github.example.com" }),
    problems: [{ key: "source.host", expected: "no host: GitHub is a cloud service", found: 'object {"endpoint":"https://github.example.com"}',
        example: "(remove source.host)" }],
}, {
    what: "a host named twice, by ARN and by endpoint",
    change: c => {
        setIn("source", "provider", "GitLabSelfManaged")(c);
        setIn("source", "repository", "my-group/my-subgroup/my-service")(c);
        setIn("source", "host", { arn: "arn:aws:codeconnections:ap-northeast-2:121212121212:host/gitlab-0a1b2c3d", endpoint: "https://gitlab.example.com" })(c);
    },
    problems: [{ key: "source.host", expected: "a block with exactly one of arn (an existing host) or endpoint (a host to create)",
        found: '"endpoint":"https://gitlab.example.com"', example: "{ endpoint: https://github.example.com }" }],
}, {
    what: "an existing host of another region (hosts are regional)",
    change: c => {
        setIn("source", "provider", "GitHubEnterpriseServer")(c);
        setIn("source", "host", { arn: "arn:aws:codeconnections:us-east-1:121212121212:host/ghes-0a1b2c3d" })(c);
    },
    problems: [{ key: "source.host.arn", expected: "a host of the pipeline account 121212121212 in the region ap-northeast-2",
        found: "arn:aws:codeconnections:us-east-1:", example: "arn:aws:codeconnections:ap-northeast-2:121212121212:host/" }],
}, {
    what: "a created host's VPC without subnets, and a certificate that is not PEM",
    change: c => {
        setIn("source", "provider", "GitHubEnterpriseServer")(c);
        setIn("source", "host", { endpoint: "https://github.example.com", vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: [],
            securityGroupIds: ["sg-0123456789abcdef0"], tlsCertificate: "MIIB..." } })(c);
    },
    problems: [{ key: "source.host.vpc.subnetIds", expected: "a list of 1 to 10 subnet ids of the VPC", found: "a list []", example: '["subnet-0123456789abcdef0"]' },
        { key: "source.host.vpc.tlsCertificate", expected: "a PEM certificate", found: '"MIIB..."', example: "-----BEGIN CERTIFICATE-----" }],
}, {
    what: "a host beside an existing connection",
    change: c => {
        setIn("source", "provider", "GitHubEnterpriseServer")(c);
        setIn("source", "connectionArn", "arn:aws:codeconnections:ap-northeast-2:121212121212:connection/0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d")(c);
        setIn("source", "host", { endpoint: "https://github.example.com" })(c);
    },
    problems: [{ key: "source.host", expected: "no host with connectionArn", found: "https://github.example.com", example: "(remove source.host)" }],
}, {
    what: "a region that does not exist",
    change: set("region", "eu-wset-1"),
    problems: [{ key: "region", expected: "an AWS region name", found: '"eu-wset-1" (the nearest is eu-west-1)', example: "ap-northeast-2" }],
}, {
    what: "a region of a partition the program does not support",
    change: set("region", "us-iso-east-1"),
    problems: [{ key: "region", expected: "an AWS region name", found: '"us-iso-east-1"', example: "ap-northeast-2" }],
}, {
    what: "a China region: role ARNs and a certificate of another partition, and no source through a connection there",
    change: set("region", "cn-north-1"),
    problems: [{ key: "pipelineAccount.provisioningRoleArn", expected: "an ARN of the aws-cn partition", found: "arn:aws:iam::121212121212", example: "arn:aws-cn:iam::121212121212:role/pulumi-provisioner" },
        { key: "targets[0].account.provisioningRoleArn", expected: "an ARN of the aws-cn partition", found: "arn:aws:iam::565656565656", example: "arn:aws-cn:iam::565656565656:role/pulumi-provisioner" },
        { key: "targets[1].account.provisioningRoleArn", expected: "an ARN of the aws-cn partition", found: "arn:aws:iam::232323232323", example: "arn:aws-cn:iam::232323232323:role/pulumi-provisioner" },
        { key: "targets[0].create.certificateArn", expected: "in the target account 565656565656 and the region cn-north-1", found: "arn:aws:acm:ap-northeast-2:", example: "arn:aws-cn:acm:cn-north-1:565656565656:certificate/" },
        { key: "targets[1].create.certificateArn", expected: "in the target account 232323232323 and the region cn-north-1", found: "arn:aws:acm:ap-northeast-2:", example: "arn:aws-cn:acm:cn-north-1:232323232323:certificate/" },
        { key: "source.provider", expected: "CodeCommit: CodePipeline has no CodeStarSourceConnection action in cn-north-1", found: '"GitHub"', example: "CodeCommit" }],
}, {
    what: "a Fargate CPU and memory pair that Fargate does not offer",
    change: setCreated({ cpu: 256, memory: 8192 }),
    problems: [{ key: "targets[1].create.memory", expected: "a memory size Fargate offers with 256 CPU units: 512, 1024, 2048 MiB", found: "number 8192", example: "512" }],
}, {
    what: "a Fargate memory size between the steps Fargate offers",
    change: setCreated({ cpu: 8192, memory: 18432 }),
    problems: [{ key: "targets[1].create.memory", expected: "with 8192 CPU units: 16384 to 61440 in steps of 4096 MiB", found: "number 18432", example: "16384" }],
}, {
    what: "a CIDR whose prefix is out of range",
    change: setCreated({ network: { cidrBlock: "10.0.0.0/33" } }),
    problems: [{ key: "targets[1].create.network.cidrBlock", expected: "an IPv4 CIDR block (octets 0-255, prefix /16 to /24)", found: '"10.0.0.0/33"', example: "10.0.0.0/16" }],
}, {
    what: "a CIDR with an octet out of range, in a list",
    change: setCreated({ testCidrs: ["198.51.100.0/24", "198.51.300.0/24"] }),
    problems: [{ key: "targets[1].create.testCidrs", expected: "a list of IPv4 CIDR blocks (octets 0-255", found: 'a list ["198.51.100.0/24","198.51.300.0/24"]', example: '["198.51.100.0/24"]' }],
}, {
    what: "a CIDR block with host bits set",
    change: setCreated({ network: { cidrBlock: "10.1.128.0/16" } }),
    problems: [{ key: "targets[1].create.network.cidrBlock", expected: "a network address", found: '"10.1.128.0/16"', example: "10.1.0.0/16" }],
}, {
    what: "an adoption id that is not the name the stack gives the resource (it would adopt another one)",
    change: c => { set("adopt", { imageRepository: "my-servce", buildLogGroup: "/aws/codebuild/cross-account-pipeline-prod" })(c); setTarget({ adopt: { taskLogGroup: "/ecs/my-service" } }, 0)(c); },
    problems: [{ key: "adopt.imageRepository", expected: "the name this stack gives it, my-service", found: '"my-servce"', example: "my-service" },
        { key: "targets[0].adopt.taskLogGroup", expected: "the name this stack gives it, /ecs/my-service-prod-staging", found: '"/ecs/my-service"', example: "/ecs/my-service-prod-staging" }],
}, {
    what: "the adoption of a container log group by an existing target (the stack creates none)",
    change: c => { toExisting(c); prod(c).adopt = { taskLogGroup: "/ecs/f" }; },
    problems: [{ key: "targets[1].adopt.taskLogGroup", expected: "no key: with existing the stack creates no container log group", found: '"/ecs/f"',
        example: "remove adopt.taskLogGroup" }],
}, {
    what: "an adoption id that is not a name at all (its one problem: no name to compare it with)",
    change: set("adopt", { imageRepository: 42 }),
    problems: [{ key: "adopt.imageRepository", expected: "an ECR repository name", found: "number 42", example: "my-service" }],
}, {
    what: "an adoption beside a source that is not valid (the source's one problem: no name can be derived)",
    change: c => { set("adopt", { imageRepository: "my-service" })(c); delete c[`${P}:source`]; },
    problems: [{ key: "source", expected: "a block: a CodeCommit repository", found: "the key is missing", example: "repositoryName" }],
}, {
    what: "the adoption of a source repository the stack only looks up",
    change: c => { set("source", { repositoryName: "my-service", create: false })(c); set("adopt", { sourceRepository: "my-service" })(c); },
    problems: [{ key: "adopt.sourceRepository", expected: "no key: with source.create false", found: '"my-service"', example: "remove adopt.sourceRepository" }],
}, {
    what: "the adoption of a CodeCommit repository by a stack whose source is on GitHub",
    change: set("adopt", { sourceRepository: "my-service" }),
    problems: [{ key: "adopt.sourceRepository", expected: "no key: a GitHub source has no CodeCommit repository", found: '"my-service"',
        example: "remove adopt.sourceRepository" }],
}, {
    what: "the region written in the AWS provider's namespace instead of the project's",
    change: c => { delete c[`${P}:region`]; c["aws:region"] = "ap-northeast-2"; },
    problems: [{ key: "region", expected: "an AWS region name", found: "the key is missing: aws:region is set instead, a key of the aws namespace, not this project's", example: "ap-northeast-2" }],
}, {
    what: "no target",
    change: set("targets", []),
    problems: [{ key: "targets", expected: "a list of at least one target", found: "a list []", example: "[{ name: staging" }],
}, {
    what: "two targets of one name",
    change: setTarget({ name: "staging" }),
    problems: [{ key: "targets[1].name", expected: "a name no other target has (targets[0] is staging)", found: '"staging"', example: "staging-2" }],
}, {
    what: "a target name that would make an invalid stage, role or file name",
    change: setTarget({ name: "Prod EU" }),
    problems: [{ key: "targets[1].name", expected: "a target name (lowercase letters, digits and -, starting with a letter; at most 24;", found: '"Prod EU"', example: "staging" }],
}, {
    what: "a target named like the pipeline's own stages",
    change: setTarget({ name: "build" }),
    problems: [{ key: "targets[1].name", expected: "a stage name other than source, build", found: '"build"', example: "build-2" }],
}, {
    what: "a wave split by another target",
    change: c => { config(c, "targets", [...targetsOf(c), { ...targetsOf(c)[0], name: "canary", create: { serviceName: "canary" } }]
        .map((t, i) => ({ ...t, wave: i === 1 ? undefined : "all" }))); },
    problems: [{ key: "targets[2].wave", expected: "the wave's targets one after the other (other targets split wave all)", found: '"all"', example: "all-2" }],
}, {
    what: "a wave named like a target of another stage",
    change: setTarget({ wave: "staging" }),
    problems: [{ key: "targets[1].wave", expected: "a stage name other than source, build, staging (a wave is a stage named after it)", found: '"staging"', example: "staging-2" }],
}, {
    what: "two targets with legacy names",
    change: setTarget({ legacyNames: true }, 0),
    problems: [{ key: "targets[1].legacyNames", expected: "legacyNames on one target at most (targets[0] has it)", found: "true", example: "false" }],
}, {
    what: "two created targets with one service name in one account and region",
    change: c => { config(c, "targets", [targetsOf(c)[1], { ...targetsOf(c)[1], name: "prod2", legacyNames: false }]); },
    problems: [{ key: "targets[1].create.serviceName", expected: "a name of its own in account 232323232323 and ap-northeast-2 (targets[0] has the service my-service)", found: '"my-service"', example: "my-service-2" },
        { key: "targets[1].create.taskFamily", expected: "a name of its own in account 232323232323 and ap-northeast-2 (targets[0] has the family my-service)", found: "nothing", example: "my-service-2" }],
}, {
    what: "two existing targets in one account and region with one deployment group (two groups of one application are two targets)",
    change: c => { toExisting(c); config(c, "targets", [...targetsOf(c), { ...prod(c), name: "prod2", legacyNames: false }]); },
    problems: [{ key: "targets[2].existing.deploymentGroupName",
        expected: "a name of its own in account 232323232323 and ap-northeast-2 (targets[1] has the group legacy-service/legacy-service-staging)",
        found: '"legacy-service-staging"', example: "my-service-2" }],
}, {
    what: "a target in a region of another partition",
    change: setTarget({ region: "cn-north-1" }),
    problems: [{ key: "targets[1].region", expected: "a region of the aws partition, the stack region ap-northeast-2's", found: '"cn-north-1"', example: "ap-northeast-2" }],
}, {
    what: "a check by path of an existing target (the program knows no address of it)",
    change: c => { toExisting(c); prod(c).check = { path: "/health" }; },
    problems: [{ key: "targets[1].check.path", expected: "with existing, a url", found: '"/health"', example: "https://my-service.example.com/health" }],
}, {
    what: "a check with both a path and a url",
    change: setTarget({ check: { path: "/health", url: "https://example.com/" } }, 0),
    problems: [{ key: "targets[0].check", expected: "a block with exactly one of path (of a created target's URL) and url", found: "object", example: "{ path: /health }" }],
}, {
    what: "grants: organization without the organization's id",
    change: set("grants", "organization"),
    problems: [{ key: "organizationId", expected: "with grants: organization, the organization's id", found: "the key is missing", example: "o-a1b2c3d4e5" }],
}, {
    what: "an organization's id without grants: organization (it would grant nothing)",
    change: set("organizationId", "o-a1b2c3d4e5"),
    problems: [{ key: "grants", expected: "organization, with organizationId (or leave organizationId out)", found: "the key is missing", example: "organization" }],
}, {
    what: "grants: organization with a target in the pipeline account",
    change: c => { set("grants", "organization")(c); set("organizationId", "o-a1b2c3d4e5")(c); set("allowSameAccount", true)(c);
        targetsOf(c)[0].account = block(c, "pipelineAccount"); delete targetsOf(c)[0].create.certificateArn; delete targetsOf(c)[0].create.domainName; },
    problems: [{ key: "grants", expected: "roles while a target is in the pipeline account (targets[0])", found: '"organization"', example: "roles" }],
}, {
    what: "more target stages than CodePipeline allows",
    change: c => { config(c, "targets", Array.from({ length: 49 }, (_, i) => ({ ...targetsOf(c)[0], name: `t${i}`, check: undefined,
        create: { serviceName: `s${i}` } }))); config(c, "artifactRetentionDays", 365); },
    problems: [{ key: "targets", expected: "at most 50 stages, CodePipeline's limit: Source, Build, one per target or wave and one per approval (found 51: 49 of targets, 0 of approvals)", found: "a list", example: "wave: prod" }],
}, {
    what: "more actions in a wave than CodePipeline allows in a stage",
    change: c => { config(c, "targets", Array.from({ length: 25 }, (_, i) => ({ ...targetsOf(c)[0], name: `t${i}`, wave: "all", approval: true,
        create: { serviceName: `s${i}` } }))); },
    problems: [{ key: "targets[0].wave", expected: "at most 50 actions in a stage, CodePipeline's limit (the wave all has 52", found: '"all"', example: "all-2" }],
}, {
    // The problems of rules between keys, whole: what each expects, and its example.
    what: "two targets in one account, the first naming no provisioning role and the second one",
    change: c => { const [staging, live] = targetsOf(c); live.account = { accountId: staging.account.accountId, provisioningRoleArn: `arn:aws:iam::${staging.account.accountId}:role/x` };
        delete staging.account.provisioningRoleArn; },
    problems: [{ key: "targets[1].account.provisioningRoleArn", expected: "the provisioning role targets[0].account names for account 565656565656 (the stack has one provider per account and region)",
        found: '"arn:aws:iam::565656565656:role/x"', example: "(leave it out, as there)" },
    { key: "targets[1].create.certificateArn", expected: "an ACM certificate ARN in the target account 565656565656 and the region ap-northeast-2",
        found: ":232323232323:certificate/", example: "arn:aws:acm:ap-northeast-2:565656565656:certificate/0a1b2c3d-..." }],
}, {
    what: "grants of no known kind beside an organization id (the rule between them waits for a valid grants)",
    change: c => { config(c, "grants", "everyone"); config(c, "organizationId", "o-a1b2c3d4e5"); },
    problems: [{ key: "grants", expected: "roles (name each role) or organization (any role of the path's names in the organization)", found: '"everyone"', example: "roles" }],
}, {
    what: "allowSameAccount not a boolean, with a target in the pipeline account (the account rule waits for a valid allowSameAccount)",
    change: c => { config(c, "allowSameAccount", 0); targetsOf(c)[0].account = block(c, "pipelineAccount"); },
    problems: [{ key: "allowSameAccount", expected: "true or false", found: "number 0", example: "false" },
        { key: "targets[0].create.certificateArn", expected: "an ACM certificate ARN in the target account 121212121212 and the region ap-northeast-2", found: ":565656565656:certificate/",
            example: "arn:aws:acm:ap-northeast-2:121212121212:certificate/0a1b2c3d-..." }],
}, {
    what: "grants: organization with a target in the pipeline account",
    change: c => { config(c, "allowSameAccount", true); config(c, "grants", "organization"); config(c, "organizationId", "o-a1b2c3d4e5");
        targetsOf(c)[0].account = block(c, "pipelineAccount"); targetsOf(c)[0].create.certificateArn = "arn:aws:acm:ap-northeast-2:121212121212:certificate/0a1b2c3d-0000-0000-0000-000000000001"; },
    problems: [{ key: "grants", expected: "roles while a target is in the pipeline account (targets[0]): an organization-wide grant would let its roles use every region's store",
        found: '"organization"', example: "roles" }],
}, {
    what: "an https check on a load balancer's own name",
    change: c => { prod(c).check = { url: "https://my-alb-123.ap-northeast-2.elb.amazonaws.com/health" }; },
    problems: [{ key: "targets[1].check.url", expected: "an https URL on a name of your own domain: my-alb-123.ap-northeast-2.elb.amazonaws.com is a load balancer's own " +
        "name, which no certificate covers (ACM issues certificates only for domains you control), so curl would refuse the handshake",
        found: '"https://my-alb-123.ap-northeast-2.elb.amazonaws.com/health"', example: "https://staging.example.com/health" }],
}, {
    what: "a check by path over HTTPS without a domain",
    change: c => { prod(c).check = { path: "/health" }; },
    problems: [{ key: "targets[1].create.domainName", expected: "with certificateArn and check.path, a name the certificate covers: the check would call https on the load " +
        "balancer's own name (elb.amazonaws.com), which no certificate covers, and curl would refuse the handshake", found: "nothing", example: "staging.example.com" }],
}, {
    what: "a check by path whose variables outgrow CodePipeline's limit, with a domain",
    change: c => { prod(c).check = { path: `/${"h".repeat(990)}` }; prod(c).create.domainName = "prod.example.com"; },
    problems: [{ key: "targets[1].check", expected: "a check whose variables fit CodePipeline's 1000 characters for an action's configuration value (its URL, the domain " +
        "and the load balancer's name would take up to ", found: '{"path":"/hhh', example: "{ path: /health }" }],
}];

describe("config validation", () => {
    for (const c of CASES) {
        it(`rejects ${c.what}, before any resource is registered`, async () => {
            const e = await evaluateWith("prod", c.change);
            assert.ok(e.error, "the program accepted a bad config");
            const lines = e.error.message.split("\n").slice(1).map(l => l.replace(/^\s+- /, ""));
            assert.strictEqual(lines.length, c.problems.length, e.error.message);
            for (const p of c.problems) {
                const line = lines.find(l => l.startsWith(`Pulumi.prod.yaml: ${P}:${p.key}: `));
                assert.ok(line, `no line for ${p.key} in:\n${e.error.message}`);
                const [, expected, found, example] = /: expected (.*); found (.*); for example (.*)$/.exec(line) ?? [];
                assert.ok(expected?.includes(p.expected), `expected-part of: ${line}`);
                assert.ok(found?.includes(p.found), `found-part of: ${line}`);
                assert.ok(example?.includes(p.example), `example-part of: ${line}`);
            }
            assert.deepStrictEqual(e.resources.map(r => r.type), ["pulumi:pulumi:Stack"]);
        });
    }

    for (const c of CASES.filter(c => !c.problems.some(p => p.key.startsWith("notifications")))) {
        it(`rejects ${c.what} beside another key's problem, with that problem too`, () => {
            const raw = structuredClone(fixture("prod"));
            c.change(raw);
            problemsBesideAnother("prod", raw);
        });
    }

    it("accepts a target in the pipeline account when the stack says so (a one-account sandbox), with one provider there", async () => {
        const e = await evaluateWith("dev", c => {
            set("allowSameAccount", true)(c);
            targetsOf(c)[0].account = block(c, "pipelineAccount");
        });
        assert.ifError(e.error);
        assert.deepStrictEqual(e.resources.filter(r => r.type === "pulumi:providers:aws").map(r => r.name), ["pipeline-account"]);
    });

    it("leaves other namespaces (aws:, pulumi:) alone", async () => {
        const e = await evaluateWith("prod", c => { c["aws:profile"] = "tooling"; c["pulumi:tags"] = { team: "platform" }; });
        assert.ifError(e.error);
    });
});

describe("stack files, read as the Pulumi CLI reads them", () => {
    const file = "Pulumi.prod.yaml";
    const text = fs.readFileSync(path.join(FIXTURES, file), "utf8");
    /** The problems reading a stack file's text reports (none if it reads). */
    const problemsOf = (t: string): string[] => {
        try {
            stackFileConfig(file, t, P);
            return [];
        } catch (e) {
            if (e instanceof ConfigError) return e.problems;
            throw e;
        }
    };

    it("reads a key without a namespace as the project's", async () => {
        const plain = text.replace(new RegExp(`^  ${P}:`, "gm"), "  ");
        assert.ok(!plain.includes(`${P}:region`) && /^ {2}region: /m.test(plain));
        const config = stackFileConfig(file, plain, P);
        assert.deepStrictEqual(config, fixture("prod"));
        const e = await evaluate("prod", config);
        assert.ifError(e.error);
        assert.strictEqual(e.resources.length, (await evaluated("prod")).resources.length);
    });

    it("namespaces each key as Pulumi's ParseKey does", () => {
        const forms: [string, string][] = [["region", `${P}:region`], [`${P}:region`, `${P}:region`], [`${P}:config:region`, `${P}:region`],
            ["aws:region", "aws:region"], [`${P}:config`, `${P}:config`], ["config:region", "config:region"]];
        for (const [written, read] of forms) {
            assert.deepStrictEqual(stackFileConfig(file, `config:\n  ${written}: 1\n`, P), { [read]: 1 }, written);
        }
    });

    it("reads an empty stack file, or one without config, as no config (the CLI does)", () => {
        assert.deepStrictEqual([stackFileConfig(file, "", P), stackFileConfig(file, "encryptionsalt: x\n", P)], [{}, {}]);
    });

    it("reads the old <project>:config:<key> form as <project>:<key>", () => {
        const old = text.replace(`${P}:region:`, `${P}:config:region:`);
        assert.deepStrictEqual(stackFileConfig(file, old, P), fixture("prod"));
    });

    it("refuses a key written twice, naming both spellings", () => {
        const twice = text.replace(`  ${P}:region: ap-northeast-2`, `  ${P}:region: ap-northeast-2\n  region: eu-west-1`);
        assert.deepStrictEqual(problemsOf(twice), [`${file}: ${P}:region: expected the key once; found it written as ${P}:region and as region; ` +
            `for example ${P}:region alone`]);
    });

    it("refuses a name with a colon, as the Pulumi CLI does (pulumi/pulumi#2228), with every other problem of the file", () => {
        const colons = text.replace(`  ${P}:region:`, `  ${P}:config:region:x:`).replace(`  ${P}:targets:`, `  ${P}:targets:all:`);
        assert.deepStrictEqual(problemsOf(colons), [
            `${file}: ${P}:config:region:x: expected <namespace>:<name> or <namespace>:config:<name>, a name without ":"; ` +
                `found the name config:region:x; for example ${P}:x`,
            `${file}: ${P}:targets:all: expected <namespace>:<name> or <namespace>:config:<name>, a name without ":"; ` +
                `found the name targets:all; for example ${P}:all`,
        ]);
        const other = text.replace(`  ${P}:region:`, `  aws:region:eu:`);
        assert.match(problemsOf(other).join("\n"), /^Pulumi\.prod\.yaml: aws:region:eu: expected <namespace>:<name>/);
    });

    it("names the line and column (counted from 1) of a key written twice alike, which YAML refuses", () => {
        const lines = text.split("\n");
        const at = lines.findIndex(l => l.startsWith(`  ${P}:region:`));
        const twice = [...lines.slice(0, at + 1), `  ${P}:region: eu-west-1`, ...lines.slice(at + 1)].join("\n");
        assert.deepStrictEqual(problemsOf(twice), [`${file}: not valid YAML at line ${at + 2}, column 3: duplicated mapping key`]);
    });

    it("names the stack file, line and column of a YAML syntax error, without a stack trace", () => {
        const broken = text.replace("    branch: main", "    branch: [main");
        assert.throws(() => stackFileConfig(file, broken, P), (e: unknown) => e instanceof ConfigError &&
            /^invalid stack configuration \(1 problem\):\n {2}- Pulumi\.prod\.yaml: not valid YAML at line \d+, column \d+: /.test(e.message));
    });
});
