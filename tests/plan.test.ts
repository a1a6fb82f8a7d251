import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { committedStacks, readStackConfig, ROOT } from "../offline/engine";
import { plan } from "../offline/plan";
import { block } from "./support/stacks";

for (const stack of committedStacks()) {
    describe(`plan: stack ${stack}`, () => {
        const config = readStackConfig(stack);
        const pipelineAccount = block(config, "pipelineAccount").accountId;
        const targetAccount = block(config, "targetAccount").accountId;

        it("shows what each account gets, as a tree by component", async () => {
            const { exitCode, text } = await plan(stack);
            assert.strictEqual(exitCode, 0);
            const [pipelineSide, targetSide] = text.split(/^Target \(deploy\) account/m);
            assert.match(pipelineSide, new RegExp(`^Pipeline \\(tooling\\) account ${pipelineAccount}`, "m"));
            assert.match(pipelineSide, /^├─ CrossAccountArtifactStore artifacts\n│  ├─ Key artifacts-key {2}\(rotation on/m);
            assert.match(pipelineSide, /Pipeline pipeline-pipeline .*deploy runs as arn:aws:iam::\d{12}:role\/\S+-deploy in /);
            assert.ok(targetSide.startsWith(` ${targetAccount}`));
            assert.match(targetSide, /└─ ProdDeployRole deploy\n {3}├─ Role deploy/);
            assert.ok(!/ProdDeployRole/.test(pipelineSide) && !/CrossAccountPipeline/.test(targetSide));
        });

        it("computes the cross-account wiring from the registered inputs", async () => {
            const { text } = await plan(stack);
            const wiring = text.slice(text.indexOf("Cross-account wiring"));
            const expectations = [
                `pipeline account ${pipelineAccount} -> target account ${targetAccount}`,
                "Role pipeline-pipeline.arn  ->  Role deploy.assumeRolePolicy",
                "Key artifacts-key.arn  ->  RolePolicy deploy-permissions.policy",
                "Bucket artifacts-bucket.arn  ->  RolePolicy deploy-permissions.policy",
                `target account ${targetAccount} -> pipeline account ${pipelineAccount}`,
                "Role deploy.arn  ->  Key artifacts-key.policy",
                "Role deploy.arn  ->  BucketPolicy artifacts-policy.policy",
                "Role deploy.arn  ->  Pipeline pipeline-pipeline.stages[",
                "Repository images.arn  ->  RolePolicy target-execution-permissions.policy",
                "Role target-execution.arn  ->  RepositoryPolicy images-policy.policy",
            ];
            const wires = wiring.replace(/ {2,}->/g, "  ->");
            for (const line of expectations) {
                assert.ok(wires.includes(line), `missing: ${line}\n${wiring}`);
            }
            // An ARN that merely starts like another (…-task, …-task-execution) is not wired.
            assert.ok(!wires.includes("Role target-task.arn  ->  RepositoryPolicy"), wiring);
        });

        it("computes who can do what with the IAM policy simulator, and every answer is the expected one", async () => {
            const { text } = await plan(stack);
            const access = text.slice(text.indexOf("Who can do what"));
            assert.match(access, /^ {2}Allowed +pipeline role +sts:AssumeRole on deploy role$/m);
            assert.match(access, /^ {2}ImplicitlyDenied +build role +sts:AssumeRole on deploy role$/m);
            assert.match(access, /^ {2}ExplicitlyDenied +.*s3:GetObject/m);
            assert.ok(!access.includes("EXPECTED"), access);
        });

        it("writes the same as Markdown with a Mermaid diagram", async () => {
            const { text, markdown } = await plan(stack);
            assert.ok(markdown?.includes("```mermaid\nflowchart LR"));
            assert.ok(markdown?.includes(text));
        });
    });
}

describe("plan: bad input", () => {
    it("prints the validation message and exits non-zero for a bad config", async () => {
        const config = readStackConfig("prod");
        config["cross-account-pipeline:region"] = "seoul";
        const { exitCode, text, markdown } = await plan("prod", config);
        assert.strictEqual(exitCode, 1);
        assert.match(text, /Pulumi\.prod\.yaml: cross-account-pipeline:region: expected an AWS region name; found the string "seoul"/);
        assert.strictEqual(markdown, undefined);
    });

    it("exits non-zero from the command line for a stack without a stack file", () => {
        const run = spawnSync(process.execPath, ["-r", "ts-node/register", path.join(ROOT, "scripts/plan.ts"), "--stack", "no-such-stack"],
            { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, encoding: "utf8" });
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, /no stack file Pulumi\.no-such-stack\.yaml/);
    });
});
