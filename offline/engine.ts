import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../stacks/config";
import { AccountMocks, MockedInvoke, Placement } from "./mocks";

// Internal to @pulumi/pulumi, and the only way to know that every registration has been answered.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/** The project folder: where Pulumi.yaml is (this file also runs compiled, from dist/offline). */
export const ROOT = (function findRoot(dir: string): string {
    return fs.existsSync(path.join(dir, "Pulumi.yaml")) || dir === path.dirname(dir) ? dir : findRoot(path.dirname(dir));
})(__dirname);
// index.ts under ts-node, index.js when compiled: the program beside this folder either way.
const PROGRAM = path.join(__dirname, "..", "index");

/** A registered resource: what the program asked for, and where it landed. */
export interface Resource extends Partial<Placement> {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent: string;
    inputs: Record<string, any>;
    /** Outputs, as the mocks answered them (inputs included). */
    state: Record<string, any>;
    /** `<provider urn>::<id>`; "" when the resource names none. */
    provider: string;
    /** Package -> provider reference: how components, local or remote, carry their providers. */
    providers: Record<string, string>;
    dependencies: string[];
    /** Input property -> URNs of the resources its value came from (what policies see as propertyDependencies). */
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    /** The `import` option: the id of an existing resource to adopt; "" when the resource is created. */
    importId: string;
}

export interface Evaluation {
    stack: string;
    resources: Resource[];
    invokes: MockedInvoke[];
    outputs: Record<string, unknown>;
    /** What stopped the program, if anything did (a bad config, a missing provider). */
    error?: Error;
}

/** Raw config of a stack: a stack file's `config:` block, structured values as parsed YAML. */
export type RawConfig = Record<string, unknown>;

export function projectName(): string {
    return (yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;
}

export function readStackConfig(stack: string): RawConfig {
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack file ${path.relative(process.cwd(), file)}`);
    }
    return stackFileConfig(path.basename(file), fs.readFileSync(file, "utf8"), projectName());
}

/**
 * A stack file's `config:` block as the Pulumi CLI reads it: an un-namespaced key is the
 * project's (`region` is `<project>:region`), and so is the old `<project>:config:region`.
 * A YAML syntax error, or one key written two ways, names the file and fails like bad config.
 */
export function stackFileConfig(file: string, text: string, project: string): RawConfig {
    let config: RawConfig;
    try {
        config = (yaml.load(text) as { config?: RawConfig } | undefined)?.config ?? {};
    } catch (e) {
        const { reason, mark } = e as yaml.YAMLException;
        throw new ConfigError([`${file}: not valid YAML at line ${mark.line + 1}, column ${mark.column + 1}: ${reason}`]);
    }
    const keys = new Map<string, string>();
    const problems: string[] = [];
    const namespaced: RawConfig = {};
    for (const [written, value] of Object.entries(config)) {
        const [namespace, ...rest] = written.includes(":") ? written.split(":") : [project, written];
        const key = `${namespace}:${rest[0] === "config" && rest.length === 2 ? rest[1] : rest.join(":")}`;
        if (keys.has(key)) {
            problems.push(`${file}: ${key}: expected the key once; found it written as ${keys.get(key)} and as ${written}; ` +
                `for example ${key} alone`);
        }
        keys.set(key, written);
        namespaced[key] = value;
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return namespaced;
}

/** What the Pulumi CLI hands a program: every value a string, structured ones as JSON. */
function asEngineConfig(raw: RawConfig): Record<string, string> {
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

// The Pulumi runtime is one global per process: evaluations take turns.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs the real program (index.ts) in-process under mocks with the given config, and
 * returns every registration with its provider, options and dependencies as the engine
 * would receive them. Never throws for the program's own errors: they come back in `error`.
 */
export function evaluate(stack: string, config: RawConfig = readStackConfig(stack)): Promise<Evaluation> {
    const run = queue.then(() => evaluateNow(stack, config));
    queue = run.catch(() => undefined);
    return run;
}

async function evaluateNow(stack: string, config: RawConfig): Promise<Evaluation> {
    const project = projectName();
    pulumi.runtime.setAllConfig(asEngineConfig(config));
    const mocks = new AccountMocks();
    await pulumi.runtime.setMocks(mocks, project, stack, false);

    // Resource options and providers maps never reach the mocks; read them off the requests.
    const requests = new Map<string, Omit<Resource, "inputs" | "state" | "account" | "region">>();
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) =>
        register(req, (err: any, res: any) => {
            if (!err) {
                const providers: Record<string, string> = {};
                req.getProvidersMap().forEach((ref: string, pkg: string) => { providers[pkg] = ref; });
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((deps: any, prop: string) => { propertyDependencies[prop] = deps.getUrnsList(); });
                requests.set(`${req.getType()}::${req.getName()}`, {
                    urn: res.getUrn(), type: req.getType(), name: req.getName(), custom: req.getCustom(),
                    parent: req.getParent(), provider: req.getProvider(), providers,
                    dependencies: req.getDependenciesList(), propertyDependencies, protect: req.getProtect() ?? false,
                    retainOnDelete: req.getRetainondelete() ?? false, ignoreChanges: req.getIgnorechangesList(),
                    importId: req.getImportid(),
                });
            }
            callback(err, res);
        });

    let outputs: Record<string, unknown> = {};
    let error: Error | undefined;
    try {
        delete require.cache[require.resolve(PROGRAM)];
        outputs = await pulumi.runtime.runInPulumiStack(async () => ({ ...require(PROGRAM) })) ?? {};
    } catch (e) {
        error = e as Error;
    }
    await waitForRPCs();

    const resources = [...requests.values()].map(req => {
        const mocked = mocks.resources.find(m => m.type === req.type && m.name === req.name);
        const placement = mocked?.account ? mocked : mocks.placementOf(req.providers["aws"] ?? "");
        return { ...req, inputs: mocked?.inputs ?? {}, state: mocked?.state ?? {}, account: placement?.account, region: placement?.region };
    });
    return { stack, resources, invokes: mocks.invokes, outputs, error };
}

/** The committed stacks: every `Pulumi.<stack>.yaml` beside the program. */
export function committedStacks(): string[] {
    return fs.readdirSync(ROOT).map(f => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s).sort();
}
