import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { deployTargetsVariables } from "../../components/buildspec";
import { Evaluation } from "../../offline/engine/engine";
import { SIZE_LIMITS } from "../../stacks/limits";
import { one } from "./stacks";

/** Variables CodeBuild sets in every build; anything else a buildspec reads must come from the project. */
export const CODEBUILD_VARIABLES = {
    AWS_DEFAULT_REGION: "ap-northeast-2",
    CODEBUILD_RESOLVED_SOURCE_VERSION: "0123456789abcdef0123",
    CODEBUILD_BUILD_NUMBER: "7",
    CODEBUILD_BUILD_ID: "my-project:0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
};

/** What `aws ecr batch-get-image` answers in these runs: one image, its manifest and media type. */
export const STUB_MANIFEST = '{"schemaVersion":2,"config":{"digest":"sha256:0123"}}';
export const STUB_MEDIA_TYPE = "application/vnd.docker.distribution.manifest.v2+json";

/** Whether a buildspec's `artifacts.files` (names or globs: `*` within a name) take a file of the source directory. */
export function inArtifact(patterns: string[], file: string): boolean {
    return patterns.some(p => new RegExp(`^${p.split("*").map(part => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`).test(file));
}

export interface BuildRun {
    /** Files the commands wrote in the source directory (input files excluded). */
    files: Record<string, string>;
    artifactFiles: string[];
    /** Every call of the stubbed `docker` and `aws` (and other stubs), in order, as `docker <args>` / `aws <args>`. */
    calls: string[];
    /** The shell's exit status and error output: 0 unless the run was allowed to fail. */
    status: number | null;
    stderr: string;
}

export interface Project {
    spec: any;
    environment: Record<string, string>;
}

/** A registered CodeBuild project's buildspec (parsed) and plain environment variables. */
export function projectOf(e: Evaluation, name?: string): Project {
    const project = one(e, "aws:codebuild/project:Project", name);
    return {
        spec: yaml.load(project.inputs.source.buildspec),
        environment: Object.fromEntries(project.inputs.environment.environmentVariables.map((v: any) => [v.name, v.value])),
    };
}

/** The targets' list a project's environment carries: its DEPLOY_TARGETS_<n> parts joined in order. */
export function deployTargetsOf(environment: Record<string, string>): string {
    return Array.from({ length: Number(environment.DEPLOY_TARGETS_PARTS) }, (_, i) => environment[`DEPLOY_TARGETS_${i + 1}`]).join("");
}

/** A project's environment with another targets' list, in parts as the program cuts them. */
export function withDeployTargets(environment: Record<string, string>, json: string): Record<string, string> {
    const others = Object.entries(environment).filter(([name]) => !name.startsWith("DEPLOY_TARGETS_"));
    return { ...Object.fromEntries(others), ...deployTargetsVariables(json, SIZE_LIMITS.environmentVariable) };
}

/**
 * Runs a buildspec's commands as CodeBuild does: one shell, the one the buildspec declares
 * (`env.shell`; CodeBuild's default on Linux is `sh`, which is dash here as on Ubuntu images),
 * stopping at the first failing command, with the project's and CodeBuild's variables.
 * `docker` and `aws` are stubs that record their calls; `inputs` are files of the input artifact.
 */
