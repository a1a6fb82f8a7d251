// How the offline engine reads a value the way the provider sends it, on resources made by hand
// (a file of its own: a mutation run retests only what a change to this file touches).
import { strict as assert } from "assert";
import { apiViolations } from "../offline/engine/apiRules";
import { CODEBUILD_TRUST, handmade } from "./support/handmade";

const refused = (type: string, state: Record<string, unknown>) => apiViolations([handmade("r", { type, state })]).map(v => [v.property, v.rule]);

describe("offline engine: a value as the provider sends it", () => {
    it("a policy given as an object is sent as its JSON, and IAM's 131,072 characters bound that text", () => {
        // IAM's CreateRole: AssumeRolePolicyDocument of 1 to 131,072 characters (its model).
        const padded = (n: number) => ({ ...CODEBUILD_TRUST, Id: "x".repeat(n - JSON.stringify({ ...CODEBUILD_TRUST, Id: "" }).length) });
        assert.equal(JSON.stringify(padded(131_072)).length, 131_072);
        assert.deepEqual(refused("aws:iam/role:Role", { name: "r", assumeRolePolicy: padded(131_072) }), []);
        assert.deepEqual(refused("aws:iam/role:Role", { name: "r", assumeRolePolicy: padded(131_073) }), [["assumeRolePolicy", "length at most 131072"]]);
    });

    it("a null input is no input: a required member is missing, an optional list is not sent", () => {
        assert.deepEqual(refused("aws:iam/role:Role", { name: "r", assumeRolePolicy: null }), [["assumeRolePolicy", "present (the request requires it)"]]);
        assert.deepEqual(refused("aws:codebuild/project:Project", { name: "pp", tags: null }).filter(([p]) => p === "tags"), []);
    });

    it("a manual approval without CustomData, or without a configuration, is within the approval's limit", () => {
        const pipeline = (configuration?: Record<string, string>) => ({ name: "p", stages: [{ name: "s", actions: [
            { name: "a", category: "Approval", owner: "AWS", provider: "Manual", version: "1", configuration }] }] });
        const configurations: (Record<string, string> | undefined)[] = [undefined, {}, { NotificationArn: "arn:aws:sns:eu-west-1:111111111111:t" }];
        for (const configuration of configurations) {
            assert.deepEqual(refused("aws:codepipeline/pipeline:Pipeline", pipeline(configuration)).filter(([, rule]) => rule.includes("CustomData")), []);
        }
    });
});
