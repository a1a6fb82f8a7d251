// `npm run plan -- --base REF`, end to end: a temporary git repository holding this program
// and a fixture stack file (tests/fixtures/planDiff/), a commit per scenario, and the command
// run as a user runs it. Every base has the first commit's code, so its build is made once and
// reused (scripts/planBase.ts keeps builds by code). What counts as broadening, on plans built by
// hand: tests/planChanges.test.ts.
import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import { STACKS_ENV } from "../offline/engine/root";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../offline/engine/engine";
import { PLAN_FORMAT_VERSION, PlanJson } from "../offline/report/planJson";
import { newest, SOURCES } from "../scripts/build";
import { APPROVAL_LABEL, MARKER } from "../scripts/pullRequestReport";

const STACK = "fixture";
const FIXTURES = path.join(ROOT, "tests", "fixtures", "planDiff");
/** What the repository holds of this one: the program and its plan, no committed stack file. */
const COPIED = ["index.ts", "components", "stacks", "offline", "scripts", "policy", "package.json", "package-lock.json",
    "tsconfig.json", "tsconfig.build.json", "Pulumi.yaml", ".gitignore"];
const NEW_ACCOUNT = "303030303030";

/** A change made to a copied source, failing loudly when the source no longer reads as expected. */
function edit(repo: string, file: string, from: string, to: string) {
    const full = path.join(repo, file);
    const text = fs.readFileSync(full, "utf8");
    assert.ok(text.includes(from), `${file} no longer has ${from}: update this test's scenario`);
    fs.writeFileSync(full, text.replace(from, to));
}

/** What a command printed and how it exited. */
interface Ran {
    status: number | null;
    stdout: string;
    stderr: string;
}

function ran(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
    return new Promise(resolve => {
        const child = spawn(command, args, { cwd, env });
        const out = { stdout: "", stderr: "" };
        child.stdout.on("data", d => { out.stdout += d; });
        child.stderr.on("data", d => { out.stderr += d; });
        child.on("close", status => resolve({ status, ...out }));
    });
}

