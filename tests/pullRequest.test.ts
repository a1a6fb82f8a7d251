// The plan-changes job's script (scripts/pullRequest.ts), offline: which stacks it compares,
// who may approve a broadening change, and the comment it posts.
import * as assert from "assert";
import { APPROVAL_LABEL, approver, commentBody, failedStacks, LabelEvent, MARKER, needsApproval, StackDiff, stacksOf } from "../scripts/pullRequestReport";

const PUSHED = "2026-01-10T10:00:00Z";
const labeled = (login: string, at: string, event = "labeled", name = APPROVAL_LABEL): LabelEvent =>
    ({ event, actor: { login }, created_at: at, label: { name } });

describe("pull request changes: the approval label", () => {
    it("approves when someone other than the author added it after the last push", () => {
        assert.strictEqual(approver([labeled("reviewer", "2026-01-10T11:00:00Z")], "author", PUSHED), "reviewer");
    });

    it("does not approve when the author added it, whatever the case of the login", () => {
        assert.strictEqual(approver([labeled("Author", "2026-01-10T11:00:00Z")], "author", PUSHED), undefined);
    });

    it("does not approve when it was added before the last push, or removed since, or is another label", () => {
        assert.strictEqual(approver([labeled("reviewer", "2026-01-10T09:00:00Z")], "author", PUSHED), undefined);
        assert.strictEqual(approver([labeled("reviewer", "2026-01-10T11:00:00Z"), labeled("author", "2026-01-10T12:00:00Z", "unlabeled")], "author", PUSHED), undefined);
        assert.strictEqual(approver([labeled("reviewer", "2026-01-10T11:00:00Z", "labeled", "lgtm")], "author", PUSHED), undefined);
        assert.strictEqual(approver([], "author", PUSHED), undefined);
    });

    it("counts the last time it was added: re-added by the author after a reviewer removed it, it does not approve", () => {
        const events = [labeled("reviewer", "2026-01-10T11:00:00Z"), labeled("reviewer", "2026-01-10T11:30:00Z", "unlabeled"),
            labeled("author", "2026-01-10T12:00:00Z")];
        assert.strictEqual(approver(events, "author", PUSHED), undefined);
        // Out of order, as pages may come: by time, not by position.
        assert.strictEqual(approver([labeled("other", "2026-01-10T13:00:00Z"), ...events], "author", PUSHED), "other");
    });
});

describe("pull request changes: what it compares and what it posts", () => {
    const diff = (stack: string, exitCode: number, report = `Changes since main, stack ${stack}: no changes`): StackDiff => ({ stack, exitCode, report });

    it("compares every stack file of either side", () => {
        assert.deepStrictEqual(stacksOf(["Pulumi.yaml", "Pulumi.dev.yaml", "README.md", "Pulumi.staging.yaml"], ["Pulumi.dev.yaml", "Pulumi.prod.yaml", ""]),
            ["dev", "prod", "staging"]);
    });

    it("needs an approval for a broadening stack or a base that cannot be planned, not for the rest", () => {
        assert.strictEqual(needsApproval([diff("dev", 0), diff("prod", 0)]), false);
        assert.strictEqual(needsApproval([diff("dev", 0), diff("prod", 3)]), true);
        assert.strictEqual(needsApproval([diff("dev", 4)]), true);
    });

    it("fails the job for a stack that does not plan or whose name the plan refuses, approval or not", () => {
        const diff = (stack: string, exitCode: number): StackDiff => ({ stack, exitCode, report: "" });
        assert.deepEqual(failedStacks([diff("ok", 0), diff("wider", 3), diff("nobase", 4), diff("broken", 1), diff("bad name", 2)]), ["broken", "bad name"]);
    });

    it("one comment of its own: marked, a verdict per stack, the gate, each report", () => {
        const body = commentBody([diff("dev", 0), diff("prod", 3, "Changes since main, stack prod:\n  BROADENING ...")], "main", undefined);
        assert.ok(body.startsWith(MARKER));
        assert.match(body, /^- `dev`: no broadening$/m);
        assert.match(body, /^- `prod`: \*\*broadens access\*\*$/m);
        assert.match(body, new RegExp(`adding the label \`${APPROVAL_LABEL}\``));
        assert.match(body, /<details open><summary>prod<\/summary>\n\n```text\nChanges since main, stack prod:\n {2}BROADENING/);
        assert.match(commentBody([diff("prod", 3)], "main", "reviewer"), /Broadening approved by @reviewer/);
    });

    it("cuts a report GitHub would refuse, closing its code block", () => {
        const body = commentBody([diff("prod", 3, "x".repeat(100_000))], "main", undefined);
        assert.ok(body.length <= 65_000, String(body.length));
        assert.match(body, /```\n\n\(cut: the whole report is in the job's log and its plan-changes artifact\)\n$/);
    });
});
