import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as os from "os";
import { ROOT } from "../offline/engine/engine";
import { stackFile, stacksIn } from "../offline/engine/root";
import { block, evaluated, targetsOf, fixture, FIXTURE_STACKS } from "./support/stacks";

// Pulumi's own reader of the tsconfig it is pointed at; `noCheck` there means ts-node transpiles only.
const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils");

describe("project setup", () => {
    const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as any;

    it("lets `pulumi up` transpile without type checking", () => {
        assert.strictEqual(project.name, "cross-account-pipeline");
        assert.strictEqual(project.runtime.name, "nodejs");
        const tsconfig = path.join(ROOT, project.runtime.options.tsconfig);
        assert.strictEqual(loadTypeScriptCompilerOptions(tsconfig).noCheck, true);
    });

    it("keeps the type check in `npm test`, beside the tests, and fails when either fails", async () => {
        assert.strictEqual(loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.json")).noCheck, undefined);
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.strictEqual(pkg.scripts.test, "node scripts/test.js");
        assert.strictEqual(pkg.scripts.typecheck, "tsc --noEmit");
        assert.strictEqual(pkg.scripts.mocha, "TS_NODE_TRANSPILE_ONLY=true mocha");
        const { runBoth } = require("../scripts/test");
        const exit = (code: number) => `"${process.execPath}" -e "process.exitCode = ${code}"`;
        assert.deepStrictEqual(await Promise.all([[0, 0], [2, 0], [0, 3]].map(([a, b]) => runBoth(exit(a), exit(b)))), [0, 2, 3]);
    });
});

/** The IAM service prefix of each resource type the program registers (by type prefix; the longest wins). */
const IAM_SERVICE: Record<string, string> = {
    "aws:codecommit/": "codecommit", "aws:codeconnections/": "codeconnections", "aws:codebuild/": "codebuild", "aws:codepipeline/": "codepipeline",
    "aws:cloudwatch/logGroup": "logs", "aws:cloudwatch/event": "events", "aws:s3/": "s3", "aws:kms/": "kms",
    "aws:ecr/": "ecr", "aws:iam/": "iam", "aws:ec2/": "ec2", "aws:vpc/": "ec2", "awsx:ec2:": "ec2",
    "aws:lb/": "elasticloadbalancing", "aws:ecs/": "ecs", "aws:codedeploy/": "codedeploy",
    "aws:sns/": "sns", "aws:codestarnotifications/": "codestar-notifications", "aws:chatbot/": "chatbot", "aws:cloudwatch/metricAlarm": "cloudwatch",
};

describe("a stack named without its file", () => {
    it("fails naming the file it looked for and the stacks the folder has, or that it has none", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
        try {
            assert.throws(() => stackFile("qa", dir), /^Error: no stack file \S*Pulumi\.qa\.yaml; there is no Pulumi\.<stack>\.yaml there$/);
            for (const stack of ["prod", "dev"]) fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "config: {}\n");
            // The project file, an editor's backup and a file named like a stack file are no stacks.
            for (const other of ["Pulumi.yaml", "Pulumi.dev.yaml.bak", "old-Pulumi.qa.yaml"]) fs.writeFileSync(path.join(dir, other), "name: p\n");
            assert.deepEqual(stacksIn(dir), ["dev", "prod"]);
            // The file as the user would type it from where they are.
            const qa = path.relative(process.cwd(), path.join(dir, "Pulumi.qa.yaml"));
            assert.throws(() => stackFile("qa", dir), (e: Error) => e.message === `no stack file ${qa}; the stacks there: dev, prod`);
            assert.equal(stackFile("dev", dir), path.join(dir, "Pulumi.dev.yaml"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("docs/ci.md, the provisioning roles", () => {
    const ci = fs.readFileSync(path.join(ROOT, "docs", "ci.md"), "utf8");
    const section = (title: string) => ci.split(`#### ${title}`)[1].split("\n#")[0];

    it("lists every service the program provisions in each account (created and existing targets)", async () => {
        const needed = { pipeline: new Set<string>(), target: new Set<string>() };
        for (const e of await Promise.all([...FIXTURE_STACKS, "existing", "path"].map(evaluated))) {
            const accounts = { pipeline: e.resources.find(r => r.name === "pipeline-account")!.account! };
            // Resources, and remote components (awsx): not providers, not this program's own components.
            for (const r of e.resources.filter(r => r.account && (r.custom || !r.type.startsWith("cross-account-pipeline:")) && !r.type.startsWith("pulumi:"))) {
                const prefix = Object.keys(IAM_SERVICE).filter(p => r.type.startsWith(p)).sort((a, b) => b.length - a.length)[0];
                assert.ok(prefix, `${r.type}: which service is it? Add it to docs/ci.md and to IAM_SERVICE here`);
                needed[r.account === accounts.pipeline ? "pipeline" : "target"].add(IAM_SERVICE[prefix]);
            }
        }
        for (const [side, title] of [["pipeline", "Tooling account"], ["target", "Target account"]] as const) {
            const listed = [...section(title).matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map(m => m[1]);
            assert.deepStrictEqual([...needed[side]].filter(s => !listed.includes(s)), [], `missing from "${title}" in docs/ci.md`);
        }
    });

    it("names the provisioning roles the stack files name", () => {
        const named = FIXTURE_STACKS.flatMap(stack => {
            const config = fixture(stack);
            return [block(config, "pipelineAccount"), ...targetsOf(config).map(t => t.account)].map(a => a.provisioningRoleArn?.split("/").pop());
        });
        const documented = [...ci.matchAll(/:role\/([\w+=,.@-]+)/g)].map(m => m[1]).filter(r => r !== "github-ci-cross-account-pipeline");
        assert.ok(documented.length > 0);
        assert.deepStrictEqual([...new Set(documented)], [...new Set(named)]);
    });
});
