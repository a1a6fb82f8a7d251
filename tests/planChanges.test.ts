// What `plan --base` reports, on plans built by hand: what counts as broadening, and how a changed
// resource reads. tests/planDiff.test.ts runs the command end to end in processes of its own.
import * as assert from "assert";
import { diffPlans, renderChanges } from "../offline/report/planDiff";
import { PLAN_FORMAT_VERSION, PlanAccess, PlanJson, PlanResource } from "../offline/report/planJson";
import { PolicyStatement } from "../offline/access/simulator";

/** A URN of stack `s` of project `p`. */
const urn = (type: string, name: string) => `urn:pulumi:s::p::${type}::${name}`;

/** The plan of stack `s`: account 101010101010, and nothing else but `more`. */
const planWith = (more: Partial<PlanJson>): PlanJson => ({ formatVersion: PLAN_FORMAT_VERSION, project: "p", stack: "s", accounts: ["101010101010"],
    resources: [], policies: [], securityGroupRules: [], listeners: [], access: [], securityHubExceptions: [], ...more });

const TOPIC = "aws:sns/topic:Topic";

/** A topic of the plan, in 101010101010 / eu-west-1. */
const topic = (name: string, inputs: Record<string, unknown> = {}, aliases: string[] = []): PlanResource => ({
    urn: urn(TOPIC, name), type: TOPIC, name, account: "101010101010", region: "eu-west-1", custom: true, inputs,
    options: { parent: "", provider: "", protect: false, retainOnDelete: false, ignoreChanges: [], import: "", deleteBeforeReplace: false, aliases, dependencies: [] },
});

