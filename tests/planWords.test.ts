import { strict as assert } from "assert";
import { evaluate, Evaluation, RawConfig } from "../offline/engine/engine";
import { AccessResult, renderPlan } from "../offline/report/plan";
import { all, block, evaluated, evaluateWith, key, one, planPart, releasePathConfig, targetsOf } from "./support/stacks";

// What the plan says of what a stack registers, for the cases the example stacks do not have: a
// source through a host, push filters that exclude, CodeCommit, an approval nobody is told of,
// a topic with no subscriber, alarms that fire below a threshold, a control turned off.

const text = (e: Evaluation) => {
    assert.ifError(e.error);
    return renderPlan(e).text;
};
/** The words in brackets after a resource in the plan's tree. */
const details = (plan: string, type: string, name: string) => {
    const line = plan.split("\n").find(l => l.replace(/^[│├└─ ]+/, "").startsWith(`${type} ${name}  (`));
    assert.ok(line, `no line for ${type} ${name}`);
    return line.slice(line.indexOf("  (") + 3).replace(/ {2}\[[^\]]*\]/g, "").slice(0, -1);
};
/** An evaluation with each resource of a type changed, as if the program had registered it so. */
const registeredAs = (e: Evaluation, type: string, change: (inputs: Record<string, any>) => void): Evaluation => ({
    ...e, resources: e.resources.map(r => {
        if (r.type !== type) return r;
        const inputs = structuredClone(r.inputs);
        change(inputs);
        return { ...r, inputs };
    }),
});

describe("plan: what it says of a stack's source", () => {
    it("a server of one's own: the host created for it, PENDING until set up; the connection through it; both steps of a person", async () => {
        const vpc = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] };
        for (const network of [vpc, undefined]) {
            const e = await evaluateWith("prod", c => {
                c[key("source")] = { provider: "GitHubEnterpriseServer", repository: "platform/my-service", host: { endpoint: "https://github.example.com", vpc: network } };
            });
            const plan = text(e);
            const [host, connection] = [one(e, "aws:codeconnections/host:Host"), one(e, "aws:codeconnections/connection:Connection")];
            assert.equal(details(plan, "Host", host.name), `${host.inputs.name}: https://github.example.com${network ? " from vpc-0123456789abcdef0" : ""}, ` +
                "PENDING until someone sets it up once in the console (Developer Tools > Settings > Connections > Hosts > Set up host)");
            assert.equal(details(plan, "Connection", connection.name), `${connection.inputs.name}: to the server of its host, PENDING until someone ` +
                "completes its handshake once in the console (Developer Tools > Settings > Connections > Update pending connection); the pipeline's source fails until then");
            assert.deepEqual(planPart(plan, "One-time steps of a person:").filter(l => /host|connection/.test(l)), [
                `  after \`pulumi up\`: set up host ${host.inputs.name} in the console`,
                `  after \`pulumi up\`: complete connection ${connection.inputs.name}'s handshake in the console (README, Sources)`,
            ]);
        }
    });

    it("the push filters that start the pipeline, in words: what they include, what they exclude, the files a push changes", async () => {
        const e = await evaluateWith("prod", c => {
            block(c, "source").triggers = [
                { branches: { includes: ["main", "release/*"], excludes: ["experimental/**"] }, filePaths: { includes: ["app/**"], excludes: ["**/*.md"] } },
                { tags: { excludes: ["*-rc*"] } },
            ];
        });
        const pipeline = details(text(e), "Pipeline", "pipeline-pipeline");
        assert.ok(pipeline.includes("started on a push of branches main, release/* but not experimental/** changing app/** but not **/*.md " +
            "or tags any but not *-rc* (a manual start builds main)"), pipeline);
    });

    it("CodeCommit: the repository and branch, started by EventBridge", async () => {
        const plan = text(await evaluated("dev"));
        assert.ok(details(plan, "Pipeline", "pipeline-pipeline").includes("; source CodeCommit my-service-sandbox, started by EventBridge on a push to develop; "));
        assert.equal(planPart(plan, "Release path")[1], "   1. Source: source my-service-sandbox develop");
    });
});

