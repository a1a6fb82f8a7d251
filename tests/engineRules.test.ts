import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { evaluate, RawConfig, stackFileConfig } from "../offline/engine/engine";
import { aliasUrnsOf, engineUrn, matchAliases } from "../offline/engine/engineRules";
import { planOf } from "../offline/report/plan";
import { EngineRuleError } from "../offline/engine/violations";

// The Pulumi engine's registration rules, enforced by the offline engine on every registration
// call (offline/engine/engineRules.ts). Fixtures are this file's own: tests/fixtures/engine-*.yaml and
// planted programs.

const P = "cross-account-pipeline";
const fixture = (file: string): RawConfig =>
    stackFileConfig(file, fs.readFileSync(path.join(__dirname, "fixtures", file), "utf8"), P);
/** The engine-shared-region fixture: both targets and the pipeline in one region. */
const SHARED_REGION = () => fixture("engine-shared-region.yaml");

/** A provider the mocks accept: pinned to an account and a region. */
const provider = (name = "planted") => new aws.Provider(name, { region: "eu-west-2", allowedAccountIds: ["135792468024"] });
const role = (name: string, opts: pulumi.CustomResourceOptions) => new aws.iam.Role(name, {
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
}, opts);

/** A provider of another package than aws. */
class OtherPackageProvider extends pulumi.ProviderResource {
    constructor(name: string) {
        super("tls", name, {});
    }
}

class Planted extends pulumi.ComponentResource {
    constructor(name: string, children: (parent: Planted) => void, opts: pulumi.ComponentResourceOptions = {}, type = "Planted") {
        super(`${P}:test:${type}`, name, {}, opts);
        children(this);
        this.registerOutputs({});
    }
}

/** Runs a planted program on the fixture's config and returns what the engine rules refused. */
async function refused(program: () => void, options: { prior?: Parameters<typeof evaluate>[2] } = {}) {
    const e = await evaluate("planted", SHARED_REGION(), { ...options.prior, program: () => { program(); return {}; } });
    assert.ok(e.error instanceof EngineRuleError, `expected the engine rules to refuse; got ${e.error?.message ?? "no error"}`);
    return e.error.violations;
}

