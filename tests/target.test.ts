import * as assert from "assert";
import * as os from "os";
import * as path from "path";
import { spawn, spawnSync } from "child_process";
import { configOf, projectConfig } from "../offline/access/access";
import { Evaluation, Resource } from "../offline/engine/engine";
import { ConfigError } from "../stacks/config/issues";
import { parseConfig } from "../stacks/validation/parse";
import { stackNames } from "../stacks/names";
import { freePort, getWhenUp } from "./support/http";
import { READ_ONLY } from "./support/readOnly";
import { asList, descendants, evaluated, EXISTING_TARGET, one, policyOf, targetsOf, VARIANTS, fixture, FIXTURE_STACKS, FIXTURES } from "./support/stacks";

const TARGET_TYPES = /^(aws:(ecs|lb|codedeploy|ec2|vpc)\/|awsx:)/;

function statement(doc: { Statement: any[] }, sid: string) {
    const found = doc.Statement.find(s => s.Sid === sid);
    assert.ok(found, `no statement ${sid} in ${JSON.stringify(doc)}`);
    return found;
}

/** Every created target of the committed stacks and of the grown release path: the stack, its place, its name. */
const CREATED = [...FIXTURE_STACKS, "path"].flatMap(stack => {
    const config = stack in VARIANTS ? VARIANTS[stack]()[1] : fixture(stack);
    return targetsOf(config).map((t, i) => ({ stack, i, name: t.name as string, raw: t })).filter(t => t.raw.create);
});

// The harness every created target's placeholder test runs under (it depends on no target: checked once).
describe("the read-only harness of the placeholder tests", () => {
    it("does stop a program that writes a file", () => {
        const run = spawnSync(process.execPath, [...READ_ONLY, "-e", `require("fs").writeFileSync(${JSON.stringify(path.join(os.tmpdir(), "x"))}, "")`],
            { encoding: "utf8" });
        assert.notStrictEqual(run.status, 0);
        assert.match(run.stderr, /ERR_ACCESS_DENIED/);
    });
});

