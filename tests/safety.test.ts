import { strict as assert } from "assert";
import { projectConfig, stackConfig } from "../offline/access/access";
import { evaluate, Resource } from "../offline/engine/engine";
import { StackConfig } from "../stacks/config/stackConfig";
import { parseConfig } from "../stacks/validation/parse";
import { stackNames } from "../stacks/names";
import { checkBucketVersions } from "./properties/invariants";
import { evaluated, guardsOf, fixture, FIXTURE_STACKS, FIXTURES } from "./support/stacks";

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
const BUCKET_GUARDS = ["BucketLifecycleConfiguration", "BucketOwnershipControls", "BucketPolicy", "BucketPublicAccessBlock",
    "BucketServerSideEncryptionConfiguration", "BucketVersioning"].map(t => `aws:s3/${t[0].toLowerCase()}${t.slice(1)}:${t}`);
/** What guards each kind of kept resource that has guards: what must be kept with it. */
const GUARDS: Record<string, string[]> = {
    "aws:s3/bucket:Bucket": BUCKET_GUARDS.sort(),
    "aws:ecr/repository:Repository": ["aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecr/repositoryPolicy:RepositoryPolicy"],
};

/** The created targets, with the logical name their resources' names start with. */
const createdTargets = (config: StackConfig) => config.targets.flatMap((t, i) => t.create ? [{ ...t, create: t.create, logical: stackNames(config).targets[i].logical.target }] : []);
const ofType = (resources: Resource[], type: string) => resources.filter(r => r.type === type);
const named = (resources: Resource[], type: string, name: string) => {
    const found = ofType(resources, type).filter(r => r.name === name);
    assert.equal(found.length, 1, `one ${type} ${name}`);
    return found[0];
};
const one = (resources: Resource[], type: string) => {
    const found = ofType(resources, type);
    assert.equal(found.length, 1, `one ${type}`);
    return found[0];
};

