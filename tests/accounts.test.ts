import * as assert from "assert";
import { configOf } from "../offline/access/access";
import { RawConfig } from "../offline/engine/engine";

import { expectedPlacement } from "./support/placement";
import { block, evaluated, evaluateWith, key, one, targetsOf, VARIANTS, fixture, FIXTURE_STACKS } from "./support/stacks";

for (const stack of [...FIXTURE_STACKS, "path"]) {
    describe(`stack ${stack}: accounts and regions`, () => {
        /** The stack's name and config, read in each test (a mutation run switches mutants between tests only). */
        const read = (): [string, RawConfig] => stack in VARIANTS ? VARIANTS[stack]() : [stack, fixture(stack)];

        it("evaluates offline without errors", async () => {
            const e = await evaluated(stack);
            assert.ifError(e.error);
            assert.ok(e.resources.length > 20);
        });

        it("puts every resource in the account and region it belongs to: the pipeline's, a regional store's or its target's", async () => {
            const e = await evaluated(stack);
            const placed = e.resources.filter(r => r.type !== "pulumi:pulumi:Stack" && r.type !== "pulumi:providers:aws");
            for (const r of placed) {
                const expected = expectedPlacement(r, configOf(e));
                assert.ok(expected, `${r.type} ${r.name} is not in the expected placement table`);
                assert.deepStrictEqual({ account: r.account, region: r.region }, expected, `${r.type} ${r.name} is misplaced`);
            }
        });

        it("builds one provider per account and region, pinned to the account, assuming its provisioning role, tagged with its side", async () => {
            const e = await evaluated(stack);
            const [name, config] = read();
            const providers = e.resources.filter(r => r.type === "pulumi:providers:aws");
            const pipelineAccount = block(config, "pipelineAccount");
            const slack = block(config, "notifications")?.slack;
            const places = [{ account: pipelineAccount, region: block(config, "region") }, ...targetsOf(config).flatMap(t => {
                const region = t.region ?? block(config, "region");
                return [{ account: pipelineAccount, region }, { account: t.account, region }];
            }), ...slack ? [{ account: pipelineAccount, region: configOf(e).notifications!.slack!.region }] : []].filter((p, i, all) => all.findIndex(q => q.account.accountId === p.account.accountId && q.region === p.region) === i);
            assert.strictEqual(providers.length, places.length);
            for (const { account, region } of places) {
                const p = providers.filter(r => JSON.parse(r.inputs.allowedAccountIds)[0] === account.accountId && r.inputs.region === region);
                assert.strictEqual(p.length, 1, `one provider for ${account.accountId} in ${region}`);
                assert.deepStrictEqual(JSON.parse(p[0].inputs.allowedAccountIds), [account.accountId]);
                assert.strictEqual(p[0].inputs.assumeRoles && JSON.parse(p[0].inputs.assumeRoles)[0].roleArn, account.provisioningRoleArn);
                const side = account.accountId === pipelineAccount.accountId ? "pipeline" : "target";
                assert.deepStrictEqual(JSON.parse(p[0].inputs.defaultTags).tags, { project: "cross-account-pipeline", stack: name, "pipeline-side": side });
            }
        });

        it("disables the default AWS provider in the stack file, and only that one", () => {
            assert.deepStrictEqual(read()[1]["pulumi:disable-default-providers"], ["aws"]);
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
        const e = await evaluateWith("prod", c => { delete targetsOf(c)[1].account.provisioningRoleArn; });
        assert.ifError(e.error);
        const target = one(e, "pulumi:providers:aws", "target-account");
        assert.strictEqual(target.inputs.allowedAccountIds, '["232323232323"]');
        assert.strictEqual(target.inputs.assumeRoles, undefined);
    });

    it("refuses two provisioning roles for one account: the account and region has one provider", async () => {
        const e = await evaluateWith("prod", c => {
            targetsOf(c)[0].account = { ...targetsOf(c)[1].account, provisioningRoleArn: "arn:aws:iam::232323232323:role/other" };
        });
        assert.match(e.error?.message ?? "", /targets\[1\]\.account\.provisioningRoleArn: expected the provisioning role targets\[0\]\.account names for account 232323232323/);
    });

    it("looks up an existing repository through the pipeline account instead of creating one", async () => {
        const e = await evaluateWith("prod", c => { c[key("source")] = { repositoryName: "my-service", create: false }; });
        assert.ifError(e.error);
        assert.strictEqual(e.resources.filter(r => r.type === "aws:codecommit/repository:Repository").length, 0);
        // The one request the stack makes for it, through the pipeline account's provider.
        assert.deepEqual(e.invokes.map(i => [i.token, i.account, i.inputs.repositoryName]),
            [["aws:codecommit/getRepository:getRepository", "121212121212", "my-service"]]);
        const pipelinePolicy = JSON.parse(one(e, "aws:iam/rolePolicy:RolePolicy", "pipeline-pipeline-permissions").inputs.policy);
        const source = pipelinePolicy.Statement.find((s: any) => s.Sid === "ArchiveSourceBranch");
        assert.strictEqual(source.Resource, "arn:aws:codecommit:ap-northeast-2:121212121212:my-service");
    });
});
