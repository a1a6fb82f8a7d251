import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../offline/engine";
import { stackConfig } from "../offline/access";
import { accessTable } from "../offline/accessTable";
import { BEGIN, END, render } from "../offline/securityDoc";

describe("SECURITY.md", () => {
    it("is up to date with the access table and the registered policies (run `npm run security-doc`)", async () => {
        const current = fs.readFileSync(path.join(ROOT, "SECURITY.md"), "utf8");
        assert.equal(await render(current), current);
    });

    it("lists every row of the access table", async () => {
        const text = await render(`${BEGIN}\n${END}`);
        assert.equal(text.split("\n").filter(l => /^\| \d+ \|/.test(l)).length, accessTable(stackConfig("prod")).rows.length);
    });
});