for (const { stack, i, name, raw } of CREATED) {
    describe(`created ECS blue/green target ${name} (${stack} stack)`, function () {
        let e: Evaluation;
        let own: Resource[];
        let logical: string;
        let deployLogical: string;
        /** The one resource of a type (and logical name, after the target's own prefix) that belongs to this target. */
        const get = (type: string, suffix?: string) => {
            const found = own.filter(r => r.type === type && (suffix === undefined || r.name === `${logical}-${suffix}`));
            assert.strictEqual(found.length, 1, `one ${type} ${suffix ?? ""} of ${name}`);
            return found[0];
        };
        const all = (_: Evaluation, type: string) => own.filter(r => r.type === type);
        const provider = () => e.resources.find(r => r.type === "pulumi:providers:aws" && JSON.parse(r.inputs.allowedAccountIds)[0] === raw.account.accountId &&
            r.inputs.region === (raw.region ?? configOf(e).region))!;
        before(async () => {
            e = await evaluated(stack);
            const names = stackNames(configOf(e)).targets[i];
            logical = names.logical.target;
            deployLogical = names.logical.deploy;
            const component = one(e, "cross-account-pipeline:target:EcsBlueGreenTarget", logical);
            own = [component, ...descendants(e, component), ...descendants(e, one(e, "cross-account-pipeline:deploy:ProdDeployRole", names.logical.deploy))];
        });

        it("puts every resource of the target in its account and region, through that account and region's provider", () => {
            const children = own.slice(1);
            assert.ok(children.length > 20, `only ${children.length} resources below the target`);
            for (const r of children) {
                assert.deepStrictEqual([r.account, r.region], [raw.account.accountId, raw.region ?? configOf(e).region], `${r.type} ${r.name} landed elsewhere`);
                const ref = r.custom ? r.provider : r.providers.aws;
                assert.ok(ref?.startsWith(`${provider().urn}::`), `${r.type} ${r.name} is not on the target's provider: ${ref}`);
            }
            // And nothing of these kinds is made outside the targets' components.
            const components = e.resources.filter(r => r.type === "cross-account-pipeline:target:EcsBlueGreenTarget");
            const inTargets = components.flatMap(c => descendants(e, c));
            for (const r of e.resources.filter(r => TARGET_TYPES.test(r.type))) {
                assert.ok(inTargets.includes(r), `${r.type} ${r.name} is outside the target components`);
            }
        });

        it("registers the remote awsx VPC with the target's provider explicitly (it does not inherit it)", () => {
            const vpc = get("awsx:ec2:Vpc");
            assert.strictEqual(vpc.custom, false);
            assert.ok(vpc.providers.aws?.startsWith(`${provider().urn}::`), `awsx VPC providers: ${JSON.stringify(vpc.providers)}`);
            assert.strictEqual(vpc.account, raw.account.accountId);
        });

        it("runs tasks where the config says, with one NAT gateway at most", () => {
            const vpc = get("awsx:ec2:Vpc");
            const service = get("aws:ecs/service:Service");
            const network = raw.create.network ?? {};
            const isPublic = network.subnets === "public";
            assert.deepStrictEqual(vpc.inputs.natGateways, { strategy: isPublic ? "None" : "Single" });
            assert.deepStrictEqual(service.inputs.networkConfiguration.subnets,
                isPublic ? vpc.state.publicSubnetIds : vpc.state.privateSubnetIds);
            assert.ok(service.inputs.networkConfiguration.subnets.length >= 2);
            assert.strictEqual(service.inputs.networkConfiguration.assignPublicIp, isPublic);
            assert.deepStrictEqual(get("aws:lb/loadBalancer:LoadBalancer").inputs.subnets, vpc.state.publicSubnetIds);
        });

        it("deploys the service with CodeDeploy: both target groups, both listeners, this service", () => {
            const group = get("aws:codedeploy/deploymentGroup:DeploymentGroup");
            const service = get("aws:ecs/service:Service");
            const cluster = get("aws:ecs/cluster:Cluster");
            const app = get("aws:codedeploy/application:Application");
            const alb = get("aws:lb/loadBalancer:LoadBalancer");
            const [production, test] = ["production", "test"].map(n => get("aws:lb/listener:Listener", n));
            const groups = all(e, "aws:lb/targetGroup:TargetGroup");

            assert.strictEqual(service.inputs.deploymentController.type, "CODE_DEPLOY");
            assert.strictEqual(service.inputs.launchType, "FARGATE");
            assert.strictEqual(service.inputs.cluster, cluster.state.arn);
            assert.strictEqual(app.inputs.computePlatform, "ECS");
            assert.strictEqual(group.inputs.appName, app.state.name);
            assert.deepStrictEqual(group.inputs.ecsService, { clusterName: cluster.state.name, serviceName: service.state.name });
            const pair = group.inputs.loadBalancerInfo.targetGroupPairInfo;
            assert.deepStrictEqual(pair.targetGroups.map((g: any) => g.name).sort(), groups.map(g => g.state.name).sort());
            assert.strictEqual(groups.length, 2);
            assert.deepStrictEqual(pair.prodTrafficRoute.listenerArns, [production.state.arn]);
            assert.deepStrictEqual(pair.testTrafficRoute.listenerArns, [test.state.arn]);
            for (const l of [production, test]) {
                assert.strictEqual(l.inputs.loadBalancerArn, alb.state.arn);
            }
            // Production starts on the group the service registers in; the test listener on the other.
            const serviceGroup = service.inputs.loadBalancers[0].targetGroupArn;
            assert.strictEqual(production.inputs.defaultActions[0].targetGroupArn, serviceGroup);
            assert.notStrictEqual(test.inputs.defaultActions[0].targetGroupArn, serviceGroup);
            assert.ok(groups.some(g => g.state.arn === test.inputs.defaultActions[0].targetGroupArn));

            assert.deepStrictEqual(group.inputs.deploymentStyle, { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" });
            // On a failed deployment always; when an alarm fires too, with rollback alarms (tests/alarms.test.ts).
            assert.deepStrictEqual(group.inputs.autoRollbackConfiguration,
                { enabled: true, events: ["DEPLOYMENT_FAILURE", ...raw.create.rollbackAlarms ? ["DEPLOYMENT_STOP_ON_ALARM"] : []] });
            assert.deepStrictEqual(group.inputs.blueGreenDeploymentConfig.terminateBlueInstancesOnDeploymentSuccess,
                { action: "TERMINATE", terminationWaitTimeInMinutes: raw.create.terminationWaitMinutes ?? 5 });
            assert.strictEqual(group.inputs.serviceRoleArn, get("aws:iam/role:Role", "codedeploy").state.arn);
        });

        it("target groups are ip-type and probe the configured health-check path", () => {
            for (const g of all(e, "aws:lb/targetGroup:TargetGroup")) {
                assert.strictEqual(g.inputs.targetType, "ip");
                assert.strictEqual(g.inputs.port, get("aws:ecs/service:Service").inputs.loadBalancers[0].containerPort);
                assert.strictEqual(g.inputs.healthCheck.path, raw.create.healthCheckPath ?? "/health");
            }
        });

        it("serves HTTPS when a certificate is configured, HTTP otherwise", () => {
            const production = get("aws:lb/listener:Listener", "production");
            const cert = raw.create.certificateArn;
            assert.strictEqual(production.inputs.protocol, cert ? "HTTPS" : "HTTP");
            assert.strictEqual(production.inputs.certificateArn, cert);
            assert.strictEqual(production.inputs.port, raw.create.productionPort ?? (cert ? 443 : 80));
            assert.match(String((e.outputs.targets as any)[name].applicationUrl), new RegExp(`^${cert ? "https" : "http"}://${get("aws:lb/loadBalancer:LoadBalancer").state.dnsName}`));
        });

        it("redirects plain HTTP on port 80 to HTTPS when a certificate is configured, and has no such listener otherwise", () => {
            const redirects = all(e, "aws:lb/listener:Listener").filter(l => l.name === `${logical}-http-redirect`);
            if (!raw.create.certificateArn) {
                assert.deepStrictEqual(redirects, []);
                return;
            }
            assert.strictEqual(redirects.length, 1);
            const [redirect] = redirects;
            assert.strictEqual(redirect.inputs.loadBalancerArn, get("aws:lb/loadBalancer:LoadBalancer").state.arn);
            assert.deepStrictEqual([redirect.inputs.port, redirect.inputs.protocol], [80, "HTTP"]);
            assert.deepStrictEqual(redirect.inputs.defaultActions, [{
                type: "redirect", redirect: { protocol: "HTTPS", port: String(get("aws:lb/listener:Listener", "production").inputs.port), statusCode: "HTTP_301" },
            }]);
        });

        it("keeps the load balancer's access logs and the created VPC's flow logs in a network log bucket of the target account", () => {
            const bucket = get("aws:s3/bucket:Bucket", "network-logs-bucket");
            const policy = get("aws:s3/bucketPolicy:BucketPolicy", "network-logs-policy");
            assert.strictEqual(bucket.account, raw.account.accountId);
            assert.deepStrictEqual(get("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "network-logs-encryption").inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
            const alb = get("aws:lb/loadBalancer:LoadBalancer");
            assert.deepStrictEqual(alb.inputs.accessLogs, { bucket: bucket.state.bucket, prefix: "load-balancer", enabled: true });
            // ELB writes a test file when access logs are turned on: the bucket policy must be there first.
            assert.ok(alb.dependencies.includes(policy.urn));
            const vpc = get("awsx:ec2:Vpc");
            const flowLog = get("aws:ec2/flowLog:FlowLog");
            assert.deepStrictEqual([flowLog.inputs.vpcId, flowLog.inputs.trafficType, flowLog.inputs.logDestinationType, flowLog.inputs.logDestination],
                [vpc.state.vpcId, "ALL", "s3", `${bucket.state.arn}/vpc-flow-logs/`]);
            assert.ok(flowLog.dependencies.includes(policy.urn));
            const defaultGroup = get("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
            assert.strictEqual(defaultGroup.inputs.vpcId, vpc.state.vpcId);
            assert.deepStrictEqual([defaultGroup.inputs.ingress ?? [], defaultGroup.inputs.egress ?? []], [[], []]);
            assert.strictEqual((e.outputs.targets as any)[name].networkLogBucketName, bucket.state.bucket);
        });

        it("turns on Container Insights and, as configured, deletion protection", () => {
            assert.deepStrictEqual(get("aws:ecs/cluster:Cluster").inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
            assert.strictEqual(get("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, raw.create.deletionProtection ?? true);
        });

        it("leaves to CodeDeploy what CodeDeploy changes (ignoreChanges)", () => {
            // What UpdateService refuses on a CODE_DEPLOY service, and what a deployment moves.
            const ignored = get("aws:ecs/service:Service").ignoreChanges;
            for (const property of ["taskDefinition", "loadBalancers", "networkConfiguration", "platformVersion"]) {
                assert.ok(ignored.includes(property), `${property} is not in the service's ignoreChanges: ${ignored}`);
            }
            assert.ok(!ignored.includes("desiredCount"), "desiredCount stays Pulumi's: UpdateService accepts it");
            for (const l of ["production", "test"].map(n => get("aws:lb/listener:Listener", n))) {
                assert.ok(l.ignoreChanges.includes("defaultActions"), `${l.name} ignoreChanges: ${l.ignoreChanges}`);
            }
            // The HTTP redirect is Pulumi's alone: CodeDeploy never touches it.
            assert.deepEqual(all(e, "aws:lb/listener:Listener").filter(l => l.name === `${logical}-http-redirect`).flatMap(l => l.ignoreChanges), []);
        });

        it("security groups: the internet reaches the ALB's production port, testers its test port, only the ALB the tasks", () => {
            const albGroup = get("aws:ec2/securityGroup:SecurityGroup", "alb");
            const taskGroup = get("aws:ec2/securityGroup:SecurityGroup", "tasks");
            const production = get("aws:lb/listener:Listener", "production").inputs.port;
            const test = get("aws:lb/listener:Listener", "test").inputs.port;
            const containerPort = get("aws:ecs/service:Service").inputs.loadBalancers[0].containerPort;
            const ingress = all(e, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
            // A security group's id is the last part of its ARN.
            const groupId = (g: Resource) => g.state.arn.split("/").pop();
            const to = (g: Resource) => ingress.filter(r => r.inputs.securityGroupId === groupId(g));

            const albRules = to(albGroup);
            const cidrsOn = (port: number) => albRules.filter(r => r.inputs.fromPort === port && r.inputs.toPort === port).map(r => r.inputs.cidrIpv4).sort();
            const clients = [...(raw.create.ingressCidrs ?? ["0.0.0.0/0"])].sort();
            assert.deepStrictEqual(cidrsOn(production), clients);
            assert.deepStrictEqual(cidrsOn(test), [...(raw.create.testCidrs ?? [])].sort());
            assert.ok(!cidrsOn(test).includes("0.0.0.0/0"));
            // With a certificate, port 80 admits the same clients, only to be redirected to HTTPS.
            const redirect = raw.create.certificateArn ? cidrsOn(80) : [];
            assert.deepStrictEqual(redirect, raw.create.certificateArn ? clients : []);
            assert.strictEqual(albRules.length, cidrsOn(production).length + cidrsOn(test).length + redirect.length, "the ALB admits other ports");

            const taskRules = to(taskGroup);
            assert.strictEqual(taskRules.length, 1);
            assert.strictEqual(taskRules[0].inputs.referencedSecurityGroupId, groupId(albGroup));
            assert.strictEqual(taskRules[0].inputs.cidrIpv4, undefined);
            assert.strictEqual(taskRules[0].inputs.fromPort, containerPort);
            assert.strictEqual(taskRules[0].inputs.toPort, containerPort);
            assert.deepStrictEqual(get("aws:ecs/service:Service").inputs.networkConfiguration.securityGroups, [groupId(taskGroup)]);
            assert.deepStrictEqual(get("aws:lb/loadBalancer:LoadBalancer").inputs.securityGroups, [groupId(albGroup)]);
        });

        it("the image repository is the pipeline account's: immutable, scanned, kept on destroy, pullable by this execution role", () => {
            const repository = one(e, "aws:ecr/repository:Repository");
            const execution = get("aws:iam/role:Role", "execution");
            const config = configOf(e);
            assert.deepStrictEqual([repository.account, repository.region], [config.pipelineAccount.accountId, config.region]);
            assert.strictEqual(repository.inputs.imageTagMutability, "IMMUTABLE");
            assert.deepStrictEqual(repository.inputs.imageScanningConfiguration, { scanOnPush: true });
            assert.strictEqual(repository.inputs.forceDelete, false);
            assert.strictEqual(repository.retainOnDelete, true);
            // What the lifecycle keeps is proved in imageLifecycle.test.ts; here, that `images.keep` is its count of releases, per stage.
            const lifecycle = JSON.parse(one(e, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy);
            assert.deepStrictEqual(lifecycle.rules.filter((r: any) => r.selection.countType === "imageCountMoreThan")
                .map((r: any) => r.selection.countNumber), stackNames(config).stages.flatMap(s => s.attemptTagPrefix ? [config.images.keep, config.images.keep] : [config.images.keep]));

            const repoPolicy = one(e, "aws:ecr/repositoryPolicy:RepositoryPolicy");
            assert.strictEqual(repoPolicy.inputs.repository, repository.state.name);
            const doc = policyOf(repoPolicy);
            assert.strictEqual(doc.Statement.length, 1);
            const s = doc.Statement[0];
            assert.strictEqual(s.Effect, "Allow");
            assert.ok(asList(s.Principal.AWS).includes(`arn:aws:iam::${execution.account}:root`));
            assert.ok(s.Condition.ArnEquals["aws:PrincipalArn"].includes(execution.state.arn));
            assert.deepStrictEqual([...s.Action].sort(), ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]);
            assert.strictEqual(execution.account, raw.account.accountId);
        });

        it("the execution role may pull from that repository and write its log group, nothing more", () => {
            const doc = policyOf(get("aws:iam/rolePolicy:RolePolicy", "execution-permissions"));
            const repository = one(e, "aws:ecr/repository:Repository").state.arn;
            const logs = get("aws:cloudwatch/logGroup:LogGroup", "logs").state.arn;
            const grants = doc.Statement.flatMap(s => asList(s.Action).map(a => `${a} ${asList(s.Resource).join(",")}`)).sort();
            assert.deepStrictEqual(grants, [
                `ecr:BatchCheckLayerAvailability ${repository}`,
                `ecr:BatchGetImage ${repository}`,
                "ecr:GetAuthorizationToken *",
                `ecr:GetDownloadUrlForLayer ${repository}`,
                `logs:CreateLogStream ${logs}:log-stream:*`,
                `logs:PutLogEvents ${logs}:log-stream:*`,
            ]);
            assert.ok(doc.Statement.every(s => s.Effect === "Allow" && s.Sid));
        });

        it("the build may push to that repository only", () => {
            const doc = policyOf(one(e, "aws:iam/rolePolicy:RolePolicy", "pipeline-build-permissions"));
            const repository = one(e, "aws:ecr/repository:Repository").state.arn;
            const ecr = doc.Statement.filter(s => asList(s.Action).some((a: string) => a.startsWith("ecr:")));
            const push = ecr.find(s => asList(s.Action).includes("ecr:PutImage"));
            assert.deepStrictEqual(asList(push.Resource), [repository]);
            for (const s of ecr.filter(s => s !== push)) {
                assert.deepStrictEqual(asList(s.Action), ["ecr:GetAuthorizationToken"]);
            }
        });

        it("CodeDeploy's role has no managed policy, and its grants are scoped to this service, these listeners, these roles", () => {
            assert.strictEqual(all(e, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
            const role = get("aws:iam/role:Role", "codedeploy");
            assert.strictEqual(role.inputs.managedPolicyArns, undefined);
            assert.deepStrictEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal, { Service: "codedeploy.amazonaws.com" });
            const doc = policyOf(get("aws:iam/rolePolicy:RolePolicy", "codedeploy-permissions"));
            assert.ok(doc.Statement.every(s => s.Sid && s.Effect === "Allow"));
            const service = get("aws:ecs/service:Service").state.arn;
            // The two listeners CodeDeploy moves, not the HTTP redirect.
            const listeners = ["production", "test"].map(n => get("aws:lb/listener:Listener", n).state.arn);

            const ecs = statement(doc, "ReplaceTaskSetsOfThisService");
            assert.deepStrictEqual(asList(ecs.Resource), [service, `${service.replace(":service/", ":task-set/")}/*`]);
            const traffic = statement(doc, "MoveTrafficOnTheseListeners");
            assert.deepStrictEqual(asList(traffic.Resource).sort(),
                [...listeners, ...listeners.map(l => `${l.replace(":listener/", ":listener-rule/")}/*`)].sort());
            const pass = statement(doc, "PassOnlyTaskRolesOnlyToEcsTasks");
            assert.deepStrictEqual(asList(pass.Resource).sort(),
                [get("aws:iam/role:Role", "task").state.arn, get("aws:iam/role:Role", "execution").state.arn].sort());
            assert.deepStrictEqual(pass.Condition, { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
            // "*" only where AWS accepts nothing else: ELB's Describe actions.
            for (const s of doc.Statement.filter(s => asList(s.Resource).includes("*"))) {
                assert.ok(asList(s.Action).every((a: string) => a.startsWith("elasticloadbalancing:Describe")), s.Sid);
            }
        });

        it("the deploy role may use exactly this application and group, and pass only this target's roles", () => {
            const doc = policyOf(one(e, "aws:iam/rolePolicy:RolePolicy", `${deployLogical}-permissions`));
            assert.deepStrictEqual(asList(statement(doc, "StartAndWatchDeploymentOnTargetGroup").Resource),
                [get("aws:codedeploy/deploymentGroup:DeploymentGroup").state.arn]);
            assert.deepStrictEqual(asList(statement(doc, "RegisterRevisionOfTargetApplication").Resource),
                [get("aws:codedeploy/application:Application").state.arn]);
            assert.deepStrictEqual(asList(statement(doc, "PassOnlyTaskRolesOnlyToEcsTasks").Resource),
                [get("aws:iam/role:Role", "task").state.arn, get("aws:iam/role:Role", "execution").state.arn]);
        });

        it("the deploy action names the created application and deployment group", () => {
            const stages = one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[];
            const deploy = stages.flatMap(s => s.actions).find((a: any) => a.provider === "CodeDeployToECS" && a.name === name);
            assert.strictEqual(deploy.configuration.ApplicationName, get("aws:codedeploy/application:Application").state.name);
            assert.strictEqual(deploy.configuration.DeploymentGroupName,
                get("aws:codedeploy/deploymentGroup:DeploymentGroup").inputs.deploymentGroupName);
        });

        it("until the first deployment, the first task answers the target groups' health check (a green first state), writing no file", async function () {
            // The registered container's command, run here by node as the placeholder image runs it. The
            // container's root file system is read-only: Node's permission model, with reads only, makes
            // any file the placeholder (or node itself) would write an error that ends it.
            const [container] = JSON.parse(get("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions);
            assert.match(container.image, /^public\.ecr\.aws\/docker\/library\/node:/);
            assert.strictEqual(container.readonlyRootFilesystem, true);
            // The node image's own user, `node`, is 1000:1000; the port is one a user other than root may listen on.
            assert.strictEqual(container.user, "1000:1000");
            const [program, ...args] = container.command;
            assert.strictEqual(program, "node");
            const env = Object.fromEntries(container.environment.map((v: any) => [v.name, v.value]));
            assert.deepStrictEqual(container.portMappings, [{ containerPort: Number(env.PORT), protocol: "tcp" }]);
            assert.ok(Number(env.PORT) >= 1024);
            const port = await freePort();
            const server = spawn(process.execPath, [...READ_ONLY, ...args], { env: { ...env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
            let stderr = "";
            server.stderr.on("data", chunk => { stderr += chunk; });
            // A placeholder that dies (a write refused) fails with its own error, not a refused connection.
            const died = new Promise<never>((_, reject) => server.on("exit", code => reject(new Error(`the placeholder exited (${code}): ${stderr}`))));
            try {
                for (const group of all(e, "aws:lb/targetGroup:TargetGroup")) {
                    assert.strictEqual(group.inputs.port, Number(env.PORT));
                    const status = await Promise.race([getWhenUp(port, group.inputs.healthCheck.path), died]);
                    const [low, high] = group.inputs.healthCheck.matcher.split("-").map(Number);
                    assert.ok(status >= low && status <= high, `${group.name}: ${group.inputs.healthCheck.path} answered ${status}`);
                }
            } finally {
                server.kill();
            }
        });

        it("the service's first task definition runs on the target's roles and logs to its log group", () => {
            const td = get("aws:ecs/taskDefinition:TaskDefinition");
            assert.strictEqual(td.inputs.taskRoleArn, get("aws:iam/role:Role", "task").state.arn);
            assert.strictEqual(td.inputs.executionRoleArn, get("aws:iam/role:Role", "execution").state.arn);
            assert.strictEqual(get("aws:ecs/service:Service").inputs.taskDefinition, td.state.arn);
            // What ECS requires of a Fargate task definition: awsvpc, Fargate, task-level size, one essential container.
            assert.strictEqual(td.inputs.networkMode, "awsvpc");
            assert.deepStrictEqual(td.inputs.requiresCompatibilities, ["FARGATE"]);
            assert.match(`${td.inputs.cpu}/${td.inputs.memory}`, /^\d+\/\d+$/);
            const containers = JSON.parse(td.inputs.containerDefinitions);
            assert.deepStrictEqual(containers.map((c: any) => c.essential), [true]);
            const [container] = containers;
            assert.strictEqual(container.logConfiguration.options["awslogs-group"], get("aws:cloudwatch/logGroup:LogGroup", "logs").state.name);
        });
    });
}

describe("existing deploy target (dev's config with an existing target)", function () {
    let e: Evaluation;
    before(async () => { e = await evaluated("existing"); });

    it("creates no ECS, load balancer, CodeDeploy, network or awsx resources", () => {
        const made = e.resources.filter(r => TARGET_TYPES.test(r.type) || r.type.includes(":target:"));
        assert.deepStrictEqual(made.map(r => `${r.type} ${r.name}`), []);
        assert.deepStrictEqual(Object.keys((e.outputs.targets as Record<string, object>).staging), ["account", "region", "deployRoleArn"]);
    });

    it("still wires the deploy action, deploy role and image repository to the configured target", () => {
        const stages = one(e, "aws:codepipeline/pipeline:Pipeline").inputs.stages as any[];
        const deploy = stages.flatMap(s => s.actions).find((a: any) => a.provider === "CodeDeployToECS");
        assert.strictEqual(deploy.configuration.ApplicationName, EXISTING_TARGET.applicationName);
        assert.strictEqual(deploy.configuration.DeploymentGroupName, EXISTING_TARGET.deploymentGroupName);
        assert.strictEqual(deploy.roleArn, one(e, "aws:iam/role:Role", "deploy").state.arn);

        const doc = policyOf(one(e, "aws:iam/rolePolicy:RolePolicy", "deploy-permissions"));
        assert.deepStrictEqual(asList(statement(doc, "StartAndWatchDeploymentOnTargetGroup").Resource),
            [`arn:aws:codedeploy:ap-northeast-2:454545454545:deploymentgroup:${EXISTING_TARGET.applicationName}/${EXISTING_TARGET.deploymentGroupName}`]);
        assert.deepStrictEqual(asList(statement(doc, "PassOnlyTaskRolesOnlyToEcsTasks").Resource),
            [EXISTING_TARGET.taskRoleArn, EXISTING_TARGET.executionRoleArn]);

        const repoPolicy = policyOf(one(e, "aws:ecr/repositoryPolicy:RepositoryPolicy"));
        assert.deepStrictEqual(repoPolicy.Statement[0].Condition, { ArnEquals: { "aws:PrincipalArn": [EXISTING_TARGET.executionRoleArn] } });
    });
});

describe("a target's config", () => {
    const dev = () => projectConfig("dev", FIXTURES);
    const problems = (change: (raw: Record<string, any>) => void): string[] => {
        const raw = structuredClone(dev());
        change(raw);
        try {
            parseConfig("cross-account-pipeline", "dev", raw);
            return [];
        } catch (err) {
            assert.ok(err instanceof ConfigError, String(err));
            return err.problems;
        }
    };

    it("accepts the committed stacks' created targets with their defaults", () => {
        const config = parseConfig("cross-account-pipeline", "dev", dev());
        const [target] = config.targets;
        assert.strictEqual(target.create?.containerPort, 8080);
        assert.strictEqual(target.create?.healthCheckPath, "/health");
        assert.strictEqual(target.create?.productionPort, 80);
        assert.deepStrictEqual([target.region, target.approval, target.wave], ["ap-northeast-2", false, undefined]);
        assert.strictEqual(config.build.buildspec, undefined);
    });

    it("wants exactly one of create and existing", () => {
        const both = problems(raw => { raw.targets[0].existing = { applicationName: "x" }; });
        assert.strictEqual(both.length, 1, both.join("\n"));
        assert.match(both[0], /^Pulumi\.dev\.yaml: cross-account-pipeline:targets\[0\]\.existing: expected a target with exactly one of create .* or existing .*; found .*; for example /);
        const neither = problems(raw => { delete raw.targets[0].create; });
        assert.strictEqual(neither.length, 1, neither.join("\n"));
        assert.match(neither[0], /cross-account-pipeline:targets\[0\]: expected a target with exactly one of create/);
    });

    it("names unknown keys in nested blocks with the nearest known key", () => {
        const found = problems(raw => { raw.targets[0].create.network.subnet = "public"; });
        assert.strictEqual(found.length, 1, found.join("\n"));
        assert.match(found[0], /cross-account-pipeline:targets\[0\]\.create\.network\.subnet: expected a known key \(.*\); found an unknown key; for example targets\[0\]\.create\.network\.subnets, the nearest known key/);
        const misplaced = problems(raw => { raw.targets[0].applicationName = "my-service"; });
        assert.ok(misplaced.some(p => p.includes("cross-account-pipeline:targets[0].applicationName: expected a known key (name, account,")), misplaced.join("\n"));
    });

    it("reports every bad value of the block at once", () => {
        const found = problems(raw => {
            Object.assign(raw.targets[0].create, { testCidrs: ["everyone"], containerPort: 0, cpu: 300 });
            raw.targets[0].create.network = { subnets: "dmz", publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] };
        });
        for (const k of ["testCidrs", "containerPort", "cpu", "network.subnets", "network.vpcId"]) {
            assert.ok(found.some(p => p.startsWith(`Pulumi.dev.yaml: cross-account-pipeline:targets[0].create.${k}: expected `)), `${k}: ${found.join("\n")}`);
        }
        assert.strictEqual(found.length, 5, found.join("\n"));
    });

    it("requires what the build renders for an existing target, and roles in the target account", () => {
        const found = problems(raw => {
            delete raw.targets[0].create;
            raw.targets[0].existing = { applicationName: "a", deploymentGroupName: "g",
                taskRoleArn: "arn:aws:iam::343434343434:role/t", executionRoleArn: "arn:aws:iam::454545454545:role/x" };
        });
        for (const k of ["taskFamily", "containerName", "containerPort", "taskRoleArn"]) {
            assert.ok(found.some(p => p.startsWith(`Pulumi.dev.yaml: cross-account-pipeline:targets[0].existing.${k}: expected `)), `${k}: ${found.join("\n")}`);
        }
        assert.strictEqual(found.length, 4, found.join("\n"));
    });

    it("wants the certificate in the target account", () => {
        const found = problems(raw => { raw.targets[0].create.certificateArn = "arn:aws:acm:ap-northeast-2:343434343434:certificate/abc"; });
        assert.strictEqual(found.length, 1);
        assert.match(found[0], /targets\[0\]\.create\.certificateArn: expected an ACM certificate ARN in the target account 454545454545/);
    });
});
