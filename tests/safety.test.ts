import { strict as assert } from "assert";
import { projectConfig, stackConfig } from "../offline/access";
import { committedStacks, evaluate, readStackConfig, Resource } from "../offline/engine";
import { ConfigError, MIN_ARTIFACT_RETENTION_DAYS, parseConfig } from "../stacks/config";
import { guardsOf } from "./support/stacks";

/**
 * What holds code, keys, artifacts, images or the record of what was built and ran: it must
 * survive `pulumi destroy` and replacement.
 */
const KEPT_TYPES = [
    "aws:codecommit/repository:Repository",
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
    "aws:ecr/repository:Repository",
    "aws:cloudwatch/logGroup:LogGroup",
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

            it("retains the source repository, the key, the bucket, the image repository and the log groups on delete", () => {
                const kept = resources.filter(r => KEPT_TYPES.includes(r.type));
                // A source through a connection keeps its code at the provider: there is no repository to keep.
                const codeCommit = stackConfig(stack).source.provider === "CodeCommit";
                const types = KEPT_TYPES.filter(t => codeCommit || t !== "aws:codecommit/repository:Repository");
                assert.deepEqual([...new Set(kept.map(r => r.type))].sort(), [...types].sort());
                assert.equal(kept.filter(r => r.type === "aws:cloudwatch/logGroup:LogGroup").length, 2, "build and task logs");
                for (const r of kept) {
                    assert.equal(r.retainOnDelete, true, `${r.type} ${r.name}`);
                }
            });

            it("retains every guard of a kept resource with it (guards found from the registrations)", () => {
                const guards = guardsOf(resources, resources.filter(r => KEPT_TYPES.includes(r.type)));
                // The bucket's six (policy, public access block, ownership, encryption, versioning,
                // lifecycle) and the image repository's two (repository and lifecycle policies).
                assert.equal(guards.length, 8, guards.map(g => g.type).join(", "));
                assert.deepEqual(guards.filter(g => !g.retainOnDelete).map(g => `${g.type} ${g.name}`), []);
            });

            it("retains nothing but kept resources and their guards: not consumers, not names (the key alias)", () => {
                const kept = resources.filter(r => KEPT_TYPES.includes(r.type));
                const allowed = new Set([...kept, ...guardsOf(resources, kept)]);
                assert.deepEqual(resources.filter(r => r.retainOnDelete && !allowed.has(r)).map(r => `${r.type} ${r.name}`), []);
                assert.equal(one(resources, "aws:kms/alias:Alias").retainOnDelete, false);
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
                const retained = resources.filter(r => r.retainOnDelete).map(r => `${r.type} ${r.name}`);
                assert.ok(retained.length >= KEPT_TYPES.length + 8);
                assert.deepEqual(off.filter(r => retained.includes(`${r.type} ${r.name}`)).map(r => r.retainOnDelete),
                    retained.map(() => false));
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
