import { strict as assert } from "assert";
import { projectConfig, stackConfig } from "../offline/access";
import { committedStacks, evaluate, readStackConfig, Resource } from "../offline/engine";
import { ConfigError, MIN_ARTIFACT_RETENTION_DAYS, parseConfig } from "../stacks/config";

/** What holds code, keys or artifacts: it must survive `pulumi destroy` and replacement. */
const KEPT_TYPES = [
    "aws:codecommit/repository:Repository",
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
    "aws:ecr/repository:Repository",
];
const MANUAL_APPROVAL_MAX_DAYS = 7;

const ofType = (resources: Resource[], type: string) => resources.filter(r => r.type === type);
const one = (resources: Resource[], type: string) => {
    const found = ofType(resources, type);
    assert.equal(found.length, 1, `one ${type}`);
    return found[0];
};

describe("safety rails", () => {
    for (const stack of committedStacks()) {
        describe(`stack ${stack}`, () => {
            let resources: Resource[];
            before(async () => {
                resources = (await evaluate(stack)).resources;
            });

            it("retains the source repository, the key, the bucket and the image repository on delete", () => {
                const kept = resources.filter(r => KEPT_TYPES.includes(r.type));
                assert.deepEqual(kept.map(r => r.type).sort(), [...KEPT_TYPES].sort());
                for (const r of kept) {
                    assert.equal(r.retainOnDelete, true, `${r.type} ${r.name}`);
                }
            });

            it("gives the key the longest deletion window and force-destroys nothing", () => {
                assert.equal(one(resources, "aws:kms/key:Key").inputs.deletionWindowInDays, 30);
                assert.equal(one(resources, "aws:s3/bucket:Bucket").inputs.forceDestroy, false);
                assert.equal(one(resources, "aws:ecr/repository:Repository").inputs.forceDelete, false);
            });

            it("keeps artifacts longer than a manual approval may wait, as configured", () => {
                const [rule] = one(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
                const days = stackConfig(stack).artifactRetentionDays;
                assert.equal(rule.expiration.days, days);
                assert.equal(rule.noncurrentVersionExpiration.noncurrentDays, days);
                assert.ok(days > MANUAL_APPROVAL_MAX_DAYS);
            });

            it("lets `retainOnDelete: false` turn retention off, and only retention", async () => {
                const raw = { ...readStackConfig(stack), "cross-account-pipeline:retainOnDelete": false };
                const { resources: off, error } = await evaluate(stack, raw);
                assert.equal(error, undefined);
                const kept = off.filter(r => KEPT_TYPES.includes(r.type));
                assert.equal(kept.length, KEPT_TYPES.length);
                for (const r of kept) {
                    assert.equal(r.retainOnDelete, false, `${r.type} ${r.name}`);
                }
                assert.equal(one(off, "aws:kms/key:Key").inputs.deletionWindowInDays, 30);
                assert.equal(one(off, "aws:s3/bucket:Bucket").inputs.forceDestroy, false);
            });
        });
    }

    describe("artifactRetentionDays", () => {
        const raw = (days: unknown): Record<string, unknown> => ({ ...projectConfig("prod"), artifactRetentionDays: days });

        it("refuses fewer days than two back-to-back approvals need", () => {
            assert.ok(MIN_ARTIFACT_RETENTION_DAYS >= 2 * MANUAL_APPROVAL_MAX_DAYS);
            assert.throws(() => parseConfig("cross-account-pipeline", "prod", raw(MIN_ARTIFACT_RETENTION_DAYS - 1)),
                (e: unknown) => e instanceof ConfigError && /artifactRetentionDays: expected a whole number of days from 14/.test(e.message));
            assert.equal(parseConfig("cross-account-pipeline", "prod", raw(MIN_ARTIFACT_RETENTION_DAYS)).artifactRetentionDays, 14);
        });

        it("defaults to retaining", () => {
            const { retainOnDelete, ...rest } = raw(30);
            assert.equal(retainOnDelete, true);
            assert.equal(parseConfig("cross-account-pipeline", "prod", rest).retainOnDelete, true);
        });
    });
});
