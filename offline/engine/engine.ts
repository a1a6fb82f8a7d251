import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../stacks/config/issues";
import { apiViolations } from "./apiRules";
import { AliasSpec, engineUrn, engineViolations, PriorState } from "./engineRules";
import { AccountMocks, MockedInvoke, MockedResource } from "./mocks";
import { Resource } from "./resource";
import { EngineRuleError } from "./violations";
import { ROOT, stackFile } from "./root";

export { ROOT };
export type { Resource } from "./resource";

// Internal to @pulumi/pulumi, and the only way to know that every registration has been answered.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
// Pulumi's log module: its runtime reports warnings (an undefined stack output, a deprecation) through it.
const pulumiLog = require("@pulumi/pulumi/log") as { warn: (msg: string, ...rest: unknown[]) => unknown; error: (msg: string, ...rest: unknown[]) => unknown };

// index.ts under ts-node, index.js when compiled: the program two folders up (offline/engine/) either way.
const PROGRAM = path.join(__dirname, "..", "..", "index");

export interface Evaluation {
    project: string;
    stack: string;
    /** The config the program ran with: a stack file's `config:` block. */
    config: RawConfig;
    resources: Resource[];
    invokes: MockedInvoke[];
    outputs: Record<string, unknown>;
    /** Warnings the Pulumi runtime logged (`pulumi up` prints them): an undefined stack output, a deprecation. */
    warnings: string[];
    /**
     * What stopped the program, if anything did: a bad config, a missing provider, an error thrown
     * while a resource registered or inside an `apply`. The first one ends the evaluation at once.
     */
    error?: Error;
}

export interface EvaluateOptions {
    /** The project name, by default Pulumi.yaml's: the namespace of the config keys and the start of physical names. */
    project?: string;
    /** A program to run instead of index.ts, returning its stack outputs (tests plant errors with it). */
    program?: () => Record<string, unknown>;
    /** The URNs of a previous deployment of the stack: aliases are checked against it (offline/engine/engineRules.ts). */
    prior?: PriorState;
    /** `false` skips the engine's rules and AWS's API models: only `npm run bench` does, to measure what they cost. */
    checks?: boolean;
}

/** Raw config of a stack: a stack file's `config:` block, structured values as parsed YAML. */
export type RawConfig = Record<string, unknown>;

