import { strict as assert } from "assert";
import type * as aws from "@pulumi/aws";
import { decideAccess } from "../offline/report/plan";
import { asPublished, evaluate, replacedFunctions, type AccessRequest, type Decision, type PolicyDocument, type PolicyStatement } from "../offline/access/simulator";
import { evaluated, planned, FIXTURE_STACKS } from "./support/stacks";

const DEV = "121212121212";
const PROD = "232323232323";
const BUILD_ROLE = `arn:aws:iam::${DEV}:role/pipeline-build`;
const OTHER_DEV_ROLE = `arn:aws:iam::${DEV}:role/someone-else`;
const DEPLOY_ROLE = `arn:aws:iam::${PROD}:role/pipeline-deploy`;
const BUCKET = "artifacts-bucket";
const OBJECT = `arn:aws:s3:::${BUCKET}/build/output.zip`;
const DEV_KEY = `arn:aws:kms:eu-west-1:${DEV}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const PROD_KEY = `arn:aws:kms:eu-west-1:${PROD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });
const allow = (Action: string, Resource: string, extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: "Allow",
  Action,
  Resource,
  ...extra,
});
const root = (account: string) => ({ AWS: `arn:aws:iam::${account}:root` });

const getObject = doc(allow("s3:GetObject", `arn:aws:s3:::${BUCKET}/*`));
const secure = { "aws:SecureTransport": "true" };

async function decide(req: AccessRequest): Promise<Decision> {
  return (await evaluate(req)).decision;
}

