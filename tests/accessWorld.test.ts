import { strict as assert } from "assert";
import { AccessRow, AccessTable, AccessWorld, stackConfig } from "../offline/access/access";
import { evaluationOf, handmade } from "./support/handmade";
import { FIXTURES } from "./support/stacks";

// What the access table does with a defect of its own: a row is "not applicable" only for a reason
// config gives; a table that names what it does not define, or an entity it cannot tell apart,
// stops the report instead of hiding the row as n/a.

const role = (name: string) => handmade(name, { type: "aws:iam/role:Role", state: { name, arn: `arn:aws:iam::111111111111:role/${name}` } });
const row = (resource: string): AccessRow => ({ principal: "CodeBuild", action: "sts:AssumeRole", resource, expect: "ImplicitlyDenied", why: "a test" });

function world(resources: AccessTable["resources"]): AccessWorld {
    const table: AccessTable = { principals: { CodeBuild: { service: "codebuild.amazonaws.com" } }, resources, rows: [] };
    return new AccessWorld(table, evaluationOf([role("one"), role("two")]), stackConfig("dev", FIXTURES));
}

describe("the access table's own defects", () => {
    it("a row about a resource the table does not define fails, and keeps failing, instead of not applying", () => {
        const w = world({});
        for (let asked = 0; asked < 2; asked++) {
            assert.throws(() => w.absence(row("a bucket")), /^Error: the access table has no resource a bucket$/);
        }
    });

    it("a resource found by its type alone, of which the stack registers two, must be named", () => {
        assert.throws(() => world({ "a role": { type: "aws:iam/role:Role" } }).absence(row("a role")),
            /^Error: a role: 2 resources of type aws:iam\/role:Role; name the one you mean$/);
        assert.equal(world({ "a role": { type: "aws:iam/role:Role", name: "two" } }).absence(row("a role")), undefined);
    });

    it("a resource the stack does not register is a row that does not apply, with why", () => {
        assert.equal(world({ "a topic": { type: "aws:sns/topic:Topic" } }).absence(row("a topic")),
            "a topic: the stack does not create aws:sns/topic:Topic");
    });
});
