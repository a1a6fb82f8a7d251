// The policy pack (policy/rules.ts), run without the Pulumi CLI: every rule is called the way
// the analyzer calls it, on the program's own mocked resources for every committed stack.
// All rules must pass on the program; each rule must fail on a copy of the program's
// resources broken in the way it guards against.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import type { ResourceValidation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { committedStacks, Evaluation, Resource, ROOT } from "../offline/engine";
import { registeredPolicies } from "../offline/policies";
import { policies, policyDocuments, resourcePolicies, stackPolicies } from "../policy/rules";
import { resourceArgs, stackArgs, violations } from "./support/policyArgs";
import { evaluated } from "./support/stacks";

type Policy = ResourceValidationPolicy | StackValidationPolicy;
const rule = (name: string): Policy => {
    const found = policies.find(p => p.name === name);
    assert.ok(found, `no rule named ${name}`);
    return found;
};

/** The one validateResource function of a resource rule (the rules here have one each). */
function validation(p: Policy): ResourceValidation {
    assert.ok("validateResource" in p && typeof p.validateResource === "function", `${p.name} is not a resource rule`);
    return p.validateResource;
}

// ---------------------------------------------------------------- breaking the program's resources

const ARTIFACT_BUCKET = "artifacts-bucket";

/** A deep copy of an evaluation, so a mutation never leaks into the cached one. */
const copy = (e: Evaluation): Evaluation => ({ ...e, resources: structuredClone(e.resources) });

function find(e: Evaluation, type: string, name?: string): Resource {
    const r = e.resources.find(x => x.type.endsWith(type) && (name === undefined || x.name === name));
    assert.ok(r, `no ${type} ${name ?? ""} in the program`);
    return r;
}

/** Changes a resource's inputs and outputs alike: resource rules read the one, stack rules the other. */
function edit(e: Evaluation, type: string, name: string | undefined, change: (props: Record<string, any>) => void): Resource {
    const r = find(e, type, name);
    change(r.inputs);
    change(r.state);
    return r;
}

/** Changes the JSON policy document in one property of a resource. */
function editDocument(e: Evaluation, type: string, name: string | undefined, prop: string, change: (doc: any) => void): Resource {
    return edit(e, type, name, props => {
        const doc = JSON.parse(props[prop]);
        change(doc);
        props[prop] = JSON.stringify(doc);
    });
}

const statement = (doc: any, sid: string) => {
    const s = doc.Statement.find((x: any) => x.Sid === sid);
    assert.ok(s, `no statement ${sid}`);
    return s;
};

/** A new resource of the program's kind: in the account of `like`, with the given type, name and props. */
function add(e: Evaluation, like: Resource, type: string, name: string, props: Record<string, any>, propertyDependencies = {}): Resource {
    const r: Resource = {
        ...structuredClone(like), type, name, urn: like.urn.replace(/\$[^$]+$/, `$${type}::${name}`),
        inputs: structuredClone(props), state: structuredClone(props), dependencies: [], propertyDependencies,
    };
    e.resources.push(r);
    return r;
}

const without = (e: Evaluation, type: string) => { e.resources = e.resources.filter(r => !r.type.endsWith(type)); };
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const allowAll = (Action: string | string[], Resource: string | string[] = "*") =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource }] });

/** [rule, what is broken, the resource the violation must name, how to break it, the committed stack broken (dev by default)] */
type Breakage = [string, string, string, (e: Evaluation) => void, string?];

/** The pipeline role's grant of its connection (prod's source is on GitHub). */
const useConnection = (change: (s: any) => void) => (e: Evaluation) =>
    editDocument(e, "rolePolicy:RolePolicy", "pipeline-pipeline-permissions", "policy", d => change(statement(d, "UseSourceConnection")));

