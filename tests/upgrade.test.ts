import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { projectKeys } from "../offline/access/access";
import { evaluate, Evaluation, RawConfig, ROOT } from "../offline/engine/engine";
import { convertSingleTarget } from "../stacks/singleTarget";
import { physicalNames } from "./properties/invariants";
import { evaluated } from "./support/stacks";

// The upgrade from the single-target shape (targetAccount, deployTarget, manualApproval) to the
// release path. tests/snapshots/singleTarget.json holds what the single-target program (commit
// 2537ea5: with CodeConnections sources and Security Hub's controls) registered for its two
// committed stacks and for dev with an existing target: each resource's URN, its provider's URN
// and its physical names, with the stack file it ran.

interface Snapshot {
    stack: string;
    config: RawConfig;
    resources: { urn: string; provider: string; names: Record<string, string> }[];
}

const SNAPSHOTS: Record<string, Snapshot> = JSON.parse(fs.readFileSync(path.join(ROOT, "tests/snapshots/singleTarget.json"), "utf8"));
const P = "cross-account-pipeline";

/** What a registration says about a resource's identity: its provider and physical names. */
function identities(e: Evaluation) {
    const names = new Map<string, Record<string, string>>();
    for (const { resource, limit, name } of physicalNames(e.resources)) {
        names.set(resource.urn, { ...names.get(resource.urn), [limit.field]: String(name) });
    }
    const providerOf = (ref: string) => ref.slice(0, Math.max(0, ref.lastIndexOf("::")));
    return new Map(e.resources.map(r => [r.urn, { provider: providerOf(r.custom ? r.provider : r.providers.aws ?? ""), names: names.get(r.urn) ?? {} }]));
}

/** Every resource of the snapshot is registered again with the same URN, provider and physical names. */
function assertKept(snapshot: Snapshot, now: ReturnType<typeof identities>) {
    for (const before of snapshot.resources) {
        assert.deepEqual(now.get(before.urn), { provider: before.provider, names: before.names }, before.urn);
    }
}

for (const [name, snapshot] of Object.entries(SNAPSHOTS)) {
    describe(`upgrading a single-target stack (${name})`, () => {
        const keys = projectKeys(P, snapshot.config);
        const conversion = convertSingleTarget(P, snapshot.stack, keys)!;

        it("refuses the old shape before registering anything, naming each old key and showing the targets block to write", async () => {
            const e = await evaluate(snapshot.stack, snapshot.config);
            assert.ok(e.error, "the old shape was accepted");
            assert.deepEqual(e.resources.map(r => r.type), ["pulumi:pulumi:Stack"]);
            for (const key of ["targetAccount", "deployTarget", "manualApproval"]) {
                assert.match(e.error.message, new RegExp(`Pulumi\\.${snapshot.stack}\\.yaml: ${P}:${key}: expected the targets list`));
            }
            const block = e.error.message.slice(e.error.message.indexOf("\n  " + `${P}:targets:`));
            const [target] = (yaml.load(block) as Record<string, any[]>)[`${P}:targets`];
            const old = keys.manualApproval;
            assert.equal(target.approval, old === undefined ? true : old, "approval where manualApproval (default true) applied");
            assert.equal(target.legacyNames, true);
            assert.deepEqual(target.account, keys.targetAccount);
            assert.deepEqual(Object.keys(keys.deployTarget as object).map(k => target[k]), Object.values(keys.deployTarget as object));
        });

        it("the converted stack keeps every URN, provider and physical name it had, and adds nothing", async () => {
            const others = Object.fromEntries(Object.entries(snapshot.config).filter(([k]) => !k.startsWith(`${P}:`)));
            const converted = { ...others, ...Object.fromEntries(Object.entries(conversion.converted).map(([k, v]) => [`${P}:${k}`, v])) };
            // Aliases, were the program to use any, must claim URNs of this previous deployment (offline/engine/engineRules.ts).
            const e = await evaluate(snapshot.stack, converted, { prior: { stack: snapshot.stack, project: P, urns: snapshot.resources.map(r => r.urn) } });
            assert.ifError(e.error);
            const now = identities(e);
            assertKept(snapshot, now);
            assert.deepEqual([...now.keys()].filter(urn => !snapshot.resources.some(r => r.urn === urn)), [], "new resources");
        });
    });
}

describe("upgrading a single-target stack: the committed stacks and the old defaults", () => {
    it("the committed prod stack, staging put in front of its PROD target, keeps every URN, provider and physical name of the single-target prod", async () => {
        const e = await evaluated("prod");
        assert.ifError(e.error);
        assertKept(SNAPSHOTS.prod, identities(e));
    });

    it("a stack file that left manualApproval out (its default was an approval) converts to a target with approval: true", async () => {
        const { [`${P}:manualApproval`]: _, ...config } = SNAPSHOTS.dev.config;
        const e = await evaluate("dev", config);
        const block = e.error!.message.slice(e.error!.message.indexOf("\n  " + `${P}:targets:`));
        const [target] = (yaml.load(block) as Record<string, any[]>)[`${P}:targets`];
        assert.equal(target.approval, true);
        const [converted] = convertSingleTarget(P, "dev", projectKeys(P, config))!.converted.targets as { approval: boolean }[];
        assert.equal(converted.approval, true);
    });
});