export function projectName(): string {
    return (yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;
}

/** A stack file's config: `Pulumi.<stack>.yaml` of the project's stack files, or of another folder (the tests' fixtures). */
export function readStackConfig(stack: string, dir?: string): RawConfig {
    const file = stackFile(stack, dir);
    return stackFileConfig(path.basename(file), fs.readFileSync(file, "utf8"), projectName());
}

/**
 * A stack file's `config:` block as the Pulumi CLI reads it: an un-namespaced key is the
 * project's (`region` is `<project>:region`), and so is the old `<project>:config:region`.
 * A YAML syntax error, one key written two ways, or a name with a colon (which the CLI cannot
 * parse) names the file and fails like bad config.
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
        const name = rest[0] === "config" && rest.length === 2 ? rest[1] : rest.join(":");
        const key = `${namespace}:${name}`;
        if (name.includes(":")) {
            // The CLI's config.ParseKey refuses a name with a colon (pulumi/pulumi#2228), and with it the whole file.
            problems.push(`${file}: ${written}: expected <namespace>:<name> or <namespace>:config:<name>, a name without ":"; ` +
                `found the name ${name}; for example ${namespace}:${rest[rest.length - 1]}`);
            continue;
        }
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
export function evaluate(stack: string, config: RawConfig = readStackConfig(stack), options: EvaluateOptions = {}): Promise<Evaluation> {
    const run = queue.then(() => evaluateNow(stack, config, options));
    queue = run.catch(() => undefined);
    return run;
}

/**
 * The first error of an evaluation, wherever it is raised. Pulumi reports a failed registration
 * (a mock that throws, an `apply` that throws while its value is serialized) as an unhandled
 * rejection, which the real CLI turns into a failed update; without this an evaluation would
 * wait forever for the registration that failed.
 */
class FirstError {
    private report!: (e: Error) => void;
    readonly error: Promise<never> = new Promise((_, reject) => { this.report = reject; });
    private count = 0;
    private readonly onError = (e: unknown) => {
        this.count++;
        this.report(e instanceof Error ? e : new Error(String(e)));
    };
    private readonly logged = { warn: pulumiLog.warn, error: pulumiLog.error };

    constructor(private readonly warnings: string[]) {
        this.error.catch(() => undefined);
        process.on("unhandledRejection", this.onError);
        process.on("uncaughtException", this.onError);
        pulumiLog.warn = (msg: string) => { this.warnings.push(msg); };
        pulumiLog.error = (msg: string) => this.onError(new Error(msg));
    }

    /** Resolves with `work`, or rejects with the first error raised meanwhile, whichever comes first. */
    race<T>(work: Promise<T>): Promise<T> {
        return Promise.race([work, this.error]);
    }

    /**
     * Stops listening once the abandoned registrations have stopped failing: their rejections
     * arrive over a few turns of the event loop and must not land in the next evaluation.
     */
    async close(failed: boolean) {
        for (let quiet = 0; failed && quiet < 3;) {
            const seen = this.count;
            await new Promise(resolve => setTimeout(resolve, 5));
            quiet = this.count === seen ? quiet + 1 : 0;
        }
        process.off("unhandledRejection", this.onError);
        process.off("uncaughtException", this.onError);
        Object.assign(pulumiLog, this.logged);
    }
}

/** One turn of the event loop: unhandled rejections of the current one are reported before it ends. */
const nextTurn = () => new Promise(resolve => setImmediate(resolve));

async function evaluateNow(stack: string, config: RawConfig, options: EvaluateOptions): Promise<Evaluation> {
    const warnings: string[] = [];
    const errors = new FirstError(warnings);
    // The Pulumi runtime records a stack trace for every promise it makes: without them an
    // evaluation takes a fraction of the time. Its errors are reported by message.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    // Each resource also records its whole call stack as its source position (lifting the limit
    // above), which only the real engine's diagnostics read: a fifth of a warm evaluation.
    const resource = pulumi.Resource as unknown as { callsites: () => unknown[] };
    const callsites = resource.callsites;
    resource.callsites = () => [];
    let failed = true;
    try {
        const evaluation = { ...await run(stack, config, options, errors), warnings };
        failed = evaluation.error !== undefined;
        return evaluation;
    } finally {
        await errors.close(failed);
        Error.stackTraceLimit = stackTraceLimit;
        resource.callsites = callsites;
    }
}

async function run(stack: string, config: RawConfig, options: EvaluateOptions, errors: FirstError): Promise<Omit<Evaluation, "warnings">> {
    const project = options.project ?? projectName();
    pulumi.runtime.setAllConfig(asEngineConfig(config));
    const mocks = new AccountMocks();
    await pulumi.runtime.setMocks(mocks, project, stack, false);

    // URNs as the engine computes them, not as the mock SDK does (offline/engine/engineRules.ts).
    monitorOf().newUrn = (parent: string, type: string, name: string) => engineUrn(stack, project, parent, type, name);
    // Resource options, providers maps and aliases never reach the mocks: read them off every
    // registration call, a second call of one URN included.
    const registrations: Omit<Resource, "inputs" | "state" | "account" | "region">[] = [];
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) =>
        register(req, (err: any, res: any) => {
            if (!err) {
                registrations.push(registrationOf(req, res));
            }
            callback(err, res);
        });

    // A local component's state is what it registers as its outputs (registerOutputs), as the engine keeps it
    // (a remote one, such as awsx's VPC, answers its registration with its outputs, as the mocks do).
    const componentOutputs = new Map<string, Record<string, unknown>>();
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: any, res: any) => void) => {
        // The SDK sends a Struct every time, an empty one included.
        componentOutputs.set(req.getUrn(), req.getOutputs()!.toJavaScript());
        registerOutputs(req, callback);
    };

    let outputs: Record<string, unknown> = {};
    let error: Error | undefined;
    const program = options.program ?? (() => {
        delete require.cache[require.resolve(PROGRAM)];
        return { ...require(PROGRAM) };
    });
    try {
        outputs = await errors.race(pulumi.runtime.runInPulumiStack(async () => program())) ?? {};
    } catch (e) {
        error = e as Error;
    }
    try {
        // Every registration answered, and a turn for the rejections of the last ones to be reported.
        await errors.race(waitForRPCs().then(nextTurn));
    } catch (e) {
        error ??= e as Error;
    }
    if (error && !error.message && mocks.refusedInvokes.length > 0) {
        error = new Error(mocks.refusedInvokes.join("; "));
    }

    // The nth registration of a type and name gets the nth record the mocks made of it.
    const mockedByKey = new Map<string, MockedResource[]>();
    for (const m of mocks.resources) {
        mockedByKey.set(`${m.type}::${m.name}`, [...mockedByKey.get(`${m.type}::${m.name}`) ?? [], m]);
    }
    const nth = new Map<string, number>();
    const resources = registrations.map(req => {
        const key = `${req.type}::${req.name}`;
        const index = nth.get(key) ?? 0;
        nth.set(key, index + 1);
        // The mocks record every registration they answer; one they refused is not among these.
        const mocked = mockedByKey.get(key)![index];
        const placement = mocked.account ? mocked : mocks.placementOf(req.providers["aws"] ?? "");
        return { ...req, inputs: mocked.inputs, state: componentOutputs.get(req.urn) ?? mocked.state, account: placement?.account, region: placement?.region };
    });
    if (!error && options.checks !== false) {
        // The engine's rules on every registration, then what AWS's APIs would refuse of each resource.
        const violations = [...engineViolations(resources, options.prior), ...apiViolations(resources)];
        error = violations.length > 0 ? new EngineRuleError(violations) : undefined;
    }
    return { project, stack, config, resources, invokes: mocks.invokes, outputs, error };
}