describe("offline engine: the Pulumi engine's registration rules", function () {
    this.timeout(20_000);

    it("computes URNs as the engine does: no parent type under the root stack, the parent's whole type chain below it", async () => {
        const e = await evaluate("planted", SHARED_REGION(), {
            program: () => {
                const p = provider();
                new Planted("outer", outer => { new Planted("inner", inner => { role("deep", { parent: inner, provider: p }); }, { parent: outer }); });
                return {};
            },
        });
        assert.ifError(e.error);
        const urns = e.resources.map(r => r.urn);
        assert.ok(urns.includes(`urn:pulumi:planted::${P}::pulumi:providers:aws::planted`), urns.join("\n"));
        assert.ok(urns.includes(`urn:pulumi:planted::${P}::${P}:test:Planted::outer`));
        assert.ok(urns.includes(`urn:pulumi:planted::${P}::${P}:test:Planted$${P}:test:Planted$aws:iam/role:Role::deep`), urns.join("\n"));
    });

    it("a stack whose targets share the pipeline's region registers each provider once (the engine refused the second pipeline-account)", async () => {
        const e = await evaluate("shared", SHARED_REGION());
        assert.ifError(e.error);
        const providers = e.resources.filter(r => r.type === "pulumi:providers:aws").map(r => r.name);
        assert.deepEqual(providers, [...new Set(providers)]);
        assert.ok(providers.includes("pipeline-account"));
        assert.equal(new Set(e.resources.map(r => r.urn)).size, e.resources.length, "a URN registered twice");
    });

    it("refuses a provider registered twice, naming it and the engine's rule", async () => {
        const violations = await refused(() => { provider("twice"); provider("twice"); });
        assert.deepEqual(violations.map(v => [v.name, v.type, v.property]), [["twice", "pulumi:providers:aws", ""]]);
        assert.match(violations[0].rule, /a URN no other registration has/);
        assert.match(violations[0].source, /step_generator\.go generateURN/);
        assert.match(violations[0].found, /urn:pulumi:planted::cross-account-pipeline::pulumi:providers:aws::twice/);
    });

    it("refuses a resource registered twice under a component, and reports every violation at once", async () => {
        const violations = await refused(() => {
            const p = provider();
            new Planted("twin", parent => { role("same", { parent, provider: p }); role("same", { parent, provider: p }); });
            provider("again");
            provider("again");
        });
        assert.deepEqual(violations.map(v => v.name).sort(), ["again", "same"]);
        assert.match(violations.find(v => v.name === "same")!.found, new RegExp(`${P}:test:Planted\\$aws:iam/role:Role::same`));
    });

    it("refuses a parent, a dependsOn or a property dependency that names no registered resource", async () => {
        const ghost = engineUrn("planted", P, "", "aws:iam/role:Role", "ghost");
        const violations = await refused(() => {
            const p = provider();
            role("orphan", { parent: new pulumi.DependencyResource(ghost), provider: p });
            role("dependent", { dependsOn: [new pulumi.DependencyResource(ghost)], provider: p });
        });
        assert.deepEqual(violations.map(v => [v.name, v.property, v.rule, v.found]), [
            ["orphan", "parent", "a registered parent", ghost], ["dependent", "dependsOn", "a dependency on a registered resource", ghost]]);
        assert.match(violations[0].source, /checkParent/);
        assert.match(violations[1].source, /snapshot\.go VerifyIntegrity/);
    });

    it("refuses a provider reference that is not a registered provider of the resource's package", async () => {
        const violations = await refused(() => {
            const other = new OtherPackageProvider("other-package");
            role("wrong-package", { provider: other as unknown as aws.Provider });
            const ghostRef = `${engineUrn("planted", P, "", "pulumi:providers:aws", "ghost")}::0000`;
            role("unregistered", { provider: new pulumi.DependencyProviderResource(ghostRef) as unknown as aws.Provider });
            // The URN of a registered provider with an id it never had: the reference names another provider.
            const real = provider("real");
            const wrongId = `${engineUrn("planted", P, "", "pulumi:providers:aws", "real")}::not-its-id`;
            role("wrong-id", { provider: new pulumi.DependencyProviderResource(wrongId) as unknown as aws.Provider, dependsOn: [real] });
        });
        assert.deepEqual(violations.map(v => [v.name, v.property, v.rule]).sort(), [
            ["unregistered", "provider", "a registered pulumi:providers:aws provider"],
            ["wrong-id", "provider", "a registered pulumi:providers:aws provider"],
            ["wrong-package", "provider", "a registered pulumi:providers:aws provider"],
        ]);
        assert.match(violations[0].source, /diagnostic 2007.*registry\.go/);
    });

    it("what AWS's APIs would refuse ends the evaluation too, beside the engine's rules, every violation at once", async () => {
        const violations = await refused(() => {
            const p = provider("twice");
            provider("twice");
            role("too-long", { provider: p }).urn.apply(() => undefined);
            new aws.iam.Role("named", { name: `x${"y".repeat(64)}`, assumeRolePolicy: "{}" }, { provider: p });
        });
        assert.deepEqual(violations.map(v => [v.name, v.property]).sort(), [["named", "name"], ["twice", ""]]);
        assert.match(violations.find(v => v.name === "named")!.source, /CreateRoleRequest\.RoleName/);
    });

    it("what the mocks cannot place or answer stops the evaluation, saying what to do: no explicit provider, or a type, remote component or invoke they do not know", async () => {
        const failure = async (program: () => unknown) => (await evaluate("planted", SHARED_REGION(), { program: () => { program(); return {}; } })).error?.message;
        assert.match(await failure(() => new aws.sns.Topic("ambient")) ?? "",
            /aws:sns\/topic:Topic "ambient" has no explicit provider: default AWS providers are disabled, so it would fail to deploy/);
        assert.match(await failure(() => new aws.sqs.Queue("queue", {}, { provider: provider() })) ?? "",
            /the offline engine has no outputs for aws:sqs\/queue:Queue: add them to offline\/engine\/mocks\.ts/);
        assert.match(await failure(() => new pulumi.ComponentResource("other:index:Widget", "widget", {}, {}, true)) ?? "",
            /the offline engine has no outputs for the remote component other:index:Widget: add them to offline\/engine\/mocks\.ts/);
        assert.match(await failure(() => aws.sqs.getQueue({ name: "queue" }, { provider: provider() })) ?? "",
            /the offline engine does not know the invoke aws:sqs\/getQueue:getQueue: add it to offline\/engine\/mocks\.ts/);
        assert.match(await failure(() => aws.codecommit.getRepository({ repositoryName: "shop" })) ?? "",
            /invoke aws:codecommit\/getRepository:getRepository has no explicit provider: default AWS providers are disabled/);
        assert.match(await failure(() => new aws.Provider("loose", { region: "eu-west-2" })) ?? "", /provider loose must pin allowedAccountIds and region/);
    });

    it("npm run plan's result: exit 1, every violation in the text, no stack trace", async () => {
        const e = await evaluate("planted", SHARED_REGION(), { program: () => { provider("twice"); provider("twice"); new aws.Provider("twice", { region: "eu-west-2", allowedAccountIds: ["135792468024"] }); return {}; } });
        const plan = await planOf(e);
        assert.equal(plan.exitCode, 1);
        assert.equal(plan.text.match(/twice \(pulumi:providers:aws\): expected a URN no other registration has/g)?.length, 2, plan.text);
        assert.doesNotMatch(plan.text, /\n\s+at /);
    });
});