describe("safety rails", () => {
    for (const stack of FIXTURE_STACKS) {
        describe(`stack ${stack}`, () => {
            let resources: Resource[];
            before(async () => {
                resources = (await evaluated(stack)).resources;
            });

            it("retains the source repository, the key, the buckets, the image repository and the log groups on delete", () => {
                const kept = resources.filter(r => KEPT_TYPES.includes(r.type));
                // A source through a connection keeps its code at the provider: there is no repository to keep.
                const config = stackConfig(stack, FIXTURES);
                const codeCommit = config.source.provider === "CodeCommit";
                const types = KEPT_TYPES.filter(t => codeCommit || t !== "aws:codecommit/repository:Repository");
                assert.deepEqual([...new Set(kept.map(r => r.type))].sort(), [...types].sort());
                const created = createdTargets(config);
                assert.equal(kept.filter(r => r.type === "aws:cloudwatch/logGroup:LogGroup").length, 1 + created.length, "build logs and each created target's");
                // Each region's artifact store, and each created target's network logs.
                const stores = new Set([config.region, ...config.targets.map(t => t.region)]).size;
                assert.deepEqual(ofType(kept, "aws:s3/bucket:Bucket").map(b => b.name).filter(n => !n.startsWith("artifacts")).sort(),
                    created.map(t => `${t.logical}-network-logs-bucket`).sort());
                assert.equal(ofType(kept, "aws:s3/bucket:Bucket").length, stores + created.length);
                for (const r of kept) {
                    assert.equal(r.retainOnDelete, true, `${r.type} ${r.name}`);
                }
            });

            it("retains every guard of a kept resource with it (guards found from the registrations)", () => {
                const kept = resources.filter(r => KEPT_TYPES.includes(r.type));
                // Each bucket's six (policy, public access block, ownership, encryption, versioning,
                // lifecycle) and the image repository's two (repository and lifecycle policies).
                for (const r of kept.filter(k => GUARDS[k.type])) {
                    assert.deepEqual(guardsOf(resources, [r]).map(g => g.type).sort(), GUARDS[r.type], `${r.type} ${r.name}`);
                }
                const guards = guardsOf(resources, kept);
                assert.deepEqual(guards.filter(g => !g.retainOnDelete).map(g => `${g.type} ${g.name}`), []);
            });

            it("retains nothing but kept resources and their guards: not consumers, not names (the key alias)", () => {
                const kept = resources.filter(r => KEPT_TYPES.includes(r.type));
                const allowed = new Set([...kept, ...guardsOf(resources, kept)]);
                assert.deepEqual(resources.filter(r => r.retainOnDelete && !allowed.has(r)).map(r => `${r.type} ${r.name}`), []);
                assert.deepEqual(ofType(resources, "aws:kms/alias:Alias").map(a => a.retainOnDelete), ofType(resources, "aws:kms/alias:Alias").map(() => false));
            });

            it("keeps every version of what a bucket holds for its expiry, and ends incomplete uploads after 7 days", () => {
                checkBucketVersions(resources);
            });

            it("gives the key the longest deletion window and force-destroys nothing", () => {
                assert.deepEqual(ofType(resources, "aws:kms/key:Key").map(k => k.inputs.deletionWindowInDays), ofType(resources, "aws:kms/key:Key").map(() => 30));
                assert.deepEqual(ofType(resources, "aws:s3/bucket:Bucket").map(b => b.inputs.forceDestroy), ofType(resources, "aws:s3/bucket:Bucket").map(() => false));
                assert.equal(one(resources, "aws:ecr/repository:Repository").inputs.forceDelete, false);
            });

            it("keeps artifacts and network logs as long as configured (what a rollback needs of artifacts: rollback.test.ts)", () => {
                const config = stackConfig(stack, FIXTURES);
                const expiry = (name: string) => named(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name).inputs.rules;
                const [artifacts] = expiry("artifacts-lifecycle");
                assert.equal(artifacts.expiration.days, config.artifactRetentionDays);
                assert.equal(artifacts.noncurrentVersionExpiration.noncurrentDays, config.artifactRetentionDays);
                for (const t of createdTargets(config)) {
                    const [logs] = expiry(`${t.logical}-network-logs-lifecycle`);
                    assert.equal(logs.expiration.days, t.create.networkLogRetentionDays);
                    assert.equal(logs.noncurrentVersionExpiration.noncurrentDays, t.create.networkLogRetentionDays);
                }
            });

            it("protects a production target's load balancer from `pulumi destroy` (Pulumi's protect) and from deletion (AWS's), a staging one from neither", () => {
                const balancers = createdTargets(stackConfig(stack, FIXTURES)).map(t => {
                    const lb = named(resources, "aws:lb/loadBalancer:LoadBalancer", `${t.logical}-alb`);
                    assert.equal(lb.protect, t.create.deletionProtection);
                    assert.equal(lb.inputs.enableDeletionProtection, t.create.deletionProtection);
                    return lb;
                });
                // Nothing else is protected: a destroy stops at a load balancer before it deletes anything, or not at all.
                assert.deepEqual(resources.filter(r => r.protect && !balancers.includes(r)).map(r => `${r.type} ${r.name}`), []);
            });

            it("lets `retainOnDelete: false` turn retention off, and only retention", async () => {
                const raw = { ...fixture(stack), "cross-account-pipeline:retainOnDelete": false };
                const { resources: off, error } = await evaluate(stack, raw);
                assert.equal(error, undefined);
                const retained = resources.filter(r => r.retainOnDelete).map(r => `${r.type} ${r.name}`);
                assert.ok(retained.length >= KEPT_TYPES.length + 14);
                assert.deepEqual(off.filter(r => retained.includes(`${r.type} ${r.name}`)).map(r => r.retainOnDelete),
                    retained.map(() => false));
                assert.deepEqual(ofType(off, "aws:kms/key:Key").map(k => k.inputs.deletionWindowInDays), ofType(off, "aws:kms/key:Key").map(() => 30));
                assert.deepEqual(ofType(off, "aws:s3/bucket:Bucket").map(b => b.inputs.forceDestroy), ofType(off, "aws:s3/bucket:Bucket").map(() => false));
            });
        });
    }

    describe("retainOnDelete", () => {
        const raw = (days: unknown): Record<string, unknown> => ({ ...projectConfig("prod", FIXTURES), artifactRetentionDays: days });

        it("defaults to retaining", () => {
            const { retainOnDelete, ...rest } = raw(30);
            assert.equal(retainOnDelete, true);
            assert.equal(parseConfig("cross-account-pipeline", "prod", rest).retainOnDelete, true);
        });
    });
});
