// The pull request's plan-changes job (.github/workflows/pull-request-changes.yml): the plan diff
// of every stack file against the base, one comment of its own (a job summary where the token
// may not comment: a fork's), and the gate: a change that broadens access fails the job unless
// a person other than the author approved it with the label. No AWS credentials: all offline.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../offline/engine/root";
import { APPROVAL_LABEL, approver, commentBody, failedStacks, LabelEvent, MARKER, needsApproval, StackDiff, stacksOf } from "./pullRequestReport";

/** One stack planned against the base by the plan command, as a user runs it. */
function diffStack(stack: string, base: string): StackDiff {
    const run = spawnSync(process.execPath, [path.join(__dirname, "plan.js"), "--stack", stack, "--base", base, "--fail-on-broadening"],
        { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const out = run.stdout ?? "";
    const at = out.indexOf("Changes since");
    const report = at >= 0 ? out.slice(at).replace(/\n+Written to .*\n?$/, "") : `${run.stderr}`.trim();
    process.stdout.write(out);
    process.stderr.write(run.stderr ?? "");
    return { stack, exitCode: run.status ?? 1, report };
}

async function github(method: string, url: string, body?: unknown): Promise<any> {
    const response = await fetch(`${process.env.GITHUB_API_URL ?? "https://api.github.com"}${url}`, {
        method, body: body === undefined ? undefined : JSON.stringify(body),
        headers: { Authorization: `Bearer ${process.env.GITHUB_TOKEN}`, Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28" },
    });
    if (!response.ok) {
        throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
    }
    return response.status === 204 ? undefined : response.json();
}

/** Every page of a list (GitHub returns 100 at most per page). */
async function all<T>(url: string, pick: (page: any) => T[] = page => page): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
        const got = pick(await github("GET", `${url}${url.includes("?") ? "&" : "?"}per_page=100&page=${page}`));
        items.push(...got);
        if (got.length < 100) {
            return items;
        }
    }
}

/** Posts the comment, or updates the one posted before; false when the token may not (a fork's pull request). */
async function postComment(repo: string, number: number, body: string): Promise<boolean> {
    try {
        const mine = (await all<{ id: number; body?: string }>(`/repos/${repo}/issues/${number}/comments`)).find(c => c.body?.startsWith(MARKER));
        await (mine ? github("PATCH", `/repos/${repo}/issues/comments/${mine.id}`, { body })
            : github("POST", `/repos/${repo}/issues/${number}/comments`, { body }));
        return true;
    } catch (e) {
        console.error(`could not comment (${(e as Error).message}): the report goes to the job summary`);
        return false;
    }
}

/** The job: diff every stack, report, and fail on a broadening nobody but the author approved. */
async function main() {
    const event = JSON.parse(fs.readFileSync(process.env.GITHUB_EVENT_PATH!, "utf8"));
    const repo = process.env.GITHUB_REPOSITORY!;
    const pr = event.pull_request;
    const base = process.env.BASE_REF ?? "HEAD^1";
    const files = (ref: string) => spawnSync("git", ["ls-tree", "--name-only", ref], { cwd: ROOT, encoding: "utf8" }).stdout.split("\n");
    const diffs = stacksOf(files("HEAD"), files(base)).map(stack => diffStack(stack, base));
    let approvedBy: string | undefined;
    if (needsApproval(diffs)) {
        const events = await all<LabelEvent>(`/repos/${repo}/issues/${pr.number}/events`);
        const runs = await all<{ created_at: string }>(`/repos/${repo}/actions/runs?head_sha=${pr.head.sha}`, page => page.workflow_runs);
        const pushed = runs.map(r => r.created_at).sort()[0] ?? new Date().toISOString();
        approvedBy = approver(events, pr.user.login, pushed);
    }
    const body = commentBody(diffs, `the base (${base})`, approvedBy);
    if (!await postComment(repo, pr.number, body) && process.env.GITHUB_STEP_SUMMARY) {
        fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, body);
    }
    const failed = failedStacks(diffs);
    if (failed.length > 0) {
        console.error(`::error::stacks that do not plan: ${failed.join(", ")}`);
    }
    if (needsApproval(diffs) && !approvedBy) {
        console.error(`::error::this change broadens access: someone other than the author adds the label ${APPROVAL_LABEL} to approve it`);
    }
    process.exitCode = failed.length > 0 || (needsApproval(diffs) && !approvedBy) ? 1 : 0;
}

main().catch(e => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
