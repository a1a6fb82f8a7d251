import { strict as assert } from "assert";
import Ajv from "ajv";
import { z } from "zod";
import { BEGIN, END, renderReadme, stackFileSchema } from "../stacks/config/jsonSchema";

// The generator of the JSON Schema and the README's config reference, on inputs of its own: a
// project name with characters a regular expression reads as operators, a README whose
// generated section is missing or out of order, and a config of its own whose block of kinds
// is told apart by a key that is not its first, in three kinds, one of them by a list of values.

/** A block of three kinds, told apart by `kind`; `size` (first, a constant in one kind, absent from another) tells nothing. */
const Kinds = z.discriminatedUnion("kind", [
    z.strictObject({ size: z.literal(1), kind: z.literal("a"), a: z.string() }),
    z.strictObject({ kind: z.literal("d"), d: z.boolean() }),
    z.strictObject({ size: z.number(), kind: z.enum(["b", "c"]), b: z.number() }),
]);
const OwnShape = z.strictObject({
    thing: Kinds.meta({ examples: [{ kind: "d", d: true }] }),
    count: z.number().optional().describe("How many | at most").meta({ expected: "a number | none", examples: [3] }),
    mode: z.string().default("fast").describe("The mode.").meta({ expected: "a word", examples: ["slow"] }),
});

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

    it("checks each kind of a block by its own keys, told apart by the key whose values differ, wherever it is in the block", () => {
        const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(stackFileSchema("app", OwnShape));
        const errors = (thing: object) => validate({ config: { "app:thing": thing } }) ? [] :
            validate.errors!.filter(e => e.keyword !== "if").map(e => `${e.instancePath} ${e.message}`);
        assert.deepEqual(errors({ size: 1, kind: "a", a: "x" }), []);
        assert.deepEqual(errors({ size: 7, kind: "c", b: 2 }), []);
        assert.deepEqual(errors({ kind: "d", d: false }), []);
        assert.deepEqual(errors({ size: 1, kind: "a", a: 3 }), ["/config/app:thing/a must be string"]);
        assert.deepEqual(errors({ size: 1, kind: "b", b: "x" }), ["/config/app:thing/b must be number"]);
        assert.deepEqual(errors({ kind: "d", d: "yes" }), ["/config/app:thing/d must be boolean"]);
    });

    it("writes one reference row per key: a missing default as none, a table's bar in a cell escaped", () => {
        const rows = renderReadme(`${BEGIN}\n${END}\n`, OwnShape).split("\n").filter(l => /^\| `(count|mode)`/.test(l));
        assert.deepEqual(rows, [
            "| `count` | How many \\| at most | a number \\| none | none | `3` |",
            "| `mode` | The mode. | a word | `fast` | `slow` |",
        ]);
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