const BREAKAGES: Breakage[] = [
    ["aws-providers-pin-allowed-account-ids", "a provider without allowedAccountIds", "pipeline-account", e =>
        edit(e, "providers:aws", "pipeline-account", p => { delete p.allowedAccountIds; })],
    ["aws-providers-pin-allowed-account-ids", "a provider with an empty allowedAccountIds", "target-account", e =>
        edit(e, "providers:aws", "target-account", p => { p.allowedAccountIds = "[]"; })],

    ["kms-keys-rotate", "key rotation off", "artifacts-key", e =>
        edit(e, "kms/key:Key", undefined, p => { p.enableKeyRotation = false; })],
    ["kms-keys-rotate", "key rotation unset", "artifacts-key", e =>
        edit(e, "kms/key:Key", undefined, p => { delete p.enableKeyRotation; })],

    ["iam-no-wildcard-actions", 'Action "*" in a role policy', "deploy-permissions", e =>
        editDocument(e, "rolePolicy:RolePolicy", "deploy-permissions", "policy", d => { statement(d, "ReadDeployInputArtifacts").Action = "*"; })],
    ["iam-no-wildcard-actions", '"s3:*" in a role\'s inline policy', "pipeline-build", e =>
        edit(e, "role:Role", "pipeline-build", p => { p.inlinePolicies = [{ name: "extra", policy: allowAll("s3:*") }]; })],
    ["iam-no-wildcard-actions", "NotAction in an Allow", "pipeline-pipeline-permissions", e =>
        editDocument(e, "rolePolicy:RolePolicy", "pipeline-pipeline-permissions", "policy", d => {
            const s = statement(d, "RunBuildAndReleaseMarker");
            s.NotAction = s.Action;
            delete s.Action;
        })],
    ["iam-no-wildcard-actions", '"ecr:*" in a repository policy (a type the program does not use yet)', "image-repository-policy", e =>
        add(e, find(e, "bucketPolicy:BucketPolicy"), "aws:ecr/repositoryPolicy:RepositoryPolicy", "image-repository-policy",
            { repository: "my-service", policy: allowAll("ecr:*") })],

    ["iam-no-passrole-on-any-resource", 'iam:PassRole on "*"', "deploy-permissions", e =>
        editDocument(e, "rolePolicy:RolePolicy", "deploy-permissions", "policy", d => { statement(d, "PassOnlyTaskRolesOnlyToEcsTasks").Resource = "*"; })],
    ["iam-no-passrole-on-any-resource", 'iam:Pass* on "*" in a managed policy', "extra-policy", e =>
        add(e, find(e, "rolePolicy:RolePolicy", "deploy-permissions"), "aws:iam/policy:Policy", "extra-policy",
            { policy: allowAll(["ecs:RunTask", "iam:Pass*"]) })],

    ["iam-no-aws-managed-policies", "managedPolicyArns on a role", "deploy", e =>
        edit(e, "role:Role", "deploy", p => { p.managedPolicyArns = [ADMIN]; })],
    ["iam-no-aws-managed-policies", "a RolePolicyAttachment of an AWS managed policy", "deploy-admin", e =>
        add(e, find(e, "role:Role", "deploy"), "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "deploy-admin",
            { role: "cross-account-pipeline-dev-deploy", policyArn: ADMIN })],
    ["iam-no-aws-managed-policies", "a PolicyAttachment of an AWS managed policy", "everyone-admin", e =>
        add(e, find(e, "role:Role", "deploy"), "aws:iam/policyAttachment:PolicyAttachment", "everyone-admin",
            { roles: ["cross-account-pipeline-dev-deploy"], policyArn: "arn:aws:iam::aws:policy/AWSCodeDeployFullAccess" })],

    ["cross-account-principals-scoped-to-roles", "a deploy role trusting the pipeline account's bare root", "deploy", e =>
        editDocument(e, "role:Role", "deploy", "assumeRolePolicy", d => { delete statement(d, "AssumedByPipelineRoleOnly").Condition; })],
    ["cross-account-principals-scoped-to-roles", "a key policy granting the target account's bare root", "artifacts-key", e =>
        editDocument(e, "kms/key:Key", undefined, "policy", d => { delete statement(d, "DecryptArtifactsByDeployRole").Condition.ArnEquals; })],
    ["cross-account-principals-scoped-to-roles", "a bucket policy scoped to any role of the target account", "artifacts-policy", e =>
        editDocument(e, "bucketPolicy:BucketPolicy", undefined, "policy", d => {
            const s = statement(d, "ReadArtifactsByDeployRole");
            s.Condition = { ArnLike: { "aws:PrincipalArn": s.Condition.ArnEquals["aws:PrincipalArn"].map((a: string) => a.replace(/role\/.*$/, "role/*")) } };
        })],
    ["cross-account-principals-scoped-to-roles", "a trust policy naming a user of another account", "deploy", e =>
        editDocument(e, "role:Role", "deploy", "assumeRolePolicy", d => {
            const s = statement(d, "AssumedByPipelineRoleOnly");
            s.Principal = { AWS: s.Condition.ArnEquals["aws:PrincipalArn"][0].replace(/:role\/.*$/, ":user/alice") };
            delete s.Condition;
        })],

    ["no-public-principals", 'a bucket policy allowing Principal "*"', "artifacts-policy", e =>
        editDocument(e, "bucketPolicy:BucketPolicy", undefined, "policy", d => {
            d.Statement.push({ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: statement(d, "ReadArtifactsByDeployRole").Resource });
        })],
    ["no-public-principals", 'a trust policy for {AWS: "*"}', "deploy", e =>
        editDocument(e, "role:Role", "deploy", "assumeRolePolicy", d => {
            const s = statement(d, "AssumedByPipelineRoleOnly");
            s.Principal = { AWS: "*" };
            delete s.Condition;
        })],

    ["connections-used-by-arn", 'UseConnection on "*"', "pipeline-pipeline-permissions", useConnection(s => { s.Resource = "*"; }), "prod"],
    ["connections-used-by-arn", "UseConnection on every connection of the account", "pipeline-pipeline-permissions",
        useConnection(s => { s.Resource = s.Resource.replace(/connection\/.*$/, "connection/*"); }), "prod"],
    ["connections-used-by-arn", "Use* on a connection ARN of any service", "pipeline-pipeline-permissions",
        useConnection(s => { s.Action = "codeconnections:Use*"; s.Resource = s.Resource.replace(":codeconnections:", ":*:"); }), "prod"],
    ["connections-used-by-arn", "UseConnection with NotResource", "pipeline-pipeline-permissions",
        useConnection(s => { s.NotResource = s.Resource; delete s.Resource; }), "prod"],
    ["connections-used-by-arn", "UseConnection on the connection under the other prefix (a grant IAM never matches)", "pipeline-pipeline-permissions",
        useConnection(s => { s.Resource = s.Resource.replace(":codeconnections:", ":codestar-connections:"); }), "prod"],
    ["connections-used-by-arn", "a build role given PassConnection on every legacy connection (CodeCommit stack)", "pipeline-build-permissions", e =>
        editDocument(e, "rolePolicy:RolePolicy", "pipeline-build-permissions", "policy", d => {
            d.Statement.push({ Sid: "PassAnyConnection", Effect: "Allow", Action: "codestar-connections:PassConnection",
                Resource: "arn:aws:codestar-connections:ap-northeast-2:333333333333:connection/*" });
        })],

    ["s3-buckets-encrypted-with-stack-kms-key", "SSE-S3 (AES256)", ARTIFACT_BUCKET, e =>
        edit(e, "BucketServerSideEncryptionConfiguration", undefined, p => {
            p.rules[0].applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" };
        })],
    ["s3-buckets-encrypted-with-stack-kms-key", "the AWS-managed alias/aws/s3 key", ARTIFACT_BUCKET, e =>
        edit(e, "BucketServerSideEncryptionConfiguration", undefined, p => {
            p.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId = "alias/aws/s3";
        })],
    ["s3-buckets-encrypted-with-stack-kms-key", "aws:kms without a key (the aws/s3 default)", ARTIFACT_BUCKET, e =>
        edit(e, "BucketServerSideEncryptionConfiguration", undefined, p => {
            delete p.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId;
        })],
    ["s3-buckets-encrypted-with-stack-kms-key", "no encryption configuration", ARTIFACT_BUCKET, e =>
        without(e, "BucketServerSideEncryptionConfiguration")],

    ["s3-buckets-require-tls", "no DenyInsecureTransport statement", ARTIFACT_BUCKET, e =>
        editDocument(e, "bucketPolicy:BucketPolicy", undefined, "policy", d => {
            d.Statement = d.Statement.filter((s: any) => s.Sid !== "DenyInsecureTransport");
        })],
    ["s3-buckets-require-tls", "a TLS deny covering the objects only", ARTIFACT_BUCKET, e =>
        editDocument(e, "bucketPolicy:BucketPolicy", undefined, "policy", d => {
            const s = statement(d, "DenyInsecureTransport");
            s.Resource = s.Resource.filter((r: string) => r.endsWith("/*"));
        })],
    ["s3-buckets-require-tls", "no bucket policy", ARTIFACT_BUCKET, e => without(e, "bucketPolicy:BucketPolicy")],

    ["s3-buckets-block-public-access", "restrictPublicBuckets off", ARTIFACT_BUCKET, e =>
        edit(e, "BucketPublicAccessBlock", undefined, p => { p.restrictPublicBuckets = false; })],
    ["s3-buckets-block-public-access", "no public access block", ARTIFACT_BUCKET, e => without(e, "BucketPublicAccessBlock")],
];

