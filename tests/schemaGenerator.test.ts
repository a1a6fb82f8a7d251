import { strict as assert } from "assert";
import { BEGIN, END, renderReadme, stackFileSchema } from "../stacks/config/jsonSchema";

// The generator of the JSON Schema and the README's config reference, on inputs of its own: a
// project name with characters a regular expression reads as operators, and a README whose
// generated section is missing or out of order.

describe("the config reference generator", () => {
    it("reads a project name literally in the schema's key patterns (a dot is a dot)", () => {
        const patterns = Object.keys((stackFileSchema("my.app+x").properties as any).config.patternProperties);
        const other = new RegExp(patterns[0]);
        const old = new RegExp(patterns[1]);
        assert.equal(other.test("aws:region"), true);
        assert.equal(other.test("my.app+x:region"), false, "the project's own key is not another namespace's");
        assert.equal(other.test("myXapp+x:region"), true, "a name that only matches the project's as a pattern is another namespace");
        assert.equal(old.test("my.app+x:config:region"), true);
        assert.equal(old.test("myXappx:config:region"), false);
    });

    it("rewrites only what is between its markers, and refuses a README without them in order", () => {
        const rendered = renderReadme(`intro\n${BEGIN}\nold rows\n${END}\noutro\n`);
        assert.ok(rendered.startsWith(`intro\n${BEGIN}\n| Key | Meaning | Value | Default | Example |\n`) && rendered.endsWith(`\n${END}\noutro\n`));
        assert.ok(!rendered.includes("old rows"));
        for (const broken of ["no markers", `${END}\n${BEGIN}`, `${BEGIN} without its end`]) {
            assert.throws(() => renderReadme(broken), /README\.md has no generated config reference/, broken);
        }
    });
});
