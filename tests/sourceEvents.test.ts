import { strict as assert } from "assert";
import { configOf } from "../offline/access/access";
import { evaluated, one } from "./support/stacks";

// A CodeCommit source starts the pipeline through an EventBridge rule (CodeCommit has no
// webhooks). The rule is matched here against events in the form CodeCommit sends them, as its
// user guide shows them (https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html):
// a push that creates or updates the branch starts the pipeline; a tag, another branch, a deleted
// branch, another repository or a pull request does not.

/**
 * EventBridge's matching for the pattern forms the rule uses (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
 * every field the pattern names must be in the event; a list matches a value equal to one of its
 * elements; an object matches the event's object field by field. Any other form (content filters
 * such as `prefix`) is refused here rather than guessed.
 */
function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
    return Object.entries(pattern).every(([field, expected]) => {
        const value = event[field];
        if (Array.isArray(expected)) {
            assert.ok(expected.every(e => typeof e === "string"), `a content filter in ${field}: not implemented by this matcher`);
            return (Array.isArray(value) ? value : [value]).some(v => expected.includes(v));
        }
        return typeof value === "object" && value !== null && matches(expected as Record<string, unknown>, value as Record<string, unknown>);
    });
}

/** A CodeCommit "Repository State Change" event with the fields the user guide's examples show. */
function referenceEvent(repositoryArn: string, detail: Partial<Record<"event" | "referenceType" | "referenceName", string>>) {
    const [, , , region, account, repositoryName] = repositoryArn.split(":");
    const detailOf = { event: "referenceUpdated", referenceType: "branch", referenceName: "main", ...detail };
    return {
        version: "0", id: "01234567-0123-0123-0123-012345678912", "detail-type": "CodeCommit Repository State Change",
        source: "aws.codecommit", account, time: "2026-12-07T10:23:43Z", region, resources: [repositoryArn],
        detail: {
            ...detailOf, repositoryName, repositoryId: "12345678-1234-5678-abcd-12345678abcd",
            referenceFullName: `refs/${detailOf.referenceType === "tag" ? "tags" : "heads"}/${detailOf.referenceName}`,
            commitId: "3e5983EXAMPLE", oldCommitId: "3e5983OLDEXAMPLE",
        },
    };
}

describe("a CodeCommit source starts the pipeline on a push to its branch", () => {
    for (const stack of ["dev", "existing"]) {
        it(`${stack}: a created or updated branch starts it; a tag, another branch, a deletion, another repository or a pull request does not`, async () => {
            const e = await evaluated(stack);
            const config = configOf(e);
            assert.equal(config.source.provider, "CodeCommit");
            const branch = config.source.branch;
            const pattern = JSON.parse(one(e, "aws:cloudwatch/eventRule:EventRule").inputs.eventPattern);
            const repository: string = one(e, "aws:codecommit/repository:Repository").state.arn;
            const on = (detail: Parameters<typeof referenceEvent>[1], arn = repository) => matches(pattern, referenceEvent(arn, { referenceName: branch, ...detail }));
            assert.equal(on({ event: "referenceCreated" }), true, "a new branch");
            assert.equal(on({ event: "referenceUpdated" }), true, "a push");
            assert.equal(on({ event: "referenceDeleted" }), false, "a deleted branch");
            assert.equal(on({ referenceType: "tag" }), false, "a tag of the branch's name");
            assert.equal(on({ referenceName: `${branch}-other` }), false, "another branch");
            assert.equal(on({}, repository.replace(/:([^:]+)$/, ":$1-other")), false, "another repository");
            const pullRequest = { ...referenceEvent(repository, { referenceName: branch }), "detail-type": "CodeCommit Pull Request State Change",
                detail: { event: "pullRequestCreated", repositoryNames: [repository.split(":")[5]], destinationReference: `refs/heads/${branch}` } };
            assert.equal(matches(pattern, pullRequest), false, "a pull request");
        });
    }
});
