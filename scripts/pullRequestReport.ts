// What the pull request's plan-changes job decides and posts (scripts/pullRequest.ts runs it):
// which stacks it compares, who may approve a broadening change, and its one comment.
import { stackOfFile } from "../offline/engine/root";

/** The label that approves a broadening change, when someone other than the author adds it after the last push. */
export const APPROVAL_LABEL = "access-change-approved";
/** Marks the job's own comment, so each push updates it instead of adding another. */
export const MARKER = "<!-- cross-account-pipeline: plan changes -->";
/** GitHub refuses a comment body over 65,536 characters. */
const COMMENT_LIMIT = 65_000;

/** One stack's diff: the command's exit code and its "Changes since" section (or what it printed on failure). */
export interface StackDiff {
    stack: string;
    exitCode: number;
    report: string;
}

/** What GitHub's issue events API returns for a label being added or removed (the fields read here). */
export interface LabelEvent {
    event: string;
    actor: { login: string } | null;
    created_at: string;
    label?: { name: string };
}

/** The stacks to compare: every stack file of the head and of the base (one side only: added or removed). */
export function stacksOf(headFiles: string[], baseFiles: string[]): string[] {
    return [...new Set([...headFiles, ...baseFiles].map(stackOfFile).filter((s): s is string => !!s))].sort();
}

/**
 * Who approved the broadening, or undefined: the approval label is on the pull request now, and
 * its last `labeled` event is by someone other than the author, after `since` (the head commit's
 * first run: a later push needs a new approval). The author cannot approve alone.
 */
export function approver(events: LabelEvent[], author: string, since: string): string | undefined {
    const own = events.filter(e => e.label?.name === APPROVAL_LABEL && (e.event === "labeled" || e.event === "unlabeled"))
        .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
    const last = own[own.length - 1];
    const login = last?.actor?.login;
    return last?.event === "labeled" && login && login.toLowerCase() !== author.toLowerCase() &&
        Date.parse(last.created_at) > Date.parse(since) ? login : undefined;
}

const broadens = (d: StackDiff) => d.exitCode === 3;
/** A base that cannot be planned (4) cannot show that nothing broadens: it needs the approval too. */
export const needsApproval = (diffs: StackDiff[]) => diffs.some(d => broadens(d) || d.exitCode === 4);

/**
 * The stacks whose diff failed the job whatever the approval: any exit but a plan (0), broadening
 * (3) or a base that cannot be planned (4, which needs the approval): one that does not plan (1),
 * arguments the plan refuses (2, a stack file's name).
 */
export const failedStacks = (diffs: StackDiff[]) => diffs.filter(d => ![0, 3, 4].includes(d.exitCode)).map(d => d.stack);

/** The comment: a verdict per stack, then each stack's report, cut to what GitHub accepts. */
export function commentBody(diffs: StackDiff[], base: string, approvedBy: string | undefined): string {
    const verdict = (d: StackDiff) => d.exitCode === 0 ? "no broadening" : broadens(d) ? "**broadens access**"
        : d.exitCode === 4 ? "**base cannot be planned**" : "**does not plan**";
    const gate = !needsApproval(diffs) ? "Nothing broadens access: no approval needed."
        : approvedBy ? `Broadening approved by @${approvedBy} (label \`${APPROVAL_LABEL}\`).`
            : `This change broadens access: a person other than the author approves it by adding the label \`${APPROVAL_LABEL}\` ` +
                "(a later push needs it added again).";
    const head = [MARKER, `### Plan changes since ${base}`, "", ...diffs.map(d => `- \`${d.stack}\`: ${verdict(d)}`), "", gate, ""].join("\n");
    let body = head + diffs.map(d => `\n<details${d.exitCode === 0 ? "" : " open"}><summary>${d.stack}</summary>\n\n\`\`\`text\n${d.report}\n\`\`\`\n</details>\n`).join("");
    if (body.length > COMMENT_LIMIT) {
        const cut = "\n```\n\n(cut: the whole report is in the job's log and its plan-changes artifact)\n";
        body = body.slice(0, COMMENT_LIMIT - cut.length) + cut;
    }
    return body;
}

