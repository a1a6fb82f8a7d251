import { strict as assert } from "assert";
import { Ctx, problem, valid } from "../stacks/config/rule";

// What every config rule asks before it reads keys (stacks/config/rule.ts): whether they parsed. A
// mistake at a key, below it or above it (its block) makes it unreadable; an unknown key beside
// it, or another rule's mismatch, does not (each is reported once, where it is).

const ctx = (...issues: object[]) => ({ issues }) as unknown as Ctx;
const typeIssue = (path: (string | number)[]) => ({ code: "invalid_type", path });

describe("config rules: valid() and problem()", () => {
    it("a key with a mistake at it, inside it or in the block above it is not valid; one beside it is", () => {
        assert.equal(valid(ctx(typeIssue(["network", "vpcId"])), ["network", "vpcId"]), false);
        assert.equal(valid(ctx(typeIssue(["extra", 0, "name"])), ["extra"]), false);
        assert.equal(valid(ctx(typeIssue([])), ["emails"]), false);
        assert.equal(valid(ctx(typeIssue(["network"])), ["network", "vpcId"]), false);
        assert.equal(valid(ctx(typeIssue(["network", "subnets"])), ["network", "vpcId"], ["cidrBlock"]), true);
        assert.equal(valid(ctx(typeIssue(["cidrBlock"])), ["network", "vpcId"], ["cidrBlock"]), false, "any of the keys");
        assert.equal(valid(ctx(), []), true);
    });

    it("an unknown key and another rule's mismatch leave a key valid; a rule's finding about the value itself does not", () => {
        const custom = (kind: string) => ({ code: "custom", path: ["containerPort"], params: { kind } });
        assert.equal(valid(ctx({ code: "unrecognized_keys", path: ["containerPort"], keys: ["x"] }), ["containerPort"]), true);
        assert.equal(valid(ctx(custom("crossField")), ["containerPort"]), true);
        assert.equal(valid(ctx(custom("supersedes")), ["containerPort"]), true);
        assert.equal(valid(ctx(custom("value")), ["containerPort"]), false);
    });

    it("a problem is a mismatch with another key unless it says otherwise", () => {
        const added: any[] = [];
        const recording = { issues: [], addIssue: (i: object) => added.push(i) } as unknown as Ctx;
        problem(recording, ["a"], "expected", "example");
        problem(recording, ["b"], "expected", "example", "value");
        assert.deepEqual(added.map(i => [i.path, i.params.kind, i.params.expected, i.params.example, i.message]),
            [[["a"], "crossField", "expected", "example", "expected"], [["b"], "value", "expected", "example", "expected"]]);
    });
});
