// Derived defaults instead of errors where the program knows the answer, and every problem of a
// stack file in one run (derived ones too, whenever the keys they are computed from are valid).
import { strict as assert } from "assert";
import { projectKeys } from "../offline/access/access";
import { evaluate, projectName, RawConfig } from "../offline/engine/engine";
import { scaledPath } from "../offline/engine/scale";
import { DEPLOYMENT_GRACE_DAYS } from "../components/ImageRepository";
import { minimumArtifactRetentionDays } from "../stacks/config/releasePath";
import { parseConfig } from "../stacks/validation/parse";
import { fixtureConfig, problemsOf } from "./support/fixtures";
import { all, key, one } from "./support/stacks";

const FIXTURE = "release-path-https";

/** The fixture grown to `n` targets in waves (offline/engine/scale.ts), its approvals waiting 7 days, without artifactRetentionDays. */
function grown(n: number, keys: RawConfig = {}): RawConfig {
    const raw: RawConfig = { ...scaledPath(fixtureConfig(FIXTURE), n), [key("approvalTimeoutMinutes")]: 10080 };
    delete raw[key("artifactRetentionDays")];
    return { ...raw, ...keys };
}

const problems = (raw: RawConfig) => problemsOf(FIXTURE, raw);

describe("artifactRetentionDays, derived when absent", () => {
    it("is 30 days where a stage rollback needs less", () => {
        const raw = fixtureConfig(FIXTURE);
        delete raw[key("artifactRetentionDays")];
        const config = parseConfig(projectName(), FIXTURE, projectKeys(projectName(), raw));
        assert.ok(minimumArtifactRetentionDays(config) < 30);
        assert.equal(config.artifactRetentionDays, 30);
    });

    it("is what a stage rollback needs where that is more, and the stores and image lifecycle are registered with it", async () => {
        const raw = grown(20);
        const config = parseConfig(projectName(), FIXTURE, projectKeys(projectName(), raw));
        const minimum = minimumArtifactRetentionDays(config);
        assert.ok(minimum > 30, `${minimum}`);
        assert.equal(config.artifactRetentionDays, minimum);
        const e = await evaluate(FIXTURE, raw);
        assert.equal(e.error?.message, undefined);
        const stores = all(e, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").filter(r => r.name.startsWith("artifacts"));
        assert.ok(stores.length > 1);
        assert.deepEqual(stores.map(r => r.inputs.rules[0].expiration.days), stores.map(() => minimum));
        const rules = JSON.parse(one(e, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy).rules as any[];
        assert.equal(rules.find(r => r.selection.countType === "sinceImagePushed").selection.countNumber, minimum + DEPLOYMENT_GRACE_DAYS);
    });

    it("stays an error when given below what a rollback needs, naming the minimum", () => {
        const config = parseConfig(projectName(), FIXTURE, projectKeys(projectName(), grown(20)));
        const minimum = config.artifactRetentionDays;
        const found = problems(grown(20, { [key("artifactRetentionDays")]: minimum - 1 }));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], new RegExp(`artifactRetentionDays: expected at least ${minimum} days: .*; found number ${minimum - 1}; for example ${minimum}$`));
        assert.deepEqual(problems(grown(20, { [key("artifactRetentionDays")]: minimum })), []);
    });
});

describe("every problem of a stack file in one run", () => {
    it("a policy that would outgrow its limit is reported beside an unrelated mistake, not after it is fixed", () => {
        const found = problems(grown(130, { [key("retainOnDelete")]: "maybe", [key("artifactRetentionDays")]: 3650 }));
        assert.ok(found.some(p => /retainOnDelete: expected true or false; found the string "maybe"/.test(p)), found.join("\n"));
        assert.ok(found.some(p => /grants: expected policies within AWS's size limits: the .* would have \d+ characters/.test(p)), found.join("\n"));
    });

    it("and a derived minimum beside it, computed from valid keys", () => {
        const found = problems(grown(20, { [key("retainOnDelete")]: "maybe", [key("artifactRetentionDays")]: 2 }));
        assert.deepEqual(found.map(p => /cross-account-pipeline:(\w+):/.exec(p)![1]).sort(), ["artifactRetentionDays", "retainOnDelete"]);
    });
});