describe("plan: who is told, and what undoes a release", () => {
    /** dev with an approval before its target, and these notifications. */
    const approved = (notifications?: object) => evaluateWith("dev", (c: RawConfig) => {
        targetsOf(c)[0].approval = true;
        delete c[key("artifactRetentionDays")]; // long enough for an approval's wait by default
        if (notifications) c[key("notifications")] = notifications;
    });

    it("an approval nobody is told of, and a topic nobody subscribes to yet", async () => {
        const silent = text(await approved());
        assert.equal(planPart(silent, "Release path")[3], "   3. Approve_staging: manual approval");
        assert.ok(planPart(silent, "Rollback").includes("  a rejected or timed-out approval (Approve_staging) fails its own stage, which does not roll back: " +
            "the execution stops there and nothing is redeployed; the next release waits at that approval again"));
        const unheard = text(await approved({ emails: [] }));
        assert.deepEqual(planPart(unheard, "Who is told").slice(1), ["  nobody subscribed yet: subscribe to the topic (stack output notificationTopicArn)"]);
        const heard = text(await approved({ emails: ["platform-team@example.com"], slack: { workspaceId: "T0123456789", channelId: "C0123456789" } }));
        assert.deepEqual(planPart(heard, "Who is told").slice(1).map(l => l.slice(0, l.indexOf(" ("))),
            ["  platform-team@example.com", "  Slack channel C0123456789 of workspace T0123456789"]);
        assert.ok(planPart(heard, "One-time steps of a person:").includes("  before the first `pulumi up`: authorize Slack workspace T0123456789 for AWS Chatbot " +
            "in its console (Configure new client > Slack), and invite the AWS app to channel C0123456789 if it is private"));
        const withoutApproval = text(await evaluateWith("dev", c => { c[key("notifications")] = { emails: ["platform-team@example.com"] }; }));
        assert.deepEqual(planPart(withoutApproval, "Who is told").slice(1), ["  platform-team@example.com (email, once confirmed): execution failed, approval needed"]);
        assert.equal(planPart(unheard, "Release path")[3], "   3. Approve_staging: manual approval (its request to the notification topic)");
    });

    it("each target's alarms with their own thresholds, though targets in other accounts and regions name theirs alike, and an existing alarm as such", async () => {
        const config = releasePathConfig();
        const [staging, prod, prodEu] = targetsOf(config);
        staging.create.serviceName = prodEu.create.serviceName = prod.create.serviceName;
        staging.create.rollbackAlarms = { target5xx: { threshold: 1 }, existing: ["team-slo-burn"] };
        prodEu.create.rollbackAlarms = { target5xx: { threshold: 7 } };
        const rollback = planPart(text(await evaluate("prod", config)), "Rollback");
        const [first, second, third] = ["staging", "prod", "prod-eu"].map(t => rollback.find(l => l.startsWith(`  ${t}: `))!);
        assert.match(first, /my-service-blue-target-5xx \(Sum of HTTPCode_Target_5XX_Count >= 1 in /);
        assert.match(first, /; team-slo-burn \(existing, in its account\)$/);
        assert.match(second, /my-service-blue-target-5xx \(Sum of HTTPCode_Target_5XX_Count >= 5 in /);
        assert.match(third, /my-service-blue-target-5xx \(Sum of HTTPCode_Target_5XX_Count >= 7 in /);
        const existing = planPart(text(await evaluated("existing")), "Rollback").find(l => l.startsWith("  staging: "));
        assert.equal(existing, "  staging: alarms not wired: its deployment group legacy-service/legacy-service-staging is not this stack's, its own rollback " +
            "and alarm settings apply (aws deploy update-deployment-group --auto-rollback-configuration ... --alarm-configuration ...)");
    });

    it("each of CloudWatch's threshold comparisons as its sign", async () => {
        const signs = { GreaterThanThreshold: ">", GreaterThanOrEqualToThreshold: ">=", LessThanThreshold: "<", LessThanOrEqualToThreshold: "<=" };
        const e = await evaluateWith("prod", c => {
            targetsOf(c)[1].create.rollbackAlarms.extra = Object.keys(signs).map(comparison =>
                ({ name: comparison.toLowerCase(), metric: "TargetResponseTime", scope: "loadBalancer", statistic: "Average", comparison, threshold: 2 }));
        });
        const prod = planPart(text(e), "Rollback").find(l => l.startsWith("  prod: "))!;
        assert.deepEqual(Object.keys(signs).map(c => new RegExp(`my-service-${c.toLowerCase()} \\(Average of TargetResponseTime (\\S+) 2 in `).exec(prod)?.[1]), Object.values(signs));
    });
});

describe("plan: what it says of what is registered", () => {
    it("a control as registered, on or off: deletion protection, access logs, Container Insights", async () => {
        const e = await evaluated("prod");
        assert.equal(details(text(e), "LoadBalancer", "target-alb"), "access logs on, deletion protection on");
        assert.equal(details(text(e), "Cluster", "target-cluster"), "Container Insights on");
        const off = registeredAs(registeredAs(e, "aws:lb/loadBalancer:LoadBalancer", i => {
            i.enableDeletionProtection = false;
            i.accessLogs = { ...i.accessLogs, enabled: false };
        }), "aws:ecs/cluster:Cluster", i => { i.settings = [{ name: "containerInsights", value: "disabled" }]; });
        assert.equal(details(text(off), "LoadBalancer", "target-alb"), "access logs OFF, deletion protection off");
        assert.equal(details(text(off), "Cluster", "target-cluster"), "Container Insights OFF");
    });

    it("each place's provider, and the role it provisions as, or the ambient credentials", async () => {
        const e = await evaluateWith("dev", c => { delete block(c, "pipelineAccount").provisioningRoleArn; });
        assert.deepEqual(planPart(text(e), "Pipeline (tooling) account")[0], "Pipeline (tooling) account 343434343434, ap-northeast-2, provider pipeline-account, ambient credentials");
        assert.deepEqual(planPart(text(e), "Target account")[0], "Target account 454545454545, ap-northeast-2 (target staging), provider target-account, " +
            "provisioned as arn:aws:iam::454545454545:role/pulumi-provisioner");
    });

    it("a place of two targets names both", async () => {
        const e = await evaluateWith("prod", c => {
            const prod = targetsOf(c)[1];
            c[key("targets")] = [...targetsOf(c), { ...prod, name: "prod2", legacyNames: false, create: { ...prod.create, serviceName: "my-service-2" } }];
        });
        assert.match(planPart(text(e), "Target account 232323232323")[0], /^Target account 232323232323, ap-northeast-2 \(targets prod, prod2\), provider /);
    });

    it("a listener's port, and where it redirects; a role policy's statements; a deployment group's style and rollback; the pipeline's stages", async () => {
        const e = await evaluated("path");
        const plan = text(e);
        assert.equal(details(plan, "Listener", "target-http-redirect"), "HTTP port 80, redirects to HTTPS");
        assert.equal(details(plan, "Listener", "target-production"), "HTTPS port 443");
        for (const policy of all(e, "aws:iam/rolePolicy:RolePolicy")) {
            assert.equal(details(plan, "RolePolicy", policy.name), JSON.parse(policy.inputs.policy).Statement.map((s: { Sid: string }) => s.Sid).join(", "));
        }
        assert.equal(details(plan, "DeploymentGroup", "target-group"),
            "my-service: BLUE_GREEN, CodeDeployDefault.ECSAllAtOnce, rollback on DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM");
        assert.ok(details(plan, "Pipeline", "pipeline-pipeline").startsWith("cross-account-pipeline-prod: Source -> Build -> staging -> Approve_prod -> prod; "));
    });

    it("a stage's actions in the order they run, however the pipeline lists them", async () => {
        const e = await evaluated("prod");
        const reversed = registeredAs(e, "aws:codepipeline/pipeline:Pipeline", i => { i.stages.forEach((s: { actions: unknown[] }) => s.actions.reverse()); });
        // Each step of a stage, its parallel actions in any order.
        const steps = (plan: string) => planPart(plan, "Release path").map(l => l.split(" -> ").map(step => step.split(" | ").sort()));
        assert.deepEqual(steps(text(reversed)), steps(text(e)));
    });

    it("prints a principal of the access table as not in the stack only when none of its rows applies", async () => {
        const e = await evaluated("dev");
        const row = (resource: string) => ({ principal: "a role", action: "s3:GetObject", resource, expect: "Allowed" as const, why: "" });
        const absent = { row: row("x"), absence: "a role: not created by this stack", decisions: [] };
        const applies = { row: row("y"), decisions: [{ action: "s3:GetObject", decision: "Allowed" as const, verdict: "expected" as const, statements: [] }] };
        const table = (results: AccessResult[]) => planPart(renderPlan(e, results).text, "Who can do what").slice(1);
        assert.deepEqual(table([absent, { ...absent, row: row("z") }]), ["  a role: not in this stack (not created by this stack)"]);
        assert.deepEqual(table([absent, applies]), ["  a role", `    n/a${" ".repeat(15)}s3:GetObject on x  (a role: not created by this stack)`,
            `    Allowed${" ".repeat(11)}s3:GetObject on y`]);
    });

    it("is made of its parts, each after an empty line, each place's resources a tree, and the runtime's warnings last", async () => {
        const e = await evaluated("dev");
        const titles = (plan: string) => plan.split("\n\n").map(p => p.split("\n")[0].replace(/^(Plan for|Verdict for|Pipeline \(tooling\) account|Target account|Adoption) .*$/, "$1"));
        const plan = text(e);
        assert.deepEqual(titles(plan), ["Plan for", "Verdict for", "Release path (the pipeline's stages in order; in a stage, | runs in parallel and -> waits for success):",
            "Who is told: nobody (no notifications in the stack file): failures and waiting approvals show in the console only.",
            "Rollback (what undoes a bad release by itself):", "Pipeline (tooling) account", "Target account", "Cross-account wiring (computed from the registered inputs):"]);
        assert.match(plan.split("\n").at(-1)!, /^ {4}\S.* -> /, "the wiring last");
        for (const place of plan.split("\n\n").filter(p => /^(Pipeline \(tooling\)|Target) account/.test(p))) {
            const top = place.split("\n").slice(1).filter(l => !/^[│ ]/.test(l)).map(l => l.slice(0, 3));
            assert.deepEqual(top, [...top.slice(1).map(() => "├─ "), "└─ "], place);
        }
        const warned = text({ ...e, warnings: ["first warning", "second warning"] });
        assert.deepEqual(warned.split("\n\n").at(-1), "Warnings from the Pulumi runtime (pulumi up prints them too):\n  first warning\n  second warning");
        const adopting = text(await evaluateWith("prod", c => { c[key("adopt")] = { buildLogGroup: "/aws/codebuild/cross-account-pipeline-prod" }; }));
        const parts = titles(adopting);
        assert.deepEqual(parts.slice(parts.indexOf("One-time steps of a person:"), parts.indexOf("Adoption") + 2),
            ["One-time steps of a person:", "Adoption", "Pipeline (tooling) account"]);
    });
});
