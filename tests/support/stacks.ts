import * as aws from "@pulumi/aws";
import { Evaluation, evaluate, RawConfig, readStackConfig, Resource } from "../../offline/engine/engine";
import { Plan, planOf } from "../../offline/report/plan";
import { FIXTURES, stacksIn } from "../../offline/engine/root";

export { FIXTURES };

/** The tests' example stacks (tests/fixtures): the program is tested through these, never through the project's stack files. */
export const FIXTURE_STACKS = stacksIn(FIXTURES);

/** A fixture's config, as the Pulumi CLI would read the file. */
export const fixture = (stack: string): RawConfig => readStackConfig(stack, FIXTURES);

/** A config key of this project, as it appears in a stack file. */
export const key = (name: string) => `cross-account-pipeline:${name}`;

/** A structured block of the project's config, as the stack file has it. */
export function block<T = any>(config: RawConfig, name: string): T {
    return config[key(name)] as T;
}

/** A stack file's targets (the `targets` list), to read or change. */
export const targetsOf = (config: RawConfig): any[] => block(config, "targets");

/** The existing target of the walkthrough's case, as dev's one target names it. */
export const EXISTING_TARGET = {
    applicationName: "legacy-service",
    deploymentGroupName: "legacy-service-staging",
    taskRoleArn: "arn:aws:iam::454545454545:role/legacy-task",
    executionRoleArn: "arn:aws:iam::454545454545:role/legacy-task-execution",
    taskFamily: "legacy-service",
    containerName: "web",
    containerPort: 3000,
};

/** EXISTING_TARGET with its roles in another account (an existing target's roles are its own account's). */
export const existingTargetIn = (accountId: string) => ({ ...EXISTING_TARGET,
    taskRoleArn: `arn:aws:iam::${accountId}:role/legacy-task`, executionRoleArn: `arn:aws:iam::${accountId}:role/legacy-task-execution` });

/** dev's config, pointed at an existing target (the walkthrough's case) instead of a created one. */
export function existingTargetConfig(): RawConfig {
    const config = structuredClone(fixture("dev"));
    const [target] = targetsOf(config);
    delete target.create;
    target.existing = EXISTING_TARGET;
    return config;
}

/** A VPC the user already has, for a created target's `network`: its ids, public and private subnets. */
export const EXISTING_VPC = {
    vpcId: "vpc-0123456789abcdef0",
    publicSubnetIds: ["subnet-0a0a0a0a0a0a0a0a0", "subnet-0b0b0b0b0b0b0b0b0"],
    privateSubnetIds: ["subnet-0c0c0c0c0c0c0c0c0", "subnet-0d0d0d0d0d0d0d0d0"],
};

/**
 * prod's release path grown to what the committed stacks do not show: staging in its account,
 * then a wave of PROD in two regions of one account (a shared account, a second region, an
 * artifact store there), one created and one existing target in the wave; notifications to Slack as well.
 */
export function releasePathConfig(): RawConfig {
    const config = structuredClone(fixture("prod"));
    const [staging, prod] = targetsOf(config);
    config[key("targets")] = [staging, { ...prod, wave: "prod" }, {
        name: "prod-eu", wave: "prod", account: prod.account, region: "eu-west-1",
        create: { serviceName: "my-service-eu", desiredCount: 2, testCidrs: ["198.51.100.0/24"] },
        check: { path: "/health" },
    }, {
        name: "partner", wave: "prod", account: { accountId: "666666666666" }, region: "eu-west-1",
        existing: existingTargetIn("666666666666"),
    }];
    // A Slack channel too: its configuration is made in us-east-2, where AWS Chatbot's API runs (ap-northeast-2 has none).
    config[key("notifications")] = { ...block<object>(config, "notifications"), slack: { workspaceId: "T0123456789", channelId: "C0123456789" } };
    return config;
}

/**
 * Shared evaluations under `npm run mutate` (StrykerJS): its first run, which records which tests
 * reach which code, shares nothing, so every test that reads an evaluation is known to cover what
 * the evaluation ran; each mutant after it is another program, sharing evaluations with no other.
 */