describe("plan --base: what counts as broadening", () => {
    const POLICY = urn("aws:s3/bucketPolicy:BucketPolicy", "store-policy");
    const plan = (statements: PolicyStatement[], more: Partial<PlanJson> = {}) => planWith({ policies: [{ urn: POLICY, kind: "bucket", statements }], ...more });
    const read: PolicyStatement = {
        Sid: "ReadByDeployRole", Effect: "Allow", Principal: { AWS: "arn:aws:iam::202020202020:root" }, Action: ["s3:GetObject"],
        Resource: "arn:aws:s3:::store/*", Condition: { ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::202020202020:role/deploy"] } },
    };
    const tls: PolicyStatement = { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::store/*",
        Condition: { Bool: { "aws:SecureTransport": "false" } } };
    const broadening = (before: PlanJson | undefined, after: PlanJson | undefined) => diffPlans(before, after).broadening;
    /** A broadening line's start: a statement of the bucket policy. */
    const sid = (statement: string) => `policy of aws:s3/bucketPolicy:BucketPolicy store-policy: statement ${statement}`;
    /** A topic carrying a policy of these statements (renamed from `aliases`), and a plan of such topics. */
    const holder = (name: string, statements: PolicyStatement[], aliases: string[] = []) =>
        ({ resource: topic(name, {}, aliases), policy: { urn: urn(TOPIC, name), kind: "topic" as const, statements } });
    const planOf = (...holders: ReturnType<typeof holder>[]) => planWith({ resources: holders.map(h => h.resource), policies: holders.map(h => h.policy) });

    it("nothing for the same plan, a narrower statement, a removed allow or a new deny", () => {
        const base = plan([read, tls]);
        assert.deepStrictEqual(broadening(base, plan([read, tls])), []);
        assert.deepStrictEqual(broadening(base, plan([{ ...read, Action: [] }, tls])), []);
        assert.deepStrictEqual(broadening(base, plan([tls])), []);
        assert.deepStrictEqual(broadening(base, plan([read, tls, { ...tls, Sid: "DenyOldTls", Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } }])), []);
        assert.deepStrictEqual(broadening(base, plan([{ ...read, Condition: { ArnEquals: { "aws:PrincipalArn": [] } } }, tls])), []);
    });

    it("an allow that gains an action, a resource, a principal or a condition value, or loses a condition", () => {
        const base = plan([read, tls]);
        const cases: [PolicyStatement, RegExp][] = [
            [{ ...read, Action: ["s3:GetObject", "s3:PutObject"] }, /statement ReadByDeployRole gains action s3:PutObject$/],
            [{ ...read, Resource: ["arn:aws:s3:::store/*", "arn:aws:s3:::other/*"] }, /gains resource arn:aws:s3:::other\/\*$/],
            [{ ...read, Principal: { AWS: ["arn:aws:iam::202020202020:root", "arn:aws:iam::303030303030:root"] } }, /gains principal AWS:arn:aws:iam::303030303030:root$/],
            [{ ...read, Condition: { ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::202020202020:role/deploy", "arn:aws:iam::202020202020:role/other"] } } },
                /widens condition ArnEquals aws:PrincipalArn/],
            [{ ...read, Condition: undefined }, /loses condition ArnEquals aws:PrincipalArn/],
        ];
        for (const [widened, reason] of cases) {
            const found = broadening(base, plan([widened, tls]));
            assert.ok(found.length === 1 && reason.test(found[0]), `${reason}: ${found.join("; ")}`);
        }
    });

    it("a new statement by what it allows; Not- lists; a condition an allow gains; a renamed policy against its old statements", () => {
        const base = plan([read, tls]);
        const added: PolicyStatement = { Sid: "WriteMost", Effect: "Allow", Principal: { AWS: "arn:aws:iam::303030303030:root" }, Action: "s3:PutObject",
            NotResource: "arn:aws:s3:::store/private/*", Condition: { Bool: { "aws:SecureTransport": "true" } } };
        assert.deepStrictEqual(broadening(base, plan([read, tls, added])), [`${sid("WriteMost")} is new: allows s3:PutObject on all but ` +
            'arn:aws:s3:::store/private/* to AWS:arn:aws:iam::303030303030:root if {"Bool":{"aws:SecureTransport":"true"}}']);
        const { Principal, NotResource, Condition, ...bare } = added;
        assert.deepStrictEqual(broadening(base, plan([read, tls, bare])), [`${sid("WriteMost")} is new: allows s3:PutObject on (the resource it is attached to)`]);
        assert.deepStrictEqual(broadening(base, plan([read, tls, { ...bare, Effect: "Deny" }])), []);
        assert.deepStrictEqual(broadening(base, plan([{ ...read, Condition: { ...read.Condition, Bool: { "aws:SecureTransport": "true" } } }, tls])), []);
        const { Action, ...anyBut } = read;
        assert.deepStrictEqual(broadening(plan([{ ...anyBut, NotAction: ["s3:DeleteObject", "s3:PutObject"] }]), plan([{ ...anyBut, NotAction: ["s3:DeleteObject"] }])),
            [`${sid("ReadByDeployRole")} gains action (no longer NotAction) s3:PutObject`]);
        const { Resource, ...denyBut } = tls;
        assert.deepStrictEqual(broadening(plan([{ ...denyBut, NotResource: "arn:aws:s3:::a" }]), plan([{ ...denyBut, NotResource: ["arn:aws:s3:::a", "arn:aws:s3:::b"] }])),
            [`${sid("DenyInsecureTransport")} no longer denies resource (now NotResource) arn:aws:s3:::b`]);
        // A policy renamed (its resource aliased to the old URN) is compared with the statements it had.
        assert.deepStrictEqual(broadening(planOf(holder("old", [read])), planOf(holder("new", [{ ...read, Action: ["s3:GetObject", "s3:PutObject"] }], [urn(TOPIC, "old")]))),
            ["policy of aws:sns/topic:Topic new: statement ReadByDeployRole gains action s3:PutObject"]);
    });

    it("an allow whose comparison condition changes at all, or whose matching condition only gains a value, or whose negated one loses one", () => {
        const withCondition = (Condition: PolicyStatement["Condition"]) => plan([{ ...read, Condition }, tls]);
        const age = (...seconds: string[]) => withCondition({ NumericLessThanEquals: { "aws:MultiFactorAuthAge": seconds } });
        // A comparison's values are not a set of alternatives to gain or lose: any change may admit more.
        assert.deepStrictEqual(broadening(age("3600", "7200"), age("7200")),
            ["policy of aws:s3/bucketPolicy:BucketPolicy store-policy: statement ReadByDeployRole widens condition NumericLessThanEquals aws:MultiFactorAuthAge: 3600, 7200 -> 7200"]);
        const vpc = (...ids: string[]) => withCondition({ StringEquals: { "aws:SourceVpc": ids } });
        assert.deepStrictEqual(broadening(vpc("vpc-1", "vpc-2"), vpc("vpc-1")), []);
        const notVpc = (...ids: string[]) => withCondition({ StringNotEquals: { "aws:SourceVpc": ids } });
        assert.deepStrictEqual(broadening(notVpc("vpc-1"), notVpc("vpc-1", "vpc-2")), []);
        assert.equal(broadening(notVpc("vpc-1", "vpc-2"), notVpc("vpc-1")).length, 1);
    });

    it("every value of a list in the words: conditions lost, gained or changed, actions gained, a new statement's Not- lists", () => {
        const fromAccounts = { ...read, Condition: { StringEquals: { "aws:SourceAccount": ["111111111111", "222222222222"] } } };
        assert.deepStrictEqual(broadening(plan([fromAccounts]), plan([{ ...read, Condition: undefined }])),
            [`${sid("ReadByDeployRole")} loses condition StringEquals aws:SourceAccount 111111111111, 222222222222`]);
        assert.deepStrictEqual(broadening(plan([tls]), plan([{ ...tls, Condition: { ...tls.Condition, StringEquals: { "aws:PrincipalAccount": ["a", "b"] } } }])),
            [`${sid("DenyInsecureTransport")} gains condition StringEquals aws:PrincipalAccount a, b`]);
        const overTls = (value: string) => plan([{ ...read, Condition: { Bool: { "aws:SecureTransport": value } } }]);
        assert.deepStrictEqual(broadening(overTls("true"), overTls("false")), [`${sid("ReadByDeployRole")} widens condition Bool aws:SecureTransport: true -> false`]);
        const readFromVpcs = (...vpcs: string[]) => plan([{ ...read, Condition: { StringEquals: { "aws:SourceVpc": vpcs } } }]);
        assert.deepStrictEqual(broadening(readFromVpcs("vpc-1"), readFromVpcs("vpc-1", "vpc-2")), [`${sid("ReadByDeployRole")} widens condition StringEquals aws:SourceVpc: vpc-1 -> vpc-1, vpc-2`]);
        const fromVpcs = (...vpcs: string[]) => plan([{ ...tls, Condition: { StringEquals: { "aws:SourceVpc": vpcs } } }]);
        assert.deepStrictEqual(broadening(fromVpcs("vpc-1", "vpc-2"), fromVpcs("vpc-1")), [`${sid("DenyInsecureTransport")} weakens condition StringEquals aws:SourceVpc: vpc-1, vpc-2 -> vpc-1`]);
        assert.deepStrictEqual(broadening(plan([read]), plan([{ ...read, Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] }])),
            [`${sid("ReadByDeployRole")} gains action s3:PutObject, s3:DeleteObject`]);
        const { Action, Principal, Condition, ...bare } = read;
        assert.deepStrictEqual(broadening(plan([]), plan([{ ...bare, Sid: undefined, NotAction: ["s3:DeleteObject", "s3:PutObject"] }])),
            [`${sid("(no Sid)")} is new: allows all but s3:DeleteObject, all but s3:PutObject on arn:aws:s3:::store/*`]);
    });

    it("a renamed policy is compared with its own old statements, a new policy of the same Sids with none", () => {
        const both = { ...read, Action: ["s3:GetObject", "s3:PutObject"] };
        assert.deepStrictEqual(broadening(planOf(holder("old", [read])), planOf(holder("renamed", [read], [urn(TOPIC, "old")]), holder("brand-new", [both]))), [
            'policy of aws:sns/topic:Topic brand-new: statement ReadByDeployRole is new: allows s3:GetObject, s3:PutObject on arn:aws:s3:::store/* ' +
                'to AWS:arn:aws:iam::202020202020:root if {"ArnEquals":{"aws:PrincipalArn":["arn:aws:iam::202020202020:role/deploy"]}}',
        ]);
    });

    it("a statement that turns from an allow into a deny, or back, as a new statement", () => {
        const denied = plan([{ ...read, Effect: "Deny" }, tls]);
        assert.deepStrictEqual(broadening(denied, plan([read, tls])),
            ["policy of aws:s3/bucketPolicy:BucketPolicy store-policy: statement ReadByDeployRole is new: allows s3:GetObject on arn:aws:s3:::store/* " +
                'to AWS:arn:aws:iam::202020202020:root if {"ArnEquals":{"aws:PrincipalArn":["arn:aws:iam::202020202020:role/deploy"]}}']);
        assert.deepStrictEqual(broadening(plan([read, tls]), denied), []);
    });

    it("a rule of a group the stack does not own, one that lets out, one of every port; a request allowed by a policy of the stack's among others", () => {
        const request: PlanAccess = { principal: "arn:aws:iam::202020202020:role/deploy", action: "s3:GetObject", resource: "arn:aws:s3:::store/b",
            context: {}, absent: [], accounts: { principal: "202020202020", resource: "101010101010" }, decision: "Allowed",
            expected: "ImplicitlyDenied", decidedBy: [{ sid: "AdministratorsAllowAll" }, { policy: POLICY, sid: "ReadByDeployRole" }],
            label: { principal: "deploy role", resource: "artifact" } };
        const egress = { urn: urn("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "all"), securityGroup: "sg-0123456789abcdef0",
            direction: "egress" as const, protocol: "-1", peer: "::/0" };
        // An inline rule's peers, joined: each URN among them in words, every CIDR kept.
        const inline = { ...egress, urn: urn("aws:ec2/securityGroup:SecurityGroup", "legacy"), direction: "ingress" as const, protocol: "tcp", fromPort: 443, toPort: 443,
            peer: `0.0.0.0/0, ${urn("aws:ec2/securityGroup:SecurityGroup", "legacy")}, sg-0ccc, 2001:db8::/32, fd00::/8` };
        assert.deepStrictEqual(broadening(plan([read]), plan([read], { securityGroupRules: [egress, inline], access: [request] })), [
            "security group sg-0123456789abcdef0 lets out -1 to ::/0",
            "security group sg-0123456789abcdef0 admits tcp 443 from 0.0.0.0/0, aws:ec2/securityGroup:SecurityGroup legacy, sg-0ccc, 2001:db8::/32, fd00::/8",
            "newly allowed: arn:aws:iam::202020202020:role/deploy s3:GetObject on arn:aws:s3:::store/b",
        ]);
    });

    it("a deny that is gone, covers fewer actions or gains a condition", () => {
        const base = plan([read, tls]);
        assert.match(broadening(base, plan([read])).join(), /statement DenyInsecureTransport loses the deny/);
        assert.match(broadening(base, plan([read, { ...tls, Action: "s3:GetObject" }])).join(), /no longer denies action s3:\*/);
        assert.match(broadening(base, plan([read, { ...tls, Condition: { ...tls.Condition, StringEquals: { "aws:PrincipalAccount": "202020202020" } } }])).join(),
            /gains condition StringEquals aws:PrincipalAccount/);
    });

    it("a rule that admits more, a new listener, a new Security Hub exception, account or stack, a request newly allowed", () => {
        const group = urn("aws:ec2/securityGroup:SecurityGroup", "alb");
        const rule = { urn: urn("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "alb-https"), securityGroup: group,
            direction: "ingress" as const, protocol: "tcp", fromPort: 443, toPort: 443, peer: "203.0.113.0/24" };
        const request: PlanAccess = { principal: "arn:aws:iam::202020202020:role/deploy", action: "s3:GetObject", resource: "arn:aws:s3:::store/a",
            context: {}, absent: [], accounts: { principal: "202020202020", resource: "101010101010" }, decision: "ImplicitlyDenied",
            expected: "ImplicitlyDenied", decidedBy: [], label: { principal: "deploy role", resource: "artifact" } };
        const base = plan([read], { securityGroupRules: [rule], access: [request] });
        assert.deepStrictEqual(broadening(base, plan([read], {
            securityGroupRules: [rule, { ...rule, peer: "0.0.0.0/0" }, { ...rule, fromPort: 80, toPort: 80 }],
            listeners: [{ urn: urn("aws:lb/listener:Listener", "test"), loadBalancer: urn("aws:lb/loadBalancer:LoadBalancer", "alb"), protocol: "HTTP", port: 9000, actions: [] }],
            securityHubExceptions: ["ELB.1@alb"], accounts: ["101010101010", "303030303030"],
            access: [{ ...request, decision: "Allowed", decidedBy: [{ policy: POLICY, sid: "ReadByDeployRole" }] }],
        })), [
            "account 303030303030 is new to the stack",
            "security group aws:ec2/securityGroup:SecurityGroup alb admits tcp 443 from 0.0.0.0/0",
            "security group aws:ec2/securityGroup:SecurityGroup alb admits tcp 80 from 203.0.113.0/24",
            "new listener HTTP port 9000 on aws:lb/loadBalancer:LoadBalancer alb",
            "new Security Hub exception ELB.1@alb",
            "newly allowed: arn:aws:iam::202020202020:role/deploy s3:GetObject on arn:aws:s3:::store/a",
        ]);
        // The reverse is no broadening, and says what denies it now.
        const allowed = plan([read], { access: [{ ...request, decision: "Allowed", decidedBy: [{ policy: POLICY, sid: "ReadByDeployRole" }] }] });
        const denied = plan([read], { access: [{ ...request, decision: "ExplicitlyDenied", decidedBy: [{ policy: POLICY, sid: "DenyInsecureTransport" }] }] });
        assert.deepStrictEqual(broadening(allowed, denied), []);
        assert.match(renderChanges("main", "s", diffPlans(allowed, denied)).join("\n"), new RegExp("^ {4}- arn:aws:iam::202020202020:role/deploy s3:GetObject on " +
            "arn:aws:s3:::store/a; accounts 202020202020 -> 101010101010; now ExplicitlyDenied: aws:s3/bucketPolicy:BucketPolicy store-policy statement DenyInsecureTransport$", "m"));
        assert.match(renderChanges("main", "s", diffPlans(allowed, plan([read], { access: [request] }))).join("\n"), /now ImplicitlyDenied: no statement allows it$/m);
        // A row the table never asked before, allowed by policies it assumes only: a new row, not access the stack grants.
        const stranger = { ...request, principal: "arn:aws:iam::101010101010:role/developer", resource: "arn:aws:kms:eu-west-1:101010101010:key/other",
            action: "kms:DescribeKey", decision: "Allowed" as const, decidedBy: [{ sid: "AllowEverything" }, { sid: "EnableIamPolicies" }] };
        assert.deepStrictEqual(broadening(base, plan([read], { access: [request, stranger] })), []);
        assert.deepStrictEqual(broadening(plan([read], { access: [request, { ...stranger, decision: "ImplicitlyDenied" }] }), plan([read], { access: [request, stranger] })),
            [`newly allowed: ${stranger.principal} kms:DescribeKey on ${stranger.resource}`], "asked before and denied: broadening, whatever decides it");
        assert.deepStrictEqual(broadening(undefined, plan([])), ["the stack is new", "account 101010101010 is new to the stack"]);
        assert.deepStrictEqual(broadening(base, undefined), []);
        assert.match(renderChanges("main", "s", diffPlans(base, undefined)).join("\n"), /the stack is removed: Pulumi\.s\.yaml is only at main/);
    });
});

describe("plan --base: how a changed resource reads", () => {
    const changes = (before: Record<string, unknown>, after: Record<string, unknown>) => {
        const plan = (inputs: Record<string, unknown>) => planWith({ resources: [topic("alerts", inputs)] });
        return renderChanges("main", "s", diffPlans(plan(before), plan(after))).filter(l => l.startsWith("      "));
    };

    it("a list of strings by the values it gains and loses, wherever they stand; one only reordered by its order", () => {
        assert.deepStrictEqual(changes({ ids: ["a", "b"] }, { ids: ["b", "c"] }), ["      ids: + c; - a"]);
        assert.deepStrictEqual(changes({ ids: ["a", "b"] }, { ids: ["b", "a"] }), ['      ids[0]: "a" -> "b"', '      ids[1]: "b" -> "a"']);
    });

    it("JSON text by its parts, a policy document by its statements", () => {
        assert.deepStrictEqual(changes({ rules: '{"keep":30}' }, { rules: '{"keep":20}' }), ["      rules (JSON).keep: 30 -> 20"]);
        const doc = (actions: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Publish", Effect: "Allow", Action: actions, Resource: "*" }] });
        assert.deepStrictEqual(changes({ policy: doc(["sns:Publish"]) }, { policy: doc(["sns:Publish", "sns:Subscribe"]) }), [
            '      policy: statement added {"Sid":"Publish","Effect":"Allow","Action":["sns:Publish","sns:Subscribe"],"Resource":"*"}',
            '      policy: statement removed {"Sid":"Publish","Effect":"Allow","Action":["sns:Publish"],"Resource":"*"}',
        ]);
    });

    it("text that is JSON but no object or list, or JSON on one side only, as text; a list that only gains, by what it gains", () => {
        assert.deepStrictEqual(changes({ count: "30" }, { count: "20" }), ['      count: "30" -> "20"']);
        assert.deepStrictEqual(changes({ body: '{"a":1}' }, { body: "plain" }), ['      body: "{\\"a\\":1}" -> "plain"']);
        assert.deepStrictEqual(changes({ ids: ["a"] }, { ids: ["a", "b"] }), ["      ids: + b"]);
        assert.deepStrictEqual(changes({ ids: ["a", "b"] }, { ids: ["a"] }), ["      ids: - b"]);
        assert.deepStrictEqual(changes({ x: ["a"] }, { x: { 0: "a" } }), ['      x: ["a"] -> {"0":"a"}']);
        assert.deepStrictEqual(changes({ ports: ["a", 1] }, { ports: ["a", 2] }), ["      ports[1]: 1 -> 2"]);
    });

    it("a policy document by its statements, whatever the order of their keys; one that becomes other JSON by its parts", () => {
        const statement = { Sid: "Publish", Effect: "Allow", Action: "sns:Publish", Resource: "*" };
        const doc = (s: object) => JSON.stringify({ Version: "2012-10-17", Statement: [s] });
        assert.deepStrictEqual(changes({ policy: doc(statement) }, { policy: doc({ Resource: "*", Action: "sns:Publish", Effect: "Allow", Sid: "Publish" }) }), []);
        const two = (second: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement, second] });
        assert.deepStrictEqual(changes({ policy: two({ ...statement, Sid: "Read" }) }, { policy: two({ Action: "sns:Get*", Sid: "Read", Effect: "Allow", Resource: "*" }) }), [
            '      policy: statement added {"Action":"sns:Get*","Sid":"Read","Effect":"Allow","Resource":"*"}',
            '      policy: statement removed {"Sid":"Read","Effect":"Allow","Action":"sns:Publish","Resource":"*"}',
        ]);
        assert.deepStrictEqual(changes({ policy: doc(statement) }, { policy: '{"Version":"2012-10-17"}' }),
            ['      policy (JSON).Statement: [{"Sid":"Publish","Effect":"Allow","Action":"sns:Publish","Resource":"*"}] -> (none)']);
    });

    it("a value set or unset as (none), a long one cut to 200 characters, one of exactly 200 whole", () => {
        assert.deepStrictEqual(changes({}, { name: "a" }), ['      name: (none) -> "a"']);
        assert.deepStrictEqual(changes({ name: "a" }, {}), ['      name: "a" -> (none)']);
        const [line] = changes({ name: "a" }, { name: "b".repeat(300) });
        assert.equal(line, `      name: "a" -> "${"b".repeat(196)}...`);
        assert.deepStrictEqual(changes({ name: "a" }, { name: "b".repeat(198) }), [`      name: "a" -> "${"b".repeat(198)}"`]);
    });

    it("a value that becomes an object, or stops being null, as a whole; a list of JSON text as a list; an option under options", () => {
        assert.deepStrictEqual(changes({ tags: null }, { tags: { team: "a" } }), ['      tags: null -> {"team":"a"}']);
        assert.deepStrictEqual(changes({ tags: "none" }, { tags: { team: "a" } }), ['      tags: "none" -> {"team":"a"}']);
        assert.deepStrictEqual(changes({ bodies: ['{"a":1}'] }, { bodies: ['{"a":2}'] }), ['      bodies: + {"a":2}; - {"a":1}']);
        const kept = topic("alerts");
        const lines = renderChanges("main", "s", diffPlans(planWith({ resources: [kept] }), planWith({ resources: [{ ...kept, options: { ...kept.options, protect: true } }] })));
        assert.deepStrictEqual(lines.filter(l => l.startsWith("      ")), ["      options.protect: false -> true"]);
    });

    it("a resource of no account or region, a request of no resource account, decided by a policy the table assumes or a statement without a Sid", () => {
        const request: PlanAccess = { principal: "arn:aws:iam::202020202020:role/deploy", action: "s3:ListAllMyBuckets", resource: "*",
            context: {}, absent: [], accounts: { principal: "202020202020", resource: "" }, decision: "Allowed", expected: "Allowed",
            decidedBy: [{ sid: "AllowEverything" }, { policy: urn(TOPIC, "alerts") }], label: { principal: "deploy role", resource: "anything" } };
        const lines = renderChanges("main", "s", diffPlans(planWith({}), planWith({ resources: [{ ...topic("nowhere"), account: undefined, region: undefined }], access: [request] })));
        assert.ok(lines.includes("    + aws:sns/topic:Topic nowhere (no account, no region)"), lines.join("\n"));
        assert.ok(lines.includes("    + arn:aws:iam::202020202020:role/deploy s3:ListAllMyBuckets on *; accounts 202020202020 -> (none); " +
            "decided by a policy the table assumes statement AllowEverything; aws:sns/topic:Topic alerts statement (no Sid)"), lines.join("\n"));
    });

    it("a URN in a list by the resource's type and name, any other value as it is", () => {
        assert.deepStrictEqual(changes({ ids: [] }, { ids: [urn(TOPIC, "alerts"), "a::b::urn:pulumi:c"] }),
            ["      ids: + aws:sns/topic:Topic alerts; + a::b::urn:pulumi:c"]);
    });
});

describe("plan --base: renames through aliases", () => {
    it("each one, with what else changes; an alias of a resource still there is no rename", () => {
        const doc = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Publish", Effect: "Allow", Action: action, Resource: "*" }] });
        const base = planWith({ resources: [topic("a"), topic("b", { displayName: "B", policy: doc("sns:Publish") }), topic("kept")] });
        const head = planWith({ resources: [topic("a2", {}, [urn(TOPIC, "a")]), topic("b2", { displayName: "B2", policy: doc("sns:Subscribe") }, [urn(TOPIC, "b")]),
            topic("kept"), topic("copy", {}, [urn(TOPIC, "kept")])] });
        const c = diffPlans(base, head);
        assert.deepStrictEqual([c.renamed.map(r => `${r.before.name} -> ${r.after.name}`), c.added.map(r => r.name), c.removed.map(r => r.name)],
            [["a -> a2", "b -> b2"], ["copy"], []]);
        const lines = renderChanges("main", "s", c);
        assert.ok(lines.includes("    ~ aws:sns/topic:Topic a -> a2 (101010101010, eu-west-1): nothing else changes"), lines.join("\n"));
        assert.ok(lines.includes("    ~ aws:sns/topic:Topic b -> b2 (101010101010, eu-west-1)"), lines.join("\n"));
    });
});

describe("plan --base: the section a reviewer reads", () => {
    const group = urn("aws:ec2/securityGroup:SecurityGroup", "alb");
    const rule = (fromPort: number, toPort: number, peer: string) => ({ urn: urn("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `r${fromPort}`),
        securityGroup: group, direction: "ingress" as const, protocol: "tcp", fromPort, toPort, peer });
    const listener = (port: number) => ({ urn: urn("aws:lb/listener:Listener", `l${port}`), loadBalancer: urn("aws:lb/loadBalancer:LoadBalancer", "alb"),
        protocol: "HTTP", port, actions: [] });
    const request = (action: string, decision: PlanAccess["decision"], more: Partial<PlanAccess> = {}): PlanAccess => ({
        principal: "codebuild.amazonaws.com", action, resource: "arn:aws:iam::101010101010:role/build", context: { "aws:SourceAccount": "101010101010" },
        absent: ["aws:SourceArn"], accounts: { principal: "", resource: "101010101010" }, decision, expected: decision === "NotApplicable" ? "ImplicitlyDenied" : decision,
        decidedBy: decision === "Allowed" ? [{ policy: urn("aws:iam/role:Role", "build"), sid: "AssumedByService" }] : [], label: { principal: "CodeBuild", resource: "build role" },
        ...more,
    });
    it("every kind of change in its place, each section counted", () => {
        const base = planWith({
            accounts: ["101010101010", "202020202020"],
            resources: [topic("kept", { displayName: "Alerts", retries: '{"max":3}' }), topic("gone"), topic("old-name", { displayName: "Same" })],
            securityGroupRules: [rule(80, 80, "10.0.0.0/16")], listeners: [listener(80)], securityHubExceptions: ["ELB.1@alb"],
            access: [request("sts:AssumeRole", "Allowed"), request("sts:TagSession", "Allowed"), request("sts:SetSourceIdentity", "Allowed")],
        });
        const head = planWith({
            accounts: ["101010101010", "303030303030"],
            resources: [topic("kept", { displayName: "Alarms", retries: '{"max":5}' }), topic("new"), topic("new-name", { displayName: "Same" }, [urn(TOPIC, "old-name")])],
            securityGroupRules: [rule(8000, 8100, group)], listeners: [listener(8080)], securityHubExceptions: ["EC2.19@alb"],
            access: [request("sts:AssumeRole", "Allowed"), request("sts:TagSession", "NotApplicable", { reason: "no build role" }),
                request("sts:AssumeRoleWithWebIdentity", "Allowed")],
        });
        assert.deepStrictEqual(renderChanges("main", "s", diffPlans(base, head)), [
            "Changes since main, stack s:",
            "  BROADENING: this change widens access (5); a person should review it:",
            "    ! account 303030303030 is new to the stack",
            "    ! security group aws:ec2/securityGroup:SecurityGroup alb admits tcp 8000-8100 from aws:ec2/securityGroup:SecurityGroup alb",
            "    ! new listener HTTP port 8080 on aws:lb/loadBalancer:LoadBalancer alb",
            "    ! new Security Hub exception EC2.19@alb",
            "    ! newly allowed: codebuild.amazonaws.com sts:AssumeRoleWithWebIdentity on arn:aws:iam::101010101010:role/build (aws:SourceAccount=101010101010, no aws:SourceArn)",
            "  accounts added (1):",
            "    + account 303030303030",
            "  accounts removed (1):",
            "    - account 202020202020: the stack no longer has resources there",
            "  resources added (1):",
            "    + aws:sns/topic:Topic new (101010101010, eu-west-1)",
            "  resources removed (1):",
            "    - aws:sns/topic:Topic gone (101010101010, eu-west-1)",
            "  resources renamed through an alias (not replaced) (1):",
            "    ~ aws:sns/topic:Topic old-name -> new-name (101010101010, eu-west-1): nothing else changes",
            "  resources changed (1):",
            "    ~ aws:sns/topic:Topic kept (101010101010, eu-west-1)",
            '      displayName: "Alerts" -> "Alarms"',
            "      retries (JSON).max: 3 -> 5",
            "  security group rules added (1):",
            "    + aws:ec2/securityGroup:SecurityGroup alb ingress tcp 8000-8100 from aws:ec2/securityGroup:SecurityGroup alb",
            "  security group rules removed (1):",
            "    - aws:ec2/securityGroup:SecurityGroup alb ingress tcp 80 from 10.0.0.0/16",
            "  listeners added (1):",
            "    + HTTP port 8080 on aws:lb/loadBalancer:LoadBalancer alb",
            "  listeners removed (1):",
            "    - HTTP port 80 on aws:lb/loadBalancer:LoadBalancer alb",
            "  Security Hub exceptions added (1):",
            "    + EC2.19@alb",
            "  Security Hub exceptions removed (1):",
            "    - ELB.1@alb",
            "  requests newly allowed (1):",
            "    + codebuild.amazonaws.com sts:AssumeRoleWithWebIdentity on arn:aws:iam::101010101010:role/build (aws:SourceAccount=101010101010, no aws:SourceArn); " +
                "accounts (service) -> 101010101010; decided by aws:iam/role:Role build statement AssumedByService",
            "  requests no longer allowed (2):",
            "    - codebuild.amazonaws.com sts:TagSession on arn:aws:iam::101010101010:role/build (aws:SourceAccount=101010101010, no aws:SourceArn); " +
                "accounts (service) -> 101010101010; now NotApplicable (no build role)",
            "    - codebuild.amazonaws.com sts:SetSourceIdentity on arn:aws:iam::101010101010:role/build (aws:SourceAccount=101010101010, no aws:SourceArn); " +
                "accounts (service) -> 101010101010; no longer asked: the stack no longer has it",
        ]);
    });

    it("the same plan: one line saying nothing changed; a new stack and its accounts are broadening", () => {
        const same = planWith({ resources: [topic("kept")] });
        assert.deepStrictEqual(renderChanges("v1.2", "s", diffPlans(same, planWith({ resources: [topic("kept")] }))),
            ["Changes since v1.2, stack s: no changes (the same resources, policies, rules and access as at v1.2)."]);
        assert.deepStrictEqual(renderChanges("main", "s", diffPlans(undefined, same)).slice(0, 5), [
            "Changes since main, stack s:", "  the stack is new: Pulumi.s.yaml is not at main",
            "  BROADENING: this change widens access (2); a person should review it:", "    ! the stack is new", "    ! account 101010101010 is new to the stack",
        ]);
        assert.deepStrictEqual(renderChanges("main", "s", diffPlans(same, undefined)).slice(0, 3), [
            "Changes since main, stack s:", "  the stack is removed: Pulumi.s.yaml is only at main", "  No broadening: nobody may do anything they could not before.",
        ]);
    });

    it("text that only looks like JSON is compared as text; a new deny broadens nothing, a deny that gains a condition does", () => {
        assert.deepStrictEqual(renderChanges("main", "s", diffPlans(planWith({ resources: [topic("t", { body: "{not json" })] }),
            planWith({ resources: [topic("t", { body: "{not json either" })] }))).slice(-1), ['      body: "{not json" -> "{not json either"']);
        const POLICY = urn("aws:s3/bucketPolicy:BucketPolicy", "p");
        const deny: PolicyStatement = { Sid: "DenyHttp", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" };
        const policies = (...statements: PolicyStatement[]) => planWith({ policies: [{ urn: POLICY, kind: "bucket", statements }] });
        assert.deepStrictEqual(diffPlans(policies(), policies(deny)).broadening, []);
        assert.deepStrictEqual(diffPlans(policies(deny), policies({ ...deny, Condition: { Bool: { "aws:SecureTransport": "false" } } })).broadening,
            ["policy of aws:s3/bucketPolicy:BucketPolicy p: statement DenyHttp gains condition Bool aws:SecureTransport false"]);
    });
});