describe("offline engine: aliases as the engine reads them, against a previous deployment", function () {
    this.timeout(20_000);
    const urn = (qualifiedType: string, name: string) => `urn:pulumi:planted::${P}::${qualifiedType}::${name}`;
    const ROLE = "aws:iam/role:Role";
    const HOME = `${P}:test:Planted`;
    const SHELTER = `${P}:test:Shelter`;
    const previous = (urns: string[]) => ({ stack: "planted", project: P, urns: [urn("pulumi:providers:aws", "planted"), ...urns] });

    /** Evaluates a planted program against a previous deployment: the old URN each resource takes over, or the violations. */
    async function against(urns: string[], program: () => void) {
        const prior = previous(urns);
        const e = await evaluate("planted", SHARED_REGION(), { prior, program: () => { program(); return {}; } });
        const violations = e.error instanceof EngineRuleError ? e.error.violations : [];
        assert.ok(!e.error || violations.length > 0, e.error?.message);
        const renamed = matchAliases(e.resources, prior).renamed;
        return { violations, renamed: Object.fromEntries([...renamed].map(([now, old]) => [now.split("::").pop(), old])) };
    }

    it("a rename, a move out of a component, a move between components and a rename under one each take over their old URN", async () => {
        const { violations, renamed } = await against(
            [urn(ROLE, "old-name"), urn(ROLE, "moved-out"), urn(HOME, "home"), urn(`${HOME}$${ROLE}`, "moved-across"), urn(`${SHELTER}$${ROLE}`, "was-called")],
            () => {
                const p = provider();
                role("new-name", { provider: p, aliases: [{ name: "old-name" }] });
                const home = new Planted("home", () => undefined);
                new Planted("shelter", parent => {
                    role("moved-out", { parent, provider: p, aliases: [{ parent: undefined }] });
                    role("moved-across", { parent, provider: p, aliases: [{ parent: home }] });
                    role("now-called", { parent, provider: p, aliases: [{ name: "was-called" }] });
                }, {}, "Shelter");
            });
        assert.deepEqual(violations, []);
        assert.deepEqual(renamed, {
            "new-name": urn(ROLE, "old-name"), "moved-out": urn(ROLE, "moved-out"),
            "moved-across": urn(`${HOME}$${ROLE}`, "moved-across"), "now-called": urn(`${SHELTER}$${ROLE}`, "was-called"),
        });
    });

    it("a whole URN as an alias, and a component's rename carrying its children named after it (the engine's inherited alias)", async () => {
        const { violations, renamed } = await against([urn(ROLE, "by-urn"), urn(HOME, "house"), urn(`${HOME}$${ROLE}`, "house-role")], () => {
            const p = provider();
            role("renamed-by-urn", { provider: p, aliases: [urn(ROLE, "by-urn")] });
            new Planted("home", parent => { role("home-role", { parent, provider: p }); }, { aliases: [{ name: "house" }] });
        });
        assert.deepEqual(violations, []);
        assert.deepEqual(renamed, { "renamed-by-urn": urn(ROLE, "by-urn"), home: urn(HOME, "house"), "home-role": urn(`${HOME}$${ROLE}`, "house-role") });
    });

    it("a component whose type changed (an alias to its old type) carries its child's own alias under its old URN", async () => {
        const { violations, renamed } = await against([urn(HOME, "home"), urn(`${HOME}$${ROLE}`, "was-called")], () => {
            const p = provider();
            new Planted("home", parent => { role("now-called", { parent, provider: p, aliases: [{ name: "was-called" }] }); },
                { aliases: [{ type: HOME }] }, "Shelter");
        });
        assert.deepEqual(violations, []);
        assert.deepEqual(renamed, { home: urn(HOME, "home"), "now-called": urn(`${HOME}$${ROLE}`, "was-called") });
    });

    it("names every URN a resource may have had, for a diff against an earlier plan: the parent's old URNs carry the child's", async () => {
        const e = await evaluate("planted", SHARED_REGION(), {
            program: () => {
                const p = provider();
                new Planted("home", parent => {
                    role("home-role", { parent, provider: p });
                    role("now-called", { parent, provider: p, aliases: [{ name: "was-called" }] });
                }, { aliases: [{ name: "house" }] });
                new Planted("moved", parent => { role("now-named", { parent, provider: p, aliases: [{ name: "was-named" }] }); }, { aliases: [{ type: HOME }] }, "Shelter");
                new Planted("my::flat", parent => new Planted("my::flat-part", () => undefined, { parent }), { aliases: [{ name: "my::room" }] });
                return {};
            },
        });
        assert.ifError(e.error);
        const aliases = aliasUrnsOf(e.resources, "planted", P);
        const of = (name: string) => aliases.get(e.resources.find(r => r.name === name)!.urn);
        assert.deepEqual(of("home"), [urn(HOME, "house")]);
        assert.deepEqual(of("home-role"), [urn(`${HOME}$${ROLE}`, "house-role")]);
        // Its own alias, and its name under the parent's old URN (the parents' types are alike: its URN as it is).
        assert.deepEqual([...of("now-called")!].sort(), [urn(`${HOME}$${ROLE}`, "now-called"), urn(`${HOME}$${ROLE}`, "was-called")]);
        // A parent whose type changed: the child's own alias under the parent's old URN as well as under its new one.
        assert.deepEqual([...of("now-named")!].sort(), [urn(`${HOME}$${ROLE}`, "now-named"), urn(`${HOME}$${ROLE}`, "was-named"), urn(`${SHELTER}$${ROLE}`, "was-named")]);
        // A name may hold "::" (a URN's name is all that follows its third "::"): the child named after its parent is renamed with it.
        assert.deepEqual(of("my::flat-part"), [urn(`${HOME}$${HOME}`, "my::room-part")]);
    });

    it("refuses an alias of the program that names nothing of the previous deployment (the resource would be replaced); the package's own type aliases may", async () => {
        const { violations } = await against([], () => {
            const p = provider();
            role("new-name", { provider: p, aliases: [{ name: "never-was" }] });
            new Planted("home", parent => { role("moved", { parent, provider: p, aliases: [{ parent: undefined }] }); });
            role("retyped", { provider: p, aliases: [{ type: "aws:iam/roleV2:RoleV2" }] });
            const home = new Planted("home2", () => undefined);
            new Planted("shelter", parent => { role("moved-across", { parent, provider: p, aliases: [{ parent: home }] }); }, {}, "Shelter");
        });
        assert.deepEqual(violations.map(v => [v.name, v.property, v.rule, v.found]).sort(), [
            ["moved", "aliases", "an alias that names a resource of the previous deployment", urn(ROLE, "moved")],
            ["moved-across", "aliases", "an alias that names a resource of the previous deployment", urn(`${HOME}$${ROLE}`, "moved-across")],
            ["new-name", "aliases", "an alias that names a resource of the previous deployment", urn(ROLE, "never-was")],
        ]);
        assert.match(violations[0].source, /step_generator\.go/);
    });

    it("refuses two resources claiming one old URN and an alias to a URN a resource still has; a resource that keeps its own URN takes no alias", async () => {
        const { violations, renamed } = await against([urn(ROLE, "old"), urn(ROLE, "kept"), urn(ROLE, "stays")], () => {
            const p = provider();
            role("first", { provider: p, aliases: [{ name: "old" }] });
            role("second", { provider: p, aliases: [{ name: "old" }] });
            role("kept", { provider: p });
            role("thief", { provider: p, aliases: [{ name: "kept" }] });
            role("stays", { provider: p, aliases: [{ name: "kept" }] });
        });
        assert.deepEqual(violations.map(v => [v.name, v.rule]), [
            ["second", "an old URN no other resource claims"], ["thief", "an alias no registered resource has as its URN"]]);
        assert.match(violations[0].found, /claimed by first too/);
        assert.equal(violations[1].found, `${urn(ROLE, "kept")}, which another resource of this deployment has`);
        assert.equal(renamed.stays, undefined);
    });
});