let sharedFor: string | undefined;
/** Counts the mutants seen: a value made under an earlier one is made again. */
let generation = 0;
function sharing(): boolean {
    const stryker = (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__;
    if (stryker?.activeMutant !== sharedFor) {
        sharedFor = stryker?.activeMutant;
        generation++;
    }
    return !stryker || stryker.activeMutant !== undefined;
}

/**
 * Values the tests share by key (a stack's evaluation, its plan), made once per test process: made
 * again under each mutant of a mutation run, and for each test of its first run. A value kept in a
 * plain variable would be the one made under the first mutant.
 */
function sharedBy<T>(make: (key: string) => T): (key: string) => T {
    const made = new Map<string, T>();
    let madeIn = generation;
    return key => {
        if (!sharing()) {
            return make(key);
        }
        if (madeIn !== generation) {
            made.clear();
            madeIn = generation;
        }
        if (!made.has(key)) {
            made.set(key, make(key));
        }
        return made.get(key)!;
    };
}

/** A value the tests of one file share (a describe block's plan, a generated document), as `sharedBy` shares its values. */
export function sharedValue<T>(make: () => T): () => T {
    const one = sharedBy(make);
    return () => one("");
}

/** The stacks tests share besides the fixtures. */
export const VARIANTS: Record<string, () => [string, RawConfig]> = {
    existing: () => ["dev", existingTargetConfig()],
    path: () => ["prod", releasePathConfig()],
};

/** A fixture stack (or a variant: "existing", dev with an existing target; "path", prod's grown release path), evaluated once per test process. */
export const evaluated: (name: string) => Promise<Evaluation> = sharedBy(name =>
    name in VARIANTS ? evaluate(...VARIANTS[name]()) : evaluate(name, fixture(name)));

/** The plan of a stack `evaluated` knows, computed once per test process. */
export const planned: (name: string) => Promise<Plan> = sharedBy(name => evaluated(name).then(planOf));

/** A program of a test's own, with dev's config: a provider pinned to one account and region, and what `plant` registers with it. */
export function planted(plant: (provider: aws.Provider) => void): Promise<Evaluation> {
    return evaluate("dev", fixture("dev"), {
        program: () => {
            plant(new aws.Provider("planted", { region: "eu-west-1", allowedAccountIds: ["121212121212"] }));
            return {};
        },
    });
}

/** A fixture's config with a change, evaluated afresh. */
export function evaluateWith(stack: string, change: (config: RawConfig) => void): Promise<Evaluation> {
    const config = structuredClone(fixture(stack));
    change(config);
    return evaluate(stack, config);
}

/** The one registered resource of a type (and logical name, when the type has several). */
export function one(e: Evaluation, type: string, name?: string): Resource {
    const found = e.resources.filter(r => r.type === type && (name === undefined || r.name === name));
    if (found.length !== 1) {
        throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    }
    return found[0];
}

export const all = (e: Evaluation, type: string) => e.resources.filter(r => r.type === type);

/** Every resource below a component, at any depth. */
export function descendants(e: Evaluation, root: Resource): Resource[] {
    const below = new Set([root.urn]);
    let grew = true;
    while (grew) {
        grew = false;
        for (const r of e.resources) {
            if (!below.has(r.urn) && below.has(r.parent)) {
                below.add(r.urn);
                grew = true;
            }
        }
    }
    return e.resources.filter(r => r.urn !== root.urn && below.has(r.urn));
}

/** A policy document as registered (JSON text), secrets unwrapped. */
export function policyOf(r: Resource, field = "policy"): { Statement: any[] } {
    let value = r.inputs[field];
    if (value && typeof value === "object" && "4dabf18193072939515e22adb298388d" in value) {
        value = value.value;
    }
    return JSON.parse(value);
}

/** The inputs by which a resource names the resource it configures: a bucket's or a repository's guards. */
const IDENTITY_INPUTS = ["bucket", "repository"];

/**
 * The guards of kept resources, found from the registrations alone: every resource whose
 * identity input names a kept resource (by its bucket or repository name). A guard added later is found too.
 */
export function guardsOf(resources: Resource[], kept: Resource[]): Resource[] {
    const names = new Set(kept.flatMap(k => [k.state.bucket, k.state.name]).filter(Boolean));
    return resources.filter(r => r.custom && IDENTITY_INPUTS.some(input => names.has(r.inputs[input])));
}

export { asList } from "../../offline/access/policies";

/** The lines of the part of a plan's text that starts with `title` (its parts are separated by an empty line); [] when it has none. */
export const planPart = (text: string, title: string): string[] => text.split("\n\n").find(p => p.startsWith(title))?.split("\n") ?? [];
