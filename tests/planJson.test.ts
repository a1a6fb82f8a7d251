// The plan as data (`npm run plan -- --json`), in this process: what a reviewer's tooling and
// `plan --base` compare. tests/planDiff.test.ts runs the command end to end in processes of its own.
import { strict as assert } from "assert";
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { accessKey, PLAN_FORMAT_VERSION, planJson } from "../offline/report/planJson";
import { configOf } from "../offline/access/access";
import { evaluated, planned } from "./support/stacks";
import { evaluationOf, handmade, handmadeUrn } from "./support/handmade";

const secret = (value: unknown) => ({ [specialSigKey]: "1b47061264138c4ac30d75fd1eb44270", value });
const SG = "aws:ec2/securityGroup:SecurityGroup";

describe("the plan as data (npm run plan -- --json)", () => {
    it("each resource with its inputs (a secret's value at any depth written [secret]), its options, and its provider without the mocks' id", () => {
        const provider = "urn:pulumi:s::p::pulumi:providers:aws::prod";
        const topic = handmade("alerts", {
            type: "aws:sns/topic:Topic", parent: handmadeUrn("parent"), provider: `${provider}::7`, dependencies: [handmadeUrn("key")],
            inputs: { name: "alerts", token: secret("hunter2"), deliveryPolicy: { retries: [secret(3), 4] } },
            protect: true, retainOnDelete: true, ignoreChanges: ["tags"], importId: "arn:aws:sns:eu-west-1:111111111111:alerts", deleteBeforeReplace: true,
            aliases: [{ name: "old-alerts" }],
        });
        const [json] = planJson(evaluationOf([topic, handmade("unplaced", { account: undefined, provider: "" })]), []).resources;
        assert.deepEqual(json, {
            urn: topic.urn, type: "aws:sns/topic:Topic", name: "alerts", account: "111111111111", region: "eu-west-1", custom: true,
            inputs: { name: "alerts", token: "[secret]", deliveryPolicy: { retries: ["[secret]", 4] } },
            options: {
                parent: handmadeUrn("parent"), provider, protect: true, retainOnDelete: true, ignoreChanges: ["tags"],
                import: "arn:aws:sns:eu-west-1:111111111111:alerts", deleteBeforeReplace: true,
                // The old URN under the same parent: its type chain (`t`) first.
                aliases: ["urn:pulumi:s::p::t$aws:sns/topic:Topic::old-alerts"], dependencies: [handmadeUrn("key")],
            },
        });
        assert.doesNotMatch(JSON.stringify(json), /hunter2/);
    });

    it("the stack's accounts once each, sorted; its project, stack and format version", () => {
        const json = planJson(evaluationOf([handmade("b", { account: "222222222222" }), handmade("a", { account: "111111111111" }),
            handmade("c", { account: "222222222222" }), handmade("none", { account: undefined })]), []);
        assert.deepEqual([json.formatVersion, json.project, json.stack, json.accounts], [PLAN_FORMAT_VERSION, "p", "s", ["111111111111", "222222222222"]]);
    });

    it("every security group rule: the rule resources and a group's inline rules, each peer a CIDR, a prefix list, itself or a group's URN", () => {
        const group = handmade("alb", { type: SG, state: { arn: "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-0aaa" } });
        const inline = handmade("legacy", {
            type: SG, state: { arn: "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-0bbb" },
            inputs: {
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16", "10.1.0.0/16"], securityGroups: ["sg-0aaa", "sg-0ccc"] }],
                egress: { protocol: "-1", fromPort: 0, toPort: 0, self: true, prefixListIds: ["pl-1"] },
            },
        });
        const rule = (name: string, kind: "Ingress" | "Egress", inputs: Record<string, unknown>) =>
            handmade(name, { type: `aws:vpc/securityGroup${kind}Rule:SecurityGroup${kind}Rule`, inputs: { securityGroupId: "sg-0aaa", ...inputs } });
        const rules = planJson(evaluationOf([group, inline,
            rule("from-tasks", "Ingress", { ipProtocol: "tcp", fromPort: 8080, toPort: 8080, referencedSecurityGroupId: "sg-0bbb" }),
            rule("v6", "Ingress", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" }),
            rule("to-endpoints", "Egress", { ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: "pl-2" }),
            rule("elsewhere", "Egress", { ipProtocol: "udp", fromPort: 53, toPort: 53, cidrIpv4: "10.0.0.2/32", securityGroupId: "sg-0fff" }),
        ]), []).securityGroupRules;
        assert.deepEqual(rules.map(r => [r.urn, r.securityGroup, r.direction, r.protocol, r.fromPort, r.toPort, r.peer]), [
            [handmadeUrn("from-tasks"), group.urn, "ingress", "tcp", 8080, 8080, inline.urn],
            [handmadeUrn("v6"), group.urn, "ingress", "tcp", 443, 443, "::/0"],
            [handmadeUrn("to-endpoints"), group.urn, "egress", "tcp", 443, 443, "pl-2"],
            // A group the stack does not hold is named by its id.
            [handmadeUrn("elsewhere"), "sg-0fff", "egress", "udp", 53, 53, "10.0.0.2/32"],
            [inline.urn, inline.urn, "ingress", "tcp", 443, 443, `10.0.0.0/16, 10.1.0.0/16, ${group.urn}, sg-0ccc`],
            [inline.urn, inline.urn, "egress", "-1", 0, 0, "pl-1, self"],
        ]);
    });

    it("every listener: its load balancer's URN, protocol, port, certificate where it has one, and where each default action goes", () => {
        const lb = handmade("alb", { type: "aws:lb/loadBalancer:LoadBalancer", state: { arn: "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/alb/1" } });
        const listener = (name: string, inputs: Record<string, unknown>) => handmade(name, { type: "aws:lb/listener:Listener", inputs });
        const json = planJson(evaluationOf([lb,
            listener("https", { loadBalancerArn: lb.state.arn, protocol: "HTTPS", port: 443, certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/c",
                defaultActions: [{ type: "forward", targetGroupArn: "arn:tg/blue" }] }),
            listener("http", { loadBalancerArn: lb.state.arn, protocol: "HTTP", port: 80,
                defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] }),
            listener("other", { loadBalancerArn: "arn:elsewhere", protocol: "HTTP", port: 8080, defaultActions: { type: "fixed-response" } }),
        ]), []);
        assert.deepEqual(json.listeners, [
            { urn: handmadeUrn("https"), loadBalancer: lb.urn, protocol: "HTTPS", port: 443, certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/c",
                actions: ["forward to arn:tg/blue"] },
            { urn: handmadeUrn("http"), loadBalancer: lb.urn, protocol: "HTTP", port: 80, actions: ["redirect to HTTPS:443"] },
            { urn: handmadeUrn("other"), loadBalancer: "arn:elsewhere", protocol: "HTTP", port: 8080, actions: ["fixed-response"] },
        ]);
    });

    describe("on a fixture stack's plan", () => {
        it("every policy the stack registers, by the URN of what holds it, with its kind and statements", async () => {
            const e = await evaluated("prod");
            const json = planJson(e, (await planned("prod")).access!);
            const role = e.resources.find(r => r.type === "aws:iam/role:Role")!;
            const trust = json.policies.find(p => p.urn === role.urn)!;
            assert.equal(trust.kind, "trust");
            assert.deepEqual(trust.statements, JSON.parse(role.inputs.assumeRolePolicy).Statement);
            const key = e.resources.find(r => r.type === "aws:kms/key:Key")!;
            assert.deepEqual(json.policies.filter(p => p.urn === key.urn).map(p => p.kind), ["key"]);
        });

        it("one request per action of each access row, named by ARNs and accounts, with its context filled in and its decision as expected", async () => {
            const e = await evaluated("prod");
            const results = (await planned("prod")).access!;
            const json = planJson(e, results);
            const config = configOf(e);
            const stackAccounts = [config.pipelineAccount.accountId, ...config.targets.map(t => t.account.accountId)];
            const applicable = json.access.filter(a => a.decision !== "NotApplicable");
            assert.ok(applicable.length > 0);
            for (const a of applicable) {
                assert.equal(a.decision, a.expected, accessKey(a));
                for (const [arn, account] of [[a.principal, a.accounts.principal], [a.resource, a.accounts.resource]]) {
                    // The account an ARN names, or (S3's name none) the account of the registered bucket; a service principal has none; `*` is the action's account's.
                    const bucket = e.resources.find(r => r.type === "aws:s3/bucket:Bucket" && (arn === r.state.arn || arn.startsWith(`${r.state.arn}/`)));
                    if (arn.startsWith("arn:")) assert.equal(arn.split(":")[4] || (bucket?.account ?? account), account, `${arn} in ${account}`);
                    else assert.ok(arn === "*" ? /^\d{12}$/.test(account) : arn.endsWith(".amazonaws.com") && account === "", `${arn} in ${account}`);
                }
                assert.ok(Object.values(a.context).every(v => !/[<>]/.test(v)), `${accessKey(a)}: a placeholder left`);
            }
            assert.ok(applicable.some(a => stackAccounts.includes(a.accounts.principal) && a.accounts.principal !== a.accounts.resource && a.decision === "Allowed"),
                "some cross-account request of the stack is allowed");
            const pipelineRole = applicable.find(a => a.principal === "codepipeline.amazonaws.com" && a.action === "sts:AssumeRole" && a.decision === "Allowed")!;
            assert.equal(pipelineRole.context["aws:SourceAccount"], config.pipelineAccount.accountId);
            const notApplicable = json.access.filter(a => a.decision === "NotApplicable");
            for (const a of notApplicable) assert.ok(a.reason && a.decidedBy.length === 0, accessKey(a));
            // A row that names no absent keys has none; none is asked without the access table.
            const bare = results.find(r => !r.absence && !r.row.absent)!.row;
            assert.ok(json.access.some(a => a.label.principal === bare.principal && a.label.resource === bare.resource && a.absent.length === 0));
            assert.deepEqual(planJson(e, []).access, []);
            // What the stack lacks (this fixture's source is not CodeCommit) keeps the table's name, in <>, with no account.
            const lacking = notApplicable.filter(a => a.label.resource === "source repository");
            assert.ok(lacking.length > 0 && lacking.every(a => a.resource === "<source repository>" && a.accounts.resource === ""), JSON.stringify(lacking[0]));
            assert.equal(new Set(json.access.map(accessKey)).size, json.access.length, "each request once");
            const several = results.find(r => !r.absence && Array.isArray(r.row.action) && r.row.action.length > 1)!;
            const actions = json.access.filter(a => a.label.principal === several.row.principal && a.label.resource === several.row.resource).map(a => a.action);
            for (const action of several.row.action as string[]) assert.ok(actions.includes(action), `${action} of ${several.row.why}`);
        });

        it("a request is what it asks, whatever the order of its context keys and absent keys (which it leaves as they were)", () => {
            const request = { principal: "p", action: "s3:GetObject", resource: "r", context: { b: "1", a: "2" }, absent: ["y", "x"] };
            assert.equal(accessKey(request), accessKey({ ...request, context: { a: "2", b: "1" }, absent: ["x", "y"] }));
            assert.notEqual(accessKey(request), accessKey({ ...request, context: { a: "1", b: "2" } }));
            assert.notEqual(accessKey(request), accessKey({ ...request, absent: ["x"] }));
            assert.deepEqual(request.absent, ["y", "x"]);
        });

        it("a request asked both by a row that applies and by one that does not is the applying row's, whichever comes first", async () => {
            const e = await evaluated("prod");
            const results = (await planned("prod")).access!;
            const applies = results.find(r => !r.absence && r.decisions.length === 1)!;
            const elsewhere = { ...applies, absence: "another config's row", decisions: [] };
            for (const order of [[elsewhere, applies], [applies, elsewhere]]) {
                const asked = planJson(e, order).access;
                assert.deepEqual(asked.map(a => [a.decision, a.reason]), [[applies.decisions[0].decision, undefined]]);
            }
        });
    });
});
