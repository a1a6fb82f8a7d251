import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../offline/engine/engine";
import { stackConfig } from "../offline/access/access";
import { accessTable } from "../offline/report/accessTable";
import { BEGIN, END, generatedSection, render } from "../offline/report/securityDoc";
import { FIXTURES, sharedValue } from "./support/stacks";

describe("SECURITY.md", () => {
    /** The generated section, computed once for the tests below. */
    const generated = sharedValue(generatedSection);

    it("is up to date with the access table and the registered policies (run `npm run security-doc`)", async () => {
        const current = fs.readFileSync(path.join(ROOT, "SECURITY.md"), "utf8");
        assert.equal(render(current, await generated()), current);
    });

    it("lists every row of the access table", async () => {
        const text = render(`${BEGIN}\n${END}`, await generated());
        assert.equal(text.split("\n").filter(l => /^\| \d+ \|/.test(l)).length, accessTable(stackConfig("prod", FIXTURES)).rows.length);
    });
});
