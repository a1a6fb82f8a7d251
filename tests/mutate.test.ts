import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../offline/engine/engine";
import { evaluated } from "./support/stacks";

// `npm run mutate` (StrykerJS): what makes its scores mean something.

describe("mutation testing: shared evaluations under StrykerJS", () => {
    const global = globalThis as { __stryker__?: { activeMutant?: string } };
    afterEach(() => { delete global.__stryker__; });

    it("its first run shares nothing (each test that reads an evaluation is seen to cover the code it ran)", async () => {
        global.__stryker__ = {};
        const [a, b] = [evaluated("dev"), evaluated("dev")];
        assert.notEqual(a, b);
        await Promise.all([a, b]);
    });

    it("a mutant's run shares evaluations within that mutant only", async () => {
        global.__stryker__ = { activeMutant: "1" };
        const first = evaluated("dev");
        assert.equal(evaluated("dev"), first);
        global.__stryker__ = { activeMutant: "2" };
        const second = evaluated("dev");
        assert.notEqual(second, first);
        await Promise.all([first, second]);
    });

    it("outside StrykerJS an evaluation is shared by the whole test process", async () => {
        const first = evaluated("dev");
        assert.equal(evaluated("dev"), first);
        await first;
    });

    it("mutates the program's own folders with per-test coverage and incremental reruns; its reports are not committed", () => {
        const config = JSON.parse(fs.readFileSync(path.join(ROOT, "stryker.config.json"), "utf8"));
        assert.deepEqual(config.mutate, ["stacks/**/*.ts", "components/**/*.ts", "offline/**/*.ts"]);
        assert.equal(config.coverageAnalysis, "perTest");
        assert.equal(config.incremental, true);
        const ignored = fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8").split("\n");
        assert.ok(ignored.includes("reports/") && ignored.includes(".stryker-tmp/"));
        assert.ok(config.incrementalFile.startsWith("reports/") && config.htmlReporter.fileName.startsWith("reports/"));
    });
});
