import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../offline/engine/engine";
import { stackConfig } from "../offline/access/access";
import { accessTable } from "../offline/report/accessTable";
import { BEGIN, END, generatedSection, render, stackReport } from "../offline/report/securityDoc";
import { evaluated, FIXTURES, sharedValue } from "./support/stacks";

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

    it("refuses a document without its markers, or with them out of order", () => {
        for (const current of ["# Security\n", `${END}\n${BEGIN}\n`, `${BEGIN}\n`]) {
            assert.throws(() => render(current, `${BEGIN}\n${END}`), /^Error: SECURITY\.md lacks the generated-section markers$/);
        }
    });
});

describe("a stack's security report (the plan's plan/<stack>.md)", () => {
    /** The first controls table's statuses by control id, in its `column` (3: the first stack's). */
    const statuses = (text: string, column: number) => {
        const table = text.slice(text.indexOf("| Control | Title |"));
        return Object.fromEntries(table.slice(0, table.indexOf("\n\n")).split("\n").slice(2)
            .map(l => l.split(" | ")).map(cells => [cells[0].slice(2), cells[column].replace(/ \|$/, "")]));
    };

    it("stands as SECURITY.md's column for the stack, control by control, under its headings", async () => {
        const report = stackReport(await evaluated("dev"));
        assert.ok(report.startsWith("## Security Hub controls (AWS Foundational Security Best Practices)\n\nHow this stack stands against each control"));
        assert.match(report, /^## Policy statements \(stack `dev`\)$/m);
        const security = fs.readFileSync(path.join(ROOT, "SECURITY.md"), "utf8");
        const mine = statuses(report, 3);
        assert.deepEqual(mine, statuses(security.slice(security.indexOf(BEGIN)), 3));
        assert.deepEqual(new Set(Object.values(mine)), new Set(["pass", "exception"]));
        // A stack that creates no load balancer: its controls do not apply.
        assert.equal(statuses(stackReport(await evaluated("existing")), 3)["ELB.6"], "n/a");
    });

    it("marks a control **FAIL** where a resource departs from it without declaring the exception", async () => {
        const e = structuredClone(await evaluated("dev"));
        const declared = e.resources.filter(r => r.inputs.tags?.["security-hub-exceptions"]);
        assert.ok(declared.length > 0);
        declared.forEach(r => { delete r.inputs.tags["security-hub-exceptions"]; });
        const before = statuses(stackReport(await evaluated("dev")), 3);
        const failing = Object.entries(statuses(stackReport(e), 3)).filter(([, status]) => status === "**FAIL**").map(([id]) => id);
        assert.ok(failing.includes("ELB.6") && failing.every(id => before[id] === "exception"), failing.join(", "));
    });
});