describe("plan --base: what a change does and what it newly allows", function () {
    this.timeout(120_000);
    let repo: string;
    const commits: Record<string, string> = {};
    /** Each scenario's diff (head commit against its base), run in a worktree of its own. */
    const diffs = new Map<string, Promise<Ran>>();

    const git = (cwd: string, ...args: string[]) => {
        const run = spawnSync("git", args, {
            cwd, encoding: "utf8",
            env: { ...process.env, GIT_AUTHOR_NAME: "test", GIT_AUTHOR_EMAIL: "test@example.com", GIT_COMMITTER_NAME: "test", GIT_COMMITTER_EMAIL: "test@example.com" },
        });
        assert.strictEqual(run.status, 0, `git ${args.join(" ")}: ${run.stderr}`);
        return run.stdout.trim();
    };
    const commit = (name: string, message: string, change: () => void) => {
        change();
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", message);
        commits[name] = git(repo, "rev-parse", "HEAD");
    };
    const stackFile = () => path.join(repo, `Pulumi.${STACK}.yaml`);
    /** The example prod stack (its tests' copy): the scenarios hold for it as for the fixture. */
    const prodFile = () => path.join(repo, "Pulumi.prod.yaml");
    // The temporary repository's own stack files, not the empty folder the other tests see (tests/support/isolate.ts).
    const ENV = { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", npm_config_stack: undefined, [STACKS_ENV]: undefined };
    /**
     * The plan command in a checkout as `npm run plan` runs it: compiled (the first commit's code
     * is built once), or from its sources where a commit changes the code.
     */
    const command = (compiled: boolean, args: string[]) =>
        [...compiled ? ["scripts/run-compiled.js", "plan"] : ["-r", "ts-node/register", "scripts/plan.ts"], ...args];
    const plan = (...args: string[]) => spawnSync(process.execPath, command(true, args), { cwd: repo, encoding: "utf8", env: ENV });
    /** A worktree `name` of a commit, with node_modules and, where the code is the first commit's, its build. */
    const worktrees: string[] = [];
    const checkout = (name: string, commit: string, compiled: boolean) => {
        const dir = `${repo}-${name}`;
        git(repo, "worktree", "add", "-q", "--detach", dir, commit);
        worktrees.push(dir);
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        if (compiled) {
            fs.cpSync(path.join(repo, "dist"), path.join(dir, "dist"), { recursive: true });
        }
        return dir;
    };
    /** `plan --stack <stack> --base <base> ...` in a worktree of `head`. */
    const diffOf = (stack: string, head: string, base: string, ...args: string[]) => {
        const compiled = !["rename", "widen"].includes(head);
        return ran(process.execPath, command(compiled, ["--stack", stack, "--base", commits[base], ...args]), checkout(head, commits[head], compiled), ENV);
    };
    const diff = (head: string, base: string, ...args: string[]) => diffOf(STACK, head, base, ...args);
    const section = (stdout: string) => stdout.slice(stdout.indexOf("Changes since"));

    before(async () => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-"));
        for (const entry of COPIED) {
            fs.cpSync(path.join(ROOT, entry), path.join(repo, entry), { recursive: true, filter: src => !src.includes("node_modules") });
        }
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
        git(repo, "init", "-q");
        // The link to node_modules is no directory: .gitignore's `node_modules/` does not keep it out.
        fs.appendFileSync(path.join(repo, ".git", "info", "exclude"), "node_modules\n");
        commit("first", "the program, the fixture stack and the example prod stack's copy", () => {
            fs.copyFileSync(path.join(FIXTURES, `Pulumi.${STACK}.yaml`), stackFile());
            fs.copyFileSync(path.join(ROOT, "tests", "fixtures", "Pulumi.prod.yaml"), prodFile());
        });
        commit("target", "add a target in a new account", () =>
            fs.writeFileSync(stackFile(), fs.readFileSync(stackFile(), "utf8").replace("  cross-account-pipeline:images:",
                `${fs.readFileSync(path.join(FIXTURES, "target.yaml"), "utf8")}  cross-account-pipeline:images:`)));
        commit("comment", "a comment only", () => fs.appendFileSync(stackFile(), "# the images keep their default count\n"));
        git(repo, "revert", "--no-edit", commits.target);
        commits.revert = git(repo, "rev-parse", "HEAD");
        commit("rename", "rename the artifact key's alias resource, aliased to its old name", () => edit(repo, "components/CrossAccountArtifactStore.ts",
            "new aws.kms.Alias(`${name}-key-alias`, { name: args.keyAlias, targetKeyId: key.keyId }, { parent: this });",
            "new aws.kms.Alias(`${name}-key-alias-renamed`, { name: args.keyAlias, targetKeyId: key.keyId }, { parent: this, aliases: [{ name: `${name}-key-alias` }] });"));
        git(repo, "checkout", "-q", "--detach", commits.revert);
        commit("widen", "the build may read the artifact bucket's versioning too", () => edit(repo, "components/policies/pipeline.ts",
            'Action: ["s3:GetBucketAcl", "s3:GetBucketLocation"],', 'Action: ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning"],'));
        git(repo, "checkout", "-q", "--detach", commits.revert);
        commit("prodTarget", "add a target in a new account to prod", () =>
            fs.writeFileSync(prodFile(), fs.readFileSync(prodFile(), "utf8").replace("  cross-account-pipeline:images:",
                `${fs.readFileSync(path.join(FIXTURES, "target.yaml"), "utf8")}  cross-account-pipeline:images:`)));
        commit("prodComment", "a comment only, in prod", () => fs.appendFileSync(prodFile(), "# reviewed\n"));
        git(repo, "checkout", "-q", "--detach", commits.revert);
        commit("old", "a revision before --json", () => fs.rmSync(path.join(repo, "offline", "report", "planJson.ts")));
        // The base as the README names it.
        git(repo, "branch", "-f", "main", commits.revert);
        commits.main = "main";
        // Built once, at the first commit's code (this checkout's, so its own dist/ when current): every base reuses it.
        git(repo, "checkout", "-q", "--detach", commits.first);
        const dist = path.join(ROOT, "dist");
        const compiled = path.join(dist, "scripts", "plan.js");
        if (fs.existsSync(compiled) && newest(compiled) >= Math.max(...SOURCES.map(s => newest(path.join(ROOT, s))))) {
            fs.cpSync(dist, path.join(repo, "dist"), { recursive: true });
        } else {
            const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: repo, encoding: "utf8" });
            assert.strictEqual(build.status, 0, build.stderr);
        }
        // Side by side. A compiled head lends its build to its base (the same code); the heads run
        // from sources wait until one did, so that no base builds.
        diffs.set("target", diff("target", "first", "--fail-on-broadening", "--json"));
        job = pullRequestJob(checkout("job", commits.target, true), commits.first);
        diffs.set("comment", diff("comment", "target", "--fail-on-broadening"));
        diffs.set("revert", diff("revert", "comment", "--fail-on-broadening"));
        await diffs.get("target");
        diffs.set("rename", diff("rename", "revert", "--fail-on-broadening"));
        diffs.set("widen", diff("widen", "main", "--fail-on-broadening"));
        diffs.set("prodTarget", diffOf("prod", "prodTarget", "revert", "--fail-on-broadening"));
        diffs.set("prodComment", diffOf("prod", "prodComment", "prodTarget", "--fail-on-broadening"));
        await Promise.all([...diffs.values(), job]);
    });

    /** What the fake GitHub API was asked, and the job's run. */
    const asked: string[] = [];
    let job: Promise<Ran & { summary: string }>;
    /**
     * The pull request job's script (scripts/pullRequest.ts) in a checkout, against a fake GitHub
     * API: the comment is refused (a fork's token), the approval label was added by the author.
     */
    async function pullRequestJob(dir: string, base: string) {
        const api = http.createServer((req, res) => {
            asked.push(`${req.method} ${req.url}`);
            const reply = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
            if (req.method === "POST") {
                return reply(403, { message: "Resource not accessible by integration" });
            }
            return req.url!.includes("/events") ? reply(200, [{ event: "labeled", actor: { login: "author" }, created_at: "2026-01-02T00:00:00Z", label: { name: APPROVAL_LABEL } }])
                : req.url!.includes("/actions/runs") ? reply(200, { workflow_runs: [{ created_at: "2026-01-01T00:00:00Z" }] }) : reply(200, []);
        });
        await new Promise<void>(resolve => api.listen(0, "127.0.0.1", resolve));
        const event = path.join(dir, "event.json");
        fs.writeFileSync(event, JSON.stringify({ pull_request: { number: 7, user: { login: "author" }, head: { sha: "abc" } } }));
        const summary = path.join(dir, "summary.md");
        try {
            const run = await ran(process.execPath, ["scripts/run-compiled.js", "pullRequest"], dir, {
                ...ENV, BASE_REF: base, GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: "o/r", GITHUB_TOKEN: "t", GITHUB_STEP_SUMMARY: summary,
                GITHUB_API_URL: `http://127.0.0.1:${(api.address() as { port: number }).port}`,
            });
            return { ...run, summary: fs.existsSync(summary) ? fs.readFileSync(summary, "utf8") : "" };
        } finally {
            api.close();
        }
    }

    after(() => {
        if (repo) {
            for (const dir of [repo, ...worktrees]) {
                fs.unlinkSync(path.join(dir, "node_modules"));
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
    });

    it("a resource appended to index.ts that AWS would refuse, and a provider registered twice: npm run plan exits 1 naming both", async () => {
        const dir = checkout("appended", commits.first, false);
        fs.appendFileSync(path.join(dir, "index.ts"), [
            "",
            'import * as aws from "@pulumi/aws";',
            'const planted = new aws.Provider("pipeline-account", { region: "eu-west-1", allowedAccountIds: ["101010101010"] });',
            'new aws.iam.Role("planted", { name: "r".repeat(70), assumeRolePolicy: "{}" }, { provider: planted });',
            "",
        ].join("\n"));
        const run = await ran(process.execPath, command(false, ["--stack", STACK]), dir, ENV);
        assert.strictEqual(run.status, 1, run.stdout + run.stderr);
        assert.match(run.stderr, /the Pulumi engine or AWS would refuse 2 registrations/);
        assert.match(run.stderr, /pipeline-account \(pulumi:providers:aws\): expected a URN no other registration has .*step_generator\.go generateURN/);
        assert.match(run.stderr, /planted \(aws:iam\/role:Role\) name: expected length at most 64; found "r{70}" \(70 characters\) \[iam-2010-05-08 CreateRoleRequest\.RoleName/);
        assert.ok(!/^\s+at /m.test(run.stderr), run.stderr);
    });

    it("a target added: exit 3, the new account, its resources and the requests it newly allows; the plan as JSON", async () => {
        const run = await diffs.get("target")!;
        assert.strictEqual(run.status, 3, run.stderr + section(run.stdout));
        const changes = section(run.stdout);
        assert.match(changes, /^ {2}BROADENING: this change widens access/m);
        assert.match(changes, new RegExp(`^ {4}! account ${NEW_ACCOUNT} is new to the stack$`, "m"));
        assert.match(changes, new RegExp(`^ {4}\\+ aws:iam/role:Role live-deploy \\(${NEW_ACCOUNT}, eu-west-1\\)$`, "m"));
        assert.match(changes, new RegExp(`^ {4}\\+ arn:aws:iam::101010101010:role/\\S+-pipeline sts:AssumeRole on arn:aws:iam::${NEW_ACCOUNT}:role/\\S+-live-deploy.*; ` +
            `accounts 101010101010 -> ${NEW_ACCOUNT}; decided by .*statement \\w+`, "m"));
        assert.ok(!/resources removed/.test(changes), changes);

        const json = JSON.parse(fs.readFileSync(path.join(`${repo}-target`, "plan", `${STACK}.json`), "utf8")) as PlanJson;
        assert.strictEqual(json.formatVersion, PLAN_FORMAT_VERSION);
        assert.deepStrictEqual(json.accounts, ["101010101010", "202020202020", NEW_ACCOUNT]);
        const role = json.resources.find(r => r.type === "aws:iam/role:Role" && r.name === "live-deploy")!;
        assert.strictEqual(role.account, NEW_ACCOUNT);
        assert.ok(typeof role.inputs.assumeRolePolicy === "string" && role.options.parent.includes("ProdDeployRole"));
        assert.ok(json.policies.some(p => p.urn === role.urn && p.kind === "trust" && p.statements.every(s => s.Sid)));
        assert.ok(json.securityGroupRules.some(r => r.direction === "ingress" && r.securityGroup.startsWith("urn:pulumi:") && r.peer === "0.0.0.0/0"));
        assert.ok(json.listeners.some(l => l.port === 80 && l.loadBalancer.startsWith("urn:pulumi:")));
        assert.ok(json.securityHubExceptions.includes("CodeBuild.5@pipeline-build"), json.securityHubExceptions.join());
        // Requests are identified by ARNs and context, not the table's words; the words ride along as a label.
        const assume = json.access.filter(a => a.action === "sts:AssumeRole" && a.resource === `arn:aws:iam::${NEW_ACCOUNT}:role/${role.inputs.name}`);
        assert.ok(assume.some(a => a.decision === "Allowed" && /^arn:aws:iam::101010101010:role\//.test(a.principal) && a.decidedBy.length > 0), JSON.stringify(assume));
        assert.ok(json.access.every(a => a.principal !== a.label.principal || a.principal.startsWith("<") || a.principal.endsWith(".amazonaws.com")));
    });

    it("the pull request job: reports the broadening in the job summary where it may not comment, and fails without another's approval", async () => {
        const run = await job;
        assert.strictEqual(run.status, 1, run.stderr + run.stdout.slice(-3000));
        assert.ok(asked.includes("POST /repos/o/r/issues/7/comments"), asked.join("\n"));
        assert.ok(run.summary.startsWith(MARKER), run.summary);
        assert.match(run.summary, /^- `fixture`: \*\*broadens access\*\*$/m);
        assert.match(run.summary, /```text\nChanges since \S+, stack fixture:\n {2}BROADENING/);
        assert.match(run.stderr, /::error::this change broadens access: someone other than the author adds the label access-change-approved/);
    });

    it("on the example prod stack too: a target added exits 3 naming the new account, a comment only exits 0 with no changes", async () => {
        const added = await diffs.get("prodTarget")!;
        assert.strictEqual(added.status, 3, added.stderr + section(added.stdout));
        assert.match(section(added.stdout), new RegExp(`^ {4}! account ${NEW_ACCOUNT} is new to the stack$`, "m"));
        const comment = await diffs.get("prodComment")!;
        assert.strictEqual(comment.status, 0, comment.stderr + section(comment.stdout));
        assert.match(section(comment.stdout), /^Changes since \S+, stack prod: no changes/);
    });

    it("a comment-only change: exit 0, no changes", async () => {
        const run = await diffs.get("comment")!;
        assert.strictEqual(run.status, 0, run.stderr + section(run.stdout));
        assert.match(section(run.stdout), /^Changes since \S+, stack fixture: no changes/);
    });

    it("the revert of the added target: exit 0, the removed account named, nothing broadened", async () => {
        const run = await diffs.get("revert")!;
        assert.strictEqual(run.status, 0, run.stderr + section(run.stdout));
        const changes = section(run.stdout);
        assert.match(changes, new RegExp(`^ {4}- account ${NEW_ACCOUNT}: the stack no longer has resources there$`, "m"));
        assert.match(changes, /^ {2}No broadening/m);
        assert.match(changes, /^ {2}requests no longer allowed \(\d+\):/m);
    });

    it("a resource renamed through an alias: exit 0, shown as a rename, not a delete and an add", async () => {
        const run = await diffs.get("rename")!;
        assert.strictEqual(run.status, 0, run.stderr + section(run.stdout));
        const changes = section(run.stdout);
        assert.match(changes, /^ {4}~ aws:kms\/alias:Alias artifacts-key-alias -> artifacts-key-alias-renamed \(101010101010, eu-west-1\): nothing else changes$/m);
        assert.ok(!/resources (added|removed)/.test(changes), changes);
    });

    it("a policy statement widened by one action: exit 3, the statement and the action named", async () => {
        const run = await diffs.get("widen")!;
        assert.strictEqual(run.status, 3, run.stderr + section(run.stdout));
        assert.match(section(run.stdout), /^ {4}! policy of aws:iam\/rolePolicy:RolePolicy pipeline-build-permissions: statement CheckArtifactBucketLikeCodeBuildDoes gains action s3:GetBucketVersioning$/m);
    });

    it("is what the README shows", async () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const excerpt = /```text\n(Changes since main, stack fixture:\n[^`]*?)```/.exec(readme)?.[1];
        const { stdout } = await diffs.get("widen")!;
        assert.ok(excerpt && stdout.includes(excerpt), `README.md's excerpt is not the report:\n${section(stdout)}`);
    });

    it("a ref that does not resolve, or a base older than --json: exit 4, saying which", () => {
        const unresolved = plan("--stack", STACK, "--base", "no-such-branch");
        assert.strictEqual(unresolved.status, 4);
        assert.match(unresolved.stderr, /--base no-such-branch: not a commit of this repository/);
        const old = plan("--stack", STACK, "--base", commits.old);
        assert.strictEqual(old.status, 4);
        assert.match(old.stderr, /is older than `npm run plan -- --json` \(it has no offline\/report\/planJson\.ts or offline\/planJson\.ts\)/);
    });

    it("--fail-on-broadening without --base: exit 2, with the usage", () => {
        const run = plan("--stack", STACK, "--fail-on-broadening");
        assert.strictEqual(run.status, 2);
        assert.match(run.stderr, /--fail-on-broadening needs --base REF/);
        assert.match(run.stderr, /Exit codes: 0 planned \(no broadening\); 1 .*\n.*3 broadening/);
    });
});
