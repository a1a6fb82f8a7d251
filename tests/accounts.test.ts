import * as assert from "assert";
import { committedStacks, readStackConfig } from "../offline/engine";
import { expectedSide, Side } from "./support/placement";
import { block, evaluated, evaluateWith, key, one } from "./support/stacks";

for (const stack of committedStacks()) {
    describe(`stack ${stack}: accounts`, () => {
        const config = readStackConfig(stack);
        const accountOf = (side: Side) => block(config, `${side}Account`).accountId as string;

        it("evaluates offline without errors", async () => {
            const e = await evaluated(stack);
            assert.ifError(e.error);
            assert.ok(e.resources.length > 20);
        });

        it("puts every resource in the account it belongs to", async () => {
            const e = await evaluated(stack);
            const placed = e.resources.filter(r => r.type !== "pulumi:pulumi:Stack" && r.type !== "pulumi:providers:aws");
            for (const r of placed) {
                const side = expectedSide(r);
                assert.ok(side, `${r.type} ${r.name} is not in the expected placement table`);
                assert.strictEqual(r.account, accountOf(side), `${r.type} ${r.name} landed in ${r.account}, not the ${side} account`);
                assert.strictEqual(r.region, block(config, "region"));
            }
        });

        it("builds one provider per account, pinned to it, assuming its provisioning role, tagged with its side", async () => {
            const e = await evaluated(stack);
            const providers = e.resources.filter(r => r.type === "pulumi:providers:aws");
            assert.strictEqual(providers.length, 2);
            for (const side of ["pipeline", "target"] as Side[]) {
                const account = block(config, `${side}Account`);
                const p = providers.find(r => JSON.parse(r.inputs.allowedAccountIds)[0] === account.accountId);
                assert.ok(p, `no provider pinned to the ${side} account`);
                assert.deepStrictEqual(JSON.parse(p.inputs.allowedAccountIds), [account.accountId]);
                assert.strictEqual(p.inputs.region, block(config, "region"));
                assert.strictEqual(JSON.parse(p.inputs.assumeRoles)[0].roleArn, account.provisioningRoleArn);
                const tags = JSON.parse(p.inputs.defaultTags).tags;
                assert.deepStrictEqual(tags, { project: "cross-account-pipeline", stack, "pipeline-side": side });
            }
        });

        it("disables the default AWS provider in the stack file, and only that one", () => {
            assert.deepStrictEqual(config["pulumi:disable-default-providers"], ["aws"]);
        });

        it("gives every AWS resource an explicit provider", async () => {
            const e = await evaluated(stack);
            for (const r of e.resources.filter(r => r.custom && r.type.startsWith("aws:"))) {
                assert.match(r.provider, /pulumi:providers:aws::/, `${r.type} ${r.name} has no explicit provider`);
            }
        });
    });
}

describe("accounts: config changes", () => {
    it("assumes no role where none is configured (ambient credentials, still pinned to the account)", async () => {
        const e = await evaluateWith("prod", c => { delete block(c, "targetAccount").provisioningRoleArn; });
        assert.ifError(e.error);
        const target = e.resources.find(r => r.type === "pulumi:providers:aws" && r.inputs.allowedAccountIds === '["222222222222"]');
        assert.ok(target);
        assert.strictEqual(target.inputs.assumeRoles, undefined);
    });

    it("looks up an existing repository through the pipeline account instead of creating one", async () => {
        const e = await evaluateWith("prod", c => { c[key("source")] = { repositoryName: "my-service", create: false }; });
        assert.ifError(e.error);
        assert.strictEqual(e.resources.filter(r => r.type === "aws:codecommit/repository:Repository").length, 0);
        const lookup = e.invokes.find(i => i.token === "aws:codecommit/getRepository:getRepository");
        assert.ok(lookup);
        assert.strictEqual(lookup.account, "111111111111");
        assert.strictEqual(lookup.inputs.repositoryName, "my-service");
        const pipelinePolicy = JSON.parse(one(e, "aws:iam/rolePolicy:RolePolicy", "pipeline-pipeline-permissions").inputs.policy);
        const source = pipelinePolicy.Statement.find((s: any) => s.Sid === "ArchiveSourceBranch");
        assert.strictEqual(source.Resource, "arn:aws:codecommit:ap-northeast-2:111111111111:my-service");
    });
});