// ---------------------------------------------------------------- tests

describe("policy pack (policy/rules.ts)", () => {
    it("has uniquely named, described, mandatory rules, each with one kind of validation", () => {
        assert.ok(policies.length >= 10);
        assert.strictEqual(new Set(policies.map(p => p.name)).size, policies.length, "duplicate rule names");
        for (const p of policies) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${p.name}: not kebab-case`);
            assert.ok(p.description.length > 30, `${p.name}: no real description`);
            assert.strictEqual(p.enforcementLevel, "mandatory", `${p.name} is not mandatory`);
        }
        assert.deepStrictEqual([...resourcePolicies, ...stackPolicies].map(p => p.name), policies.map(p => p.name));
        assert.ok(resourcePolicies.every(p => p.validateResource && !("validateStack" in p)));
        assert.ok(stackPolicies.every(p => typeof p.validateStack === "function"));
    });

    it("is testable without starting the analyzer: loading the rules loads no @pulumi/policy runtime", () => {
        const loaded = Object.keys(require.cache);
        assert.ok(!loaded.includes(path.join(ROOT, "policy", "index.ts")), "policy/index.ts was loaded");
        assert.ok(!loaded.some(f => f.includes(path.join("@pulumi", "policy", "server"))), "the policy server was loaded");
    });

    for (const stack of committedStacks()) {
        describe(`stack ${stack}`, () => {
            it("evaluates, with resources of every kind the rules look at", async () => {
                const e = await evaluated(stack);
                assert.ifError(e.error);
                for (const type of ["pulumi:providers:aws", "aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:iam/role:Role",
                    "aws:iam/rolePolicy:RolePolicy", "aws:s3/bucketPolicy:BucketPolicy"]) {
                    assert.ok(e.resources.some(r => r.type === type), `no ${type}`);
                }
            });

            for (const p of policies) {
                it(`passes ${p.name}`, async () => {
                    assert.deepStrictEqual(await violations(p, await evaluated(stack)), []);
                });
            }

            it("finds every policy document the program registers", async () => {
                const e = await evaluated(stack);
                const found = resourceArgs(e).flatMap(a => policyDocuments(a.props).map(d => `${a.urn} ${d.path}`));
                const registered = registeredPolicies(e);
                assert.ok(registered.length >= 10, `only ${registered.length} documents registered`);
                for (const { resource } of registered) {
                    assert.ok(found.some(f => f.startsWith(`${resource.urn} `)), `no document found in ${resource.urn}`);
                }
            });
        });
    }

    describe("reports each breakage of the program (dev stack)", () => {
        for (const [name, what, culprit, breakIt, stack = "dev"] of BREAKAGES) {
            it(`${name}: ${what}${stack === "dev" ? "" : ` (${stack} stack)`}`, async () => {
                const broken = copy(await evaluated(stack));
                breakIt(broken);
                const found = await violations(rule(name), broken);
                assert.ok(found.length > 0, `${name} reported nothing for ${what}`);
                assert.ok(found.some(v => v.message.includes(`"${culprit}"`)), `no message names "${culprit}":\n${found.map(v => v.message).join("\n")}`);
                const urn = broken.resources.find(r => r.name === culprit && r.custom)?.urn;
                assert.ok(found.some(v => v.urn === urn), `no violation is reported against ${urn}`);
            });
        }

        it("every rule has at least one breakage", () => {
            const covered = new Set(BREAKAGES.map(([name]) => name));
            assert.deepStrictEqual(policies.map(p => p.name).filter(n => !covered.has(n)), []);
        });

        it("a second bucket without encryption, TLS policy or public access block fails all three bucket rules", async () => {
            const broken = copy(await evaluated("dev"));
            add(broken, find(broken, "s3/bucket:Bucket"), "aws:s3/bucket:Bucket", "scratch-bucket", { bucket: "scratch-bucket-1234567" });
            for (const p of stackPolicies) {
                const found = await violations(p, broken);
                assert.deepStrictEqual(found.map(v => v.urn), [broken.resources.at(-1)!.urn], p.name);
            }
        });
    });

    describe("provider inputs, JSON-encoded or not", () => {
        const pin = rule("aws-providers-pin-allowed-account-ids");
        for (const [allowed, ok] of [[["111111111111"], true], [[], false], ['["111111111111"]', true], ["[]", false], ["111111111111", true]] as const) {
            it(`allowedAccountIds ${JSON.stringify(allowed)} ${ok ? "passes" : "fails"}`, async () => {
                const e = copy(await evaluated("dev"));
                for (const r of e.resources.filter(x => x.type === "pulumi:providers:aws")) {
                    r.inputs.allowedAccountIds = structuredClone(allowed);
                }
                const found = await violations(pin, e);
                assert.strictEqual(found.length === 0, ok, found.map(v => v.message).join("\n"));
            });
        }

        it("a role's own-account root needs no condition; the account comes from its provider", async () => {
            const e = copy(await evaluated("dev"));
            const own = JSON.parse(find(e, "providers:aws", "target-account").inputs.allowedAccountIds)[0];
            editDocument(e, "role:Role", "deploy", "assumeRolePolicy", d => {
                d.Statement.push({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${own}:root` }, Action: "sts:AssumeRole" });
            });
            assert.deepStrictEqual(await violations(rule("cross-account-principals-scoped-to-roles"), e), []);
            // Without a pinned provider, the rule cannot tell that account is its own.
            find(e, "providers:aws", "target-account").inputs.allowedAccountIds = "[]";
            assert.ok((await violations(rule("cross-account-principals-scoped-to-roles"), e)).some(v => /account is unknown/.test(v.message)));
        });
    });

    describe("during preview (values not known yet)", () => {
        // @pulumi/policy's own proxy: reading an unknown value throws, as in a real preview.
        const proxy = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(v: T): T; unknownStringValue: string };
        const unknownArns = (props: Record<string, any>) => {
            const copied = structuredClone(props);
            for (const [k, v] of Object.entries(copied)) {
                if (typeof v === "string" && /^arn:|^[0-9a-f-]{36}$/.test(v)) copied[k] = proxy.unknownStringValue;
            }
            return copied;
        };

        it("stack rules correlate through property dependencies when bucket names and key ARNs are unknown", async () => {
            const e = copy(await evaluated("dev"));
            const sse = find(e, "BucketServerSideEncryptionConfiguration");
            const preview = (state: Record<string, any>, r: Resource) => {
                const props = r.type.startsWith("aws:s3/bucket") && r.type !== "aws:s3/bucket:Bucket"
                    ? { ...unknownArns(state), bucket: proxy.unknownStringValue } : unknownArns(state);
                if (r === sse) {
                    props.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId = proxy.unknownStringValue;
                }
                return proxy.unknownCheckingProxy(props);
            };
            const run = async (p: StackValidationPolicy) => {
                const found: string[] = [];
                await p.validateStack(stackArgs(e, preview), m => found.push(m));
                return found;
            };
            assert.deepStrictEqual(await run(rule("s3-buckets-encrypted-with-stack-kms-key") as StackValidationPolicy), []);
            assert.deepStrictEqual(await run(rule("s3-buckets-block-public-access") as StackValidationPolicy), []);
            // An unknown key that does not come from a key of this stack is still refused.
            sse.propertyDependencies.rules = [];
            assert.match((await run(rule("s3-buckets-encrypted-with-stack-kms-key") as StackValidationPolicy)).join("\n"),
                /does not come from a key of this stack/);
        });

        it("resource rules skip unknown role names and ARNs but still read the policy", async () => {
            const e = copy(await evaluated("dev"));
            editDocument(e, "rolePolicy:RolePolicy", "deploy-permissions", "policy", d => { statement(d, "RegisterNewTaskDefinition").Action = "*"; });
            const args = resourceArgs(e, props => proxy.unknownCheckingProxy({ ...props, role: proxy.unknownStringValue }))
                .find(a => a.name === "deploy-permissions")!;
            const found: string[] = [];
            validation(rule("iam-no-wildcard-actions"))(args, m => found.push(m));
            assert.match(found.join("\n"), /"deploy-permissions".*RegisterNewTaskDefinition.*"\*"/);
        });

        it("an unknown policy document is not passed silently: the analyzer reports that the rule could not run", async () => {
            const e = await evaluated("dev");
            const args = resourceArgs(e, props => proxy.unknownCheckingProxy({ ...props, policy: proxy.unknownStringValue }))
                .find(a => a.name === "deploy-permissions")!;
            assert.throws(() => validation(rule("iam-no-wildcard-actions"))(args, () => undefined),
                (err: Error) => err.constructor.name === "UnknownValueError");
        });
    });

    describe("packaging", () => {
        const policyDir = path.join(ROOT, "policy");
        const pkg = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));

        it("PulumiPolicy.yaml declares a nodejs pack with a description", () => {
            const project = yaml.load(fs.readFileSync(path.join(policyDir, "PulumiPolicy.yaml"), "utf8")) as Record<string, string>;
            assert.strictEqual(project.runtime, "nodejs");
            assert.ok(project.description);
            assert.match(fs.readFileSync(path.join(policyDir, "index.ts"), "utf8"), new RegExp(`new PolicyPack\\("${project.name}"`));
        });

        it("pins @pulumi/policy and @pulumi/pulumi exactly, the same as the root, with a lockfile", () => {
            const root = pkg(ROOT);
            const pack = pkg(policyDir);
            assert.strictEqual(pack.dependencies["@pulumi/pulumi"], root.dependencies["@pulumi/pulumi"]);
            assert.strictEqual(pack.dependencies["@pulumi/policy"], root.devDependencies["@pulumi/policy"]);
            for (const [name, version] of Object.entries({ ...pack.dependencies, ...pack.devDependencies })) {
                assert.match(String(version), /^\d+\.\d+\.\d+$/, `${name} is not pinned exactly`);
            }
            const lock = JSON.parse(fs.readFileSync(path.join(policyDir, "package-lock.json"), "utf8"));
            assert.strictEqual(lock.packages["node_modules/@pulumi/pulumi"].version, root.dependencies["@pulumi/pulumi"]);
            assert.strictEqual(lock.packages["node_modules/@pulumi/policy"].version, pack.dependencies["@pulumi/policy"]);
        });
    });

    describe("docs/policy-pack.md", () => {
        it("its rule table lists exactly the rules of the pack, in order", () => {
            const text = fs.readFileSync(path.join(ROOT, "docs", "policy-pack.md"), "utf8");
            const listed = [...text.matchAll(/^\|\s*`([a-z0-9-]+)`\s*\|/gm)].map(m => m[1]);
            assert.deepStrictEqual(listed, policies.map(p => p.name));
        });
    });
});