export function runBuildspec({ spec, environment }: Project, inputs: Record<string, string> = {},
    options: { stubs?: Record<string, string>; mayFail?: boolean } = {}): BuildRun {
    const commands: string[] = Object.values(spec.phases).flatMap((phase: any) => phase.commands);

    // Every variable the commands read is set by the project, by CodeBuild, or by the commands themselves.
    // Assigned: NAME=..., for NAME in ..., read -r NAME.
    const assigned = commands.flatMap(c => [...c.matchAll(/(?:^|;\s*|\bdo\s+|\bfor\s+|\bread\s+-r\s+)([A-Z_][A-Z0-9_]*)(?:=|\s+in\b|;)/g)].map(m => m[1]));
    // A read with a default (${NAME:-...}) may find the variable unset; the buildspec's own variables are set, at the lowest precedence.
    const read = new Set(commands.flatMap(c => [...c.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\b(?!:-)/g)].map(m => m[1])));
    const declared: Record<string, string> = spec.env?.variables ?? {};
    for (const name of read) {
        assert.ok(name in environment || name in declared || name in CODEBUILD_VARIABLES || assigned.includes(name),
            `the buildspec reads $${name}, which neither the project, CodeBuild nor the buildspec sets`);
    }

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildspec-"));
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "buildspec-bin-"));
    const log = path.join(bin, "calls");
    for (const [file, text] of Object.entries(inputs)) {
        fs.writeFileSync(path.join(dir, file), text);
    }
    // Like the real one, `docker login --password-stdin` reads the password (else `aws` may die of
    // SIGPIPE); it records its call after that, so `aws ... | docker login` is recorded in order.
    fs.writeFileSync(path.join(bin, "docker"), `#!/bin/sh\n[ "$1" = login ] && cat > /dev/null\necho "docker $*" >> "${log}"\n`, { mode: 0o755 });
    const image = JSON.stringify({ images: [{ imageManifest: STUB_MANIFEST, imageManifestMediaType: STUB_MEDIA_TYPE }] });
    fs.writeFileSync(path.join(bin, "aws"), `#!/bin/sh
echo "aws $*" >> "${log}"
case "$1 $2" in
  "ecr get-login-password") echo not-a-password ;;
  "ecr batch-get-image") echo '${image}' ;;
esac
`, { mode: 0o755 });
    for (const [name, body] of Object.entries(options.stubs ?? {})) {
        fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\n${body}\n`, { mode: 0o755 });
    }
    const shell: string = spec.env?.shell ?? "sh";
    const flags = shell === "bash" ? ["-e", "-o", "pipefail"] : ["-e"];
    const run = spawnSync(shell, [...flags, "-c", commands.join("\n")], {
        cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: `${bin}:${process.env.PATH}`, ...CODEBUILD_VARIABLES, ...declared, ...environment },
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    const files = Object.fromEntries(fs.readdirSync(dir).filter(f => !(f in inputs))
        .map(f => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(bin, { recursive: true, force: true });
    assert.ok(options.mayFail || run.status === 0, `buildspec commands failed in ${shell} (${run.status ?? run.signal}): ${run.stderr}`);
    return { files, artifactFiles: spec.artifacts?.files ?? [], calls, status: run.status, stderr: run.stderr };
}

/** A CodeBuild action's EnvironmentVariables, as the registered pipeline gives them. */
export function actionVariables(action: any): Record<string, string> {
    return Object.fromEntries(JSON.parse(action.configuration.EnvironmentVariables ?? "[]").map((v: any) => [v.name, v.value]));
}

/**
 * Runs a registered check action as CodeBuild would: the check project's buildspec with the action's
 * variables (changed by `vary`, given the load balancer's name), the load balancer standing at
 * 127.0.0.1:`port` (curl's --connect-to pointed there, as DNS would point it at the load balancer),
 * no pause between tries, and `caFile` trusted (curl's CURL_CA_BUNDLE) when given.
 */
export function runCheckAction(e: Evaluation, action: any, port: number, caFile?: string,
    vary: (v: Record<string, string>, lb: string) => Record<string, string> = v => v): BuildRun {
    const registered = actionVariables(action);
    const [name, listener, lb] = registered.CHECK_CONNECT_TO.split(":");
    const variables = vary({ ...registered, CHECK_CONNECT_TO: `${name}:${listener}:127.0.0.1:${port}` }, lb);
    const project = projectOf(e, "pipeline-check");
    return runBuildspec({ ...project, environment: { ...project.environment, ...variables, CHECK_PAUSE_SECONDS: "0",
        ...caFile ? { CURL_CA_BUNDLE: caFile } : {} } }, {}, { mayFail: true });
}
