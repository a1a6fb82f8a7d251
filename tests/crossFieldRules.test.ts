import { strict as assert } from "assert";
import { RawConfig } from "../offline/engine/engine";
import { modelsStack, problemKey, problemsBesideAnother } from "./support/fixtures";

// Rules between keys of a stack file, each at the case that breaks it and the case beside it that
// holds, on a fixture of these tests' own (tests/fixtures/models/Pulumi.apimodels.yaml).

const P = "cross-account-pipeline";
const keys = modelsStack;

/** The problem lines parseConfig reports, [] when it accepts the keys; the same beside another key's problem. */
const problems = (c: RawConfig) => problemsBesideAnother("apimodels", c);

const TOOLING = "123456789012";
const role = (account: string, name = "pulumi-provisioner") => `arn:aws:iam::${account}:role/${name}`;

describe("config: rules between keys", () => {
    it("a target in the pipeline account (a sandbox) uses the pipeline account's provisioning role, or none where it has none", () => {
        const sandbox = (targetRole?: string, pipelineRole?: string) => keys(c => {
            c.allowSameAccount = true;
            c.pipelineAccount = { accountId: TOOLING, ...pipelineRole ? { provisioningRoleArn: pipelineRole } : {} };
            c.targets[0].account = { accountId: TOOLING, ...targetRole ? { provisioningRoleArn: targetRole } : {} };
            c.targets[0].create.certificateArn = c.targets[0].create.certificateArn.replace(/:\d{12}:/, `:${TOOLING}:`);
        });
        assert.deepEqual(problems(sandbox(role(TOOLING), role(TOOLING))), []);
        assert.deepEqual(problems(sandbox()), []);
        const [differs] = problems(sandbox(role(TOOLING, "another"), role(TOOLING)));
        assert.match(differs, /targets\[0\]\.account\.provisioningRoleArn: expected the provisioning role pipelineAccount names for account 123456789012/);
        assert.equal(problems(sandbox(undefined, role(TOOLING))).length, 1, "a sandbox target leaving out the pipeline account's role");
    });

    it("two targets in one account name one provisioning role: both the same, or both none", () => {
        const shared = (first?: string, second?: string) => keys(c => {
            const account = c.targets[0].account.accountId;
            c.targets[0].account = { accountId: account, ...first ? { provisioningRoleArn: first } : {} };
            c.targets[1].account = { accountId: account, ...second ? { provisioningRoleArn: second } : {} };
            c.targets[1].existing.taskRoleArn = role(account, "shop-task");
            c.targets[1].existing.executionRoleArn = role(account, "shop-task-execution");
        });
        const account = (keys(() => undefined)[`${P}:targets`] as any[])[0].account.accountId;
        assert.deepEqual(problems(shared(role(account), role(account))), []);
        assert.deepEqual(problems(shared()), []);
        for (const [first, second] of [[role(account), undefined], [undefined, role(account)], [role(account), role(account, "other")]]) {
            const found = problems(shared(first, second));
            assert.equal(found.length, 1, `${first} / ${second}: ${found}`);
            assert.match(found[0], /targets\[1\]\.account\.provisioningRoleArn: expected the provisioning role targets\[0\]\.account names/);
        }
    });

    it("two targets in one account naming two roles, without a pipelineAccount: both problems", () => {
        const found = problems(keys(c => {
            delete c.pipelineAccount;
            const account = c.targets[0].account.accountId;
            c.targets[0].account = { accountId: account, provisioningRoleArn: role(account) };
            c.targets[1].account = { accountId: account, provisioningRoleArn: role(account, "other") };
            c.targets[1].existing.taskRoleArn = role(account, "shop-task");
            c.targets[1].existing.executionRoleArn = role(account, "shop-task-execution");
        }));
        assert.deepEqual(found.map(problemKey), ["pipelineAccount.accountId", "targets[1].account.provisioningRoleArn"]);
    });

    it("an existing target's task and execution roles are in its own account", () => {
        for (const field of ["taskRoleArn", "executionRoleArn"]) {
            const elsewhere = keys(c => { c.targets[1].existing[field] = role(TOOLING, "shop-task"); });
            const found = problems(elsewhere);
            assert.equal(found.length, 1, field);
            assert.match(found[0], new RegExp(`targets\\[1\\]\\.existing\\.${field}: expected a role in the target account 310987654321`));
        }
    });
});