/** The mock monitor of the current evaluation (its `newUrn` makes every URN the SDK sees). */
const monitorOf = () => pulumi.runtime.getMonitor() as unknown as { newUrn: (parent: string, type: string, name: string) => string };

/** What one registration request and its answer say, as `Resource` keeps it. */
function registrationOf(req: any, res: any): Omit<Resource, "inputs" | "state" | "account" | "region"> {
    const providers: Record<string, string> = {};
    req.getProvidersMap().forEach((ref: string, pkg: string) => { providers[pkg] = ref; });
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, prop: string) => { propertyDependencies[prop] = deps.getUrnsList(); });
    const aliases: AliasSpec[] = req.getAliasesList().map((a: any) => a.getUrn() ? { urn: a.getUrn() } : {
        name: a.getSpec().getName(), type: a.getSpec().getType(), stack: a.getSpec().getStack(), project: a.getSpec().getProject(),
        parentUrn: a.getSpec().getParenturn(), noParent: a.getSpec().getNoparent(),
    });
    return {
        urn: res.getUrn(), id: res.getId(), type: req.getType(), name: req.getName(), custom: req.getCustom(),
        parent: req.getParent(), provider: req.getProvider(), providers, aliases,
        dependencies: req.getDependenciesList(), propertyDependencies, protect: req.getProtect() === true,
        retainOnDelete: req.getRetainondelete() === true, ignoreChanges: req.getIgnorechangesList(),
        importId: req.getImportid(), deleteBeforeReplace: req.getDeletebeforereplace(),
    };
}