describe("simulator harness", () => {
  it("takes plain documents that are also valid aws.iam.PolicyDocument values", () => {
    // Compile-time check: fails `tsc` if the local type drifts from Pulumi's.
    const asPulumi: aws.iam.PolicyDocument = getObject;
    assert.equal(asPulumi.Version, "2012-10-17");
  });

  describe("same account", () => {
    it("an identity policy alone allows", async () => {
      const base = { principal: BUILD_ROLE, action: "s3:GetObject", resource: OBJECT, resourceAccount: DEV };
      assert.equal(await decide({ ...base, identityPolicies: [getObject] }), "Allowed");
      assert.equal(await decide({ ...base, identityPolicies: [] }), "ImplicitlyDenied");
    });

    it("a bucket policy naming the role alone allows, one naming the account root does not", async () => {
      const base = { principal: BUILD_ROLE, action: "s3:GetObject", resource: OBJECT, resourceAccount: DEV, identityPolicies: [] };
      const naming = (Principal: { AWS: string }) => doc(allow("s3:GetObject", `arn:aws:s3:::${BUCKET}/*`, { Principal }));
      assert.equal(await decide({ ...base, resourcePolicy: naming({ AWS: BUILD_ROLE }) }), "Allowed");
      assert.equal(await decide({ ...base, resourcePolicy: naming(root(DEV)) }), "ImplicitlyDenied");
    });
  });

  describe("cross account", () => {
    const bucketPolicy = doc(allow("s3:GetObject", `arn:aws:s3:::${BUCKET}/*`, { Principal: root(DEV) }));
    const base = { principal: BUILD_ROLE, action: "s3:GetObject", resource: OBJECT, resourceAccount: PROD };

    it("is allowed only when identity and resource policy both allow", async () => {
      assert.equal(await decide({ ...base, identityPolicies: [getObject], resourcePolicy: bucketPolicy }), "Allowed");
      assert.equal(await decide({ ...base, identityPolicies: [getObject] }), "ImplicitlyDenied");
      assert.equal(await decide({ ...base, identityPolicies: [], resourcePolicy: bucketPolicy }), "ImplicitlyDenied");
    });

    it("same documents, same account: either side is enough", async () => {
      const sameAccountBucket = doc(allow("s3:GetObject", `arn:aws:s3:::${BUCKET}/*`, { Principal: { AWS: BUILD_ROLE } }));
      const req = { ...base, resourceAccount: DEV };
      assert.equal(await decide({ ...req, identityPolicies: [getObject] }), "Allowed");
      assert.equal(await decide({ ...req, identityPolicies: [], resourcePolicy: sameAccountBucket }), "Allowed");
    });

    it("takes the resource account from the ARN and refuses a contradicting resourceAccount", async () => {
      const ecrRepo = `arn:aws:ecr:eu-west-1:${PROD}:repository/app`;
      const pull = doc(allow("ecr:BatchGetImage", ecrRepo));
      const req = { principal: BUILD_ROLE, action: "ecr:BatchGetImage", resource: ecrRepo, identityPolicies: [pull] };
      assert.equal(await decide(req), "ImplicitlyDenied");
      await assert.rejects(evaluate({ ...req, resourceAccount: DEV }), /is in 232323232323, not resourceAccount 121212121212/);
      await assert.rejects(evaluate({ ...base, resourceAccount: undefined, identityPolicies: [getObject] }), /set resourceAccount/);
    });
  });

  describe("deny on aws:SecureTransport=false in a bucket policy", () => {
    const bucketPolicy = doc(
      allow("s3:GetObject", `arn:aws:s3:::${BUCKET}/*`, { Principal: root(DEV) }),
      {
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    );
    const base = {
      principal: BUILD_ROLE,
      action: "s3:GetObject",
      resource: OBJECT,
      resourceAccount: PROD,
      identityPolicies: [getObject],
      resourcePolicy: bucketPolicy,
    };

    it("explicitly denies plain HTTP and allows HTTPS", async () => {
      assert.equal(await decide({ ...base, context: { "aws:SecureTransport": "false" } }), "ExplicitlyDenied");
      assert.equal(await decide({ ...base, context: secure }), "Allowed");
    });

    it("refuses to decide when the key is missing instead of letting the deny lapse", async () => {
      const advice = "; supply them in context or list them in absentContextKeys";
      await assert.rejects(evaluate(base), {
        message: `s3:GetObject on ${OBJECT}: conditions read context keys not supplied: aws:SecureTransport${advice}`,
      });
      // A misspelt key is dropped by the library, so it is caught the same way, and named.
      await assert.rejects(evaluate({ ...base, context: { "aws:SecureTransprt": "false" } }), {
        message: `s3:GetObject on ${OBJECT}: conditions read context keys not supplied: aws:SecureTransport` +
          ` (dropped by iam-simulate as not applicable to the action: aws:SecureTransprt)${advice}`,
      });
    });

    it("names every key not supplied, and every key the library dropped", async () => {
      const fromVpc = doc({ Sid: "OnlyFromTheVpc", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: OBJECT,
        Condition: { Bool: { "aws:SecureTransport": "false" }, StringNotEquals: { "aws:SourceVpc": "vpc-1" } } });
      await assert.rejects(evaluate({ ...base, resourcePolicy: fromVpc, context: { "aws:SecureTransprt": "true", "aws:SourceVcp": "vpc-1" } }), {
        message: `s3:GetObject on ${OBJECT}: conditions read context keys not supplied: aws:SecureTransport, aws:SourceVpc` +
          " (dropped by iam-simulate as not applicable to the action: aws:SecureTransprt, aws:SourceVcp); supply them in context or list them in absentContextKeys",
      });
    });

    it("applies AWS's missing-key rule only when the caller says the key is absent", async () => {
      assert.equal(await decide({ ...base, absentContextKeys: ["aws:securetransport"] }), "Allowed");
    });

    it("does not demand keys of statements that do not apply to the request", async () => {
      const otherAction = doc({
        Effect: "Deny",
        Action: "s3:PutObject",
        Resource: "*",
        Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
      });
      const passRoleOnly = doc(
        allow("iam:PassRole", "*", { Condition: { StringEquals: { "iam:PassedToService": "codebuild.amazonaws.com" } } }),
      );
      assert.equal(await decide({ ...base, context: secure, identityPolicies: [getObject, otherAction, passRoleOnly] }), "Allowed");
    });
  });

  describe("root principal narrowed by ArnEquals aws:PrincipalArn", () => {
    const bucketPolicy = doc(
      allow("s3:GetObject", `arn:aws:s3:::${BUCKET}/*`, {
        Principal: root(DEV),
        Condition: { ArnEquals: { "aws:PrincipalArn": BUILD_ROLE } },
      }),
    );
    const base = {
      action: "s3:GetObject",
      resource: OBJECT,
      resourceAccount: PROD,
      identityPolicies: [getObject],
      resourcePolicy: bucketPolicy,
    };

    it("allows the named role and denies another role of the same account, with no caller-supplied keys", async () => {
      assert.equal(await decide({ ...base, principal: BUILD_ROLE }), "Allowed");
      assert.equal(await decide({ ...base, principal: OTHER_DEV_ROLE }), "ImplicitlyDenied");
    });

    it("lets caller context override a derived key", async () => {
      assert.equal(await decide({ ...base, principal: OTHER_DEV_ROLE, context: { "aws:PrincipalArn": BUILD_ROLE } }), "Allowed");
    });

    it("derives aws:PrincipalAccount too", async () => {
      const byAccount = doc(
        allow("s3:GetObject", `arn:aws:s3:::${BUCKET}/*`, { Principal: "*", Condition: { StringEquals: { "aws:PrincipalAccount": DEV } } }),
      );
      assert.equal(await decide({ ...base, principal: OTHER_DEV_ROLE, resourcePolicy: byAccount }), "Allowed");
      const prodRole = `arn:aws:iam::${PROD}:role/x`;
      assert.equal(await decide({ ...base, principal: prodRole, identityPolicies: [], resourcePolicy: byAccount }), "ImplicitlyDenied");
    });
  });

  describe("role trust policy for sts:AssumeRole", () => {
    const assume = doc(allow("sts:AssumeRole", DEPLOY_ROLE));
    const base = { principal: BUILD_ROLE, action: "sts:AssumeRole", resource: DEPLOY_ROLE };

    it("cross account: trust of the DEV root still needs the caller's identity policy", async () => {
      const trustDev = doc({ Effect: "Allow", Principal: root(DEV), Action: "sts:AssumeRole" });
      assert.equal(await decide({ ...base, identityPolicies: [assume], resourcePolicy: trustDev }), "Allowed");
      assert.equal(await decide({ ...base, identityPolicies: [], resourcePolicy: trustDev }), "ImplicitlyDenied");
    });

    it("cross account: a trust policy for another principal denies", async () => {
      const trustOther = doc({ Effect: "Allow", Principal: { AWS: OTHER_DEV_ROLE }, Action: "sts:AssumeRole" });
      assert.equal(await decide({ ...base, identityPolicies: [assume], resourcePolicy: trustOther }), "ImplicitlyDenied");
    });

    it("same account: the identity policy alone is not enough", async () => {
      const target = `arn:aws:iam::${DEV}:role/target`;
      const req = { ...base, resource: target, identityPolicies: [doc(allow("sts:AssumeRole", target))] };
      const trustService = doc({ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" });
      assert.equal(await decide({ ...req, resourcePolicy: trustService }), "ImplicitlyDenied");
      // The library would allow this without a trust policy, so the harness refuses it.
      await assert.rejects(evaluate(req), /needs the role's trust policy/);
    });

    it("a service principal is allowed by the trust policy alone, and only the named service", async () => {
      const pipelineRole = `arn:aws:iam::${DEV}:role/pipeline`;
      const trust = doc({
        Effect: "Allow",
        Principal: { Service: "codepipeline.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": DEV } },
      });
      const req = {
        action: "sts:AssumeRole",
        resource: pipelineRole,
        identityPolicies: [],
        resourcePolicy: trust,
        context: { "aws:SourceAccount": DEV },
      };
      assert.equal(await decide({ ...req, principal: "codepipeline.amazonaws.com" }), "Allowed");
      assert.equal(await decide({ ...req, principal: "codebuild.amazonaws.com" }), "ImplicitlyDenied");
      const fromProd = { ...req, principal: "codepipeline.amazonaws.com", context: { "aws:SourceAccount": PROD } };
      assert.equal(await decide(fromProd), "ImplicitlyDenied");
      await assert.rejects(evaluate({ ...req, principal: "codepipeline.amazonaws.com", context: {} }), /aws:SourceAccount/);
    });

    it("trust policies given as JSON text work like documents", async () => {
      const trustDev = JSON.stringify(doc({ Effect: "Allow", Principal: root(DEV), Action: "sts:AssumeRole" }));
      assert.equal(await decide({ ...base, identityPolicies: [JSON.stringify(assume)], resourcePolicy: trustDev }), "Allowed");
    });
  });

  describe("KMS key policy", () => {
    const decrypt = doc(allow("kms:Decrypt", "*"));
    const delegateTo = (account: string) => doc({ Effect: "Allow", Principal: root(account), Action: "kms:*", Resource: "*" });
    const base = { principal: BUILD_ROLE, action: "kms:Decrypt" };

    it("same account: a root principal delegates to IAM, so the identity policy decides", async () => {
      const req = { ...base, resource: DEV_KEY, resourcePolicy: delegateTo(DEV) };
      assert.equal(await decide({ ...req, identityPolicies: [decrypt] }), "Allowed");
      assert.equal(await decide({ ...req, identityPolicies: [] }), "ImplicitlyDenied");
    });

    it("same account: without delegation an identity policy is not enough", async () => {
      const onlyOther = doc({ Effect: "Allow", Principal: { AWS: OTHER_DEV_ROLE }, Action: "kms:*", Resource: "*" });
      const req = { ...base, resource: DEV_KEY, identityPolicies: [decrypt] };
      assert.equal(await decide({ ...req, resourcePolicy: onlyOther }), "ImplicitlyDenied");
      await assert.rejects(evaluate(req), /needs the key policy/);
    });

    it("same account: a key policy naming the role allows without any identity policy", async () => {
      const namesRole = doc({ Effect: "Allow", Principal: { AWS: BUILD_ROLE }, Action: "kms:Decrypt", Resource: "*" });
      assert.equal(await decide({ ...base, resource: DEV_KEY, identityPolicies: [], resourcePolicy: namesRole }), "Allowed");
    });

    it("cross account: the key policy must trust the caller's account and the identity policy must allow", async () => {
      const req = { ...base, resource: PROD_KEY };
      assert.equal(await decide({ ...req, identityPolicies: [decrypt], resourcePolicy: delegateTo(DEV) }), "Allowed");
      assert.equal(await decide({ ...req, identityPolicies: [], resourcePolicy: delegateTo(DEV) }), "ImplicitlyDenied");
      assert.equal(await decide({ ...req, identityPolicies: [decrypt], resourcePolicy: delegateTo(PROD) }), "ImplicitlyDenied");
    });
  });

  describe("iam:PassRole with iam:PassedToService", () => {
    const codebuildRole = `arn:aws:iam::${DEV}:role/codebuild`;
    const passRole = doc(
      allow("iam:PassRole", codebuildRole, { Condition: { StringEquals: { "iam:PassedToService": "codebuild.amazonaws.com" } } }),
    );
    const base = { principal: BUILD_ROLE, action: "iam:PassRole", resource: codebuildRole, identityPolicies: [passRole] };

    it("allows passing to the named service only", async () => {
      assert.equal(await decide({ ...base, context: { "iam:PassedToService": "codebuild.amazonaws.com" } }), "Allowed");
      assert.equal(await decide({ ...base, context: { "iam:PassedToService": "ec2.amazonaws.com" } }), "ImplicitlyDenied");
    });

    it("does not resource-match another role", async () => {
      const other = `arn:aws:iam::${DEV}:role/admin`;
      const req = { ...base, resource: other, context: { "iam:PassedToService": "codebuild.amazonaws.com" } };
      assert.equal(await decide(req), "ImplicitlyDenied");
    });

    it("refuses to decide when iam:PassedToService is not supplied", async () => {
      await assert.rejects(evaluate(base), /iam:PassedToService/);
    });
  });

  describe("input checks", () => {
    it("refuses principals the library would silently treat as matching nothing", async () => {
      const req = { action: "s3:GetObject", resource: OBJECT, resourceAccount: DEV, identityPolicies: [getObject] };
      await assert.rejects(evaluate({ ...req, principal: "pipeline-build" }), /expected an IAM role\/user\/root ARN/);
      await assert.rejects(evaluate({ ...req, principal: `arn:aws:sts::${DEV}:assumed-role/pipeline-build/s1` }), /expected an IAM/);
    });

    it("takes role, user and root ARNs of any partition and service principals as principals, and nothing like them", async () => {
      const req = { action: "s3:GetObject", resource: OBJECT, resourceAccount: DEV, identityPolicies: [getObject] };
      const iam = [`arn:aws:iam::${DEV}:root`, `arn:aws:iam::${DEV}:user/alice`, `arn:aws-cn:iam::${DEV}:role/builder`, `arn:aws-us-gov:iam::${DEV}:role/ci/builder`];
      for (const principal of iam) {
        assert.equal(await decide({ ...req, principal }), "Allowed", principal);
      }
      for (const principal of ["codebuild.amazonaws.com", "logdelivery.elasticloadbalancing.amazonaws.com", "1a.amazonaws.com"]) {
        assert.equal(await decide({ ...req, principal, identityPolicies: [] }), "ImplicitlyDenied", principal);
      }
      const unlike = [`x${BUILD_ROLE}`, `${BUILD_ROLE.replace(DEV, DEV.slice(1))}`, `arn:aws:iam::${DEV}:role/`, `arn:aws:iam::${DEV}:user/`, `arn:aws:iam::${DEV}:rootx`,
        `arn:aws:iam::${DEV}:group/developers`, "CodeBuild.amazonaws.com", "-codebuild.amazonaws.com", "codebuild.amazonaws.com.example", "amazonaws.com"];
      for (const principal of unlike) {
        await assert.rejects(evaluate({ ...req, principal, identityPolicies: [] }), /expected an IAM role\/user\/root ARN or a service principal/, principal);
      }
    });

    it("refuses identity policies for a service principal", async () => {
      const req = {
        principal: "codebuild.amazonaws.com",
        action: "s3:GetObject",
        resource: OBJECT,
        resourceAccount: DEV,
        identityPolicies: [getObject],
      };
      await assert.rejects(evaluate(req), /has no identity policies/);
    });

    it("refuses wildcard resources, which the library answers for the best-matching sub-pattern", async () => {
      const narrow = doc(allow("s3:GetObject", `arn:aws:s3:::${BUCKET}/build/*`));
      const req = { principal: BUILD_ROLE, action: "s3:GetObject", resourceAccount: DEV, identityPolicies: [narrow] };
      await assert.rejects(evaluate({ ...req, resource: `arn:aws:s3:::${BUCKET}/*` }), /use a concrete resource/);
      const token = doc(allow("ecr:GetAuthorizationToken", "*"));
      assert.equal(await decide({ ...req, action: "ecr:GetAuthorizationToken", resource: "*", identityPolicies: [token] }), "Allowed");
    });

    it("surfaces the library's validation errors instead of a decision", async () => {
      const req = { principal: BUILD_ROLE, resource: OBJECT, resourceAccount: DEV, identityPolicies: [getObject] };
      await assert.rejects(evaluate({ ...req, action: "s3:GetObjekt" }), /invalid.action/);
      const broken = { Version: "2012-10-17", Statement: [{ Effect: "Permit", Action: "s3:GetObject", Resource: "*" }] };
      await assert.rejects(evaluate({ ...req, action: "s3:GetObject", identityPolicies: [JSON.stringify(broken)] }), /policy.errors/);
      // A document given as an object is validated once, and its errors reported on every request.
      for (const action of ["s3:GetObject", "s3:PutObject"]) {
        await assert.rejects(evaluate({ ...req, action, identityPolicies: [broken as unknown as PolicyDocument] }), /policy.errors/);
      }
    });
  });
});

describe("simulator harness: faster than the published libraries, with the same answers", () => {
  /** A request's decision, or the error it is refused with. */
  const outcome = (req: AccessRequest) => evaluate(req).then(r => r.decision, (e: Error) => e.message);

  it("takes an action's resource type from each request's resource, and condition operators in any case, as the published libraries do", async () => {
    // s3:GetObject acts on a bucket's objects or an access point's: the access point's ARN is a context key only of the latter.
    const accessPoint = `arn:aws:s3:eu-west-1:${DEV}:accesspoint/reports`;
    const viaAccessPoint = (operator: string): AccessRequest => ({
      principal: BUILD_ROLE, action: "s3:GetObject", resource: `${accessPoint}/object/build/output.zip`, resourceAccount: DEV,
      context: { "s3:DataAccessPointArn": accessPoint },
      identityPolicies: [doc(allow("s3:GetObject", "*", { Condition: { [operator]: { "s3:DataAccessPointArn": accessPoint } } }))],
    });
    // An action that cannot act on an object, then one that can, on the same object (one no other test asks about).
    const onObject = (action: string): AccessRequest => ({
      principal: BUILD_ROLE, action, resource: "arn:aws:s3:::resource-types-probe/object", resourceAccount: DEV, identityPolicies: [doc(allow(action, "*"))],
    });
    const requests = [onObject("s3:ListBucket"), onObject("s3:GetObject"), ...["StringEquals", "stringequals", "ForAnyValue:StringEquals", "forANYvalue:StringEquals", "StringEqualsIfExists",
      "StringEqualsIFEXISTS", "StringÉquals", "ForÀnyValue:StringEquals", "StringEqualsIfÉxists"].flatMap(operator => [viaAccessPoint(operator), { ...viaAccessPoint(operator), resource: OBJECT }])];
    const fast = [];
    for (const req of requests) {
      fast.push(await outcome(req));
    }
    const published = await asPublished(async () => {
      const outcomes = [];
      for (const req of requests) {
        outcomes.push(await outcome(req));
      }
      return outcomes;
    });
    assert.deepStrictEqual(fast, published);
    // Each pair is told apart by its resource's type, or by its action's.
    assert.match(fast[0], /no.resource.types/);
    assert.strictEqual(fast[1], "Allowed");
    assert.notStrictEqual(fast[2], fast[3]);
  });

  /** For each replaced function, the library's own function its replacement runs, or undefined where it is the library's own. */
  const libraryOwn = () => replacedFunctions().map(({ exports, name }) =>
    (exports[name] as Record<symbol, unknown>)[Symbol.for("cross-account-pipeline.simulator.libraryOwn")]);
  const none = () => replacedFunctions().map(() => undefined);

  it("runs the libraries' own functions inside asPublished, and the faster ones again after it", async () => {
    const replacing = libraryOwn();
    assert.ok(replacing.length > 0 && replacing.every(fn => typeof fn === "function"));
    assert.deepStrictEqual(await asPublished(async () => libraryOwn()), none());
    assert.deepStrictEqual(libraryOwn(), replacing);
  });

  it("replaces the library's own functions again when it is loaded a second time, instead of wrapping its replacements", async () => {
    const id = require.resolve("../offline/access/simulator");
    const first = require.cache[id];
    const replacing = libraryOwn();
    delete require.cache[id];
    try {
      const second = require(id) as typeof import("../offline/access/simulator");
      assert.deepStrictEqual(libraryOwn(), replacing);
      assert.deepStrictEqual(await second.asPublished(async () => libraryOwn()), none());
    } finally {
      require.cache[id] = first;
      await asPublished(async () => undefined); // puts the first load's replacements back
    }
  });

  it("validates a document on every request inside asPublished, as the library does", async () => {
    const req: AccessRequest = { principal: BUILD_ROLE, action: "s3:GetObject", resource: OBJECT, resourceAccount: DEV, identityPolicies: [] };
    const edited = doc(allow("s3:GetObject", OBJECT));
    // A request by a valid document, then one by the same document edited in place to be invalid.
    const outcomes = await asPublished(async () => {
      const first = await decide({ ...req, identityPolicies: [edited] });
      (edited.Statement[0] as { Effect: string }).Effect = "Permit";
      return [first, await evaluate({ ...req, identityPolicies: [edited] }).then(() => "not validated again", (e: Error) => e.message)];
    });
    assert.equal(outcomes[0], "Allowed");
    assert.match(outcomes[1], /policy.errors/);
  });

  for (const stack of FIXTURE_STACKS) {
    it(`decides every access row of stack ${stack} as the published libraries do`, async () => {
      const published = await asPublished(async () => decideAccess(await evaluated(stack)));
      assert.deepStrictEqual((await planned(stack)).access, published);
    });
  }
});
