import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../offline/engine/engine";
import Mocha from "mocha";
import { evaluated, sharedValue } from "./support/stacks";
import { countsOf, runAndRecord, runsFor, scores, sourcesToMutate, splitReport, survivors } from "../scripts/mutate";
import { creditBeforeHooks, StrykerContext } from "./support/strykerCoverage";

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

    it("a describe block's shared value is made again under each mutant, and for each test of the first run", () => {
        let made = 0;
        const value = sharedValue(() => ++made);
        global.__stryker__ = {};
        assert.deepEqual([value(), value()], [1, 2]);
        global.__stryker__ = { activeMutant: "1" };
        assert.deepEqual([value(), value()], [3, 3]);
        global.__stryker__ = { activeMutant: "2" };
        assert.equal(value(), 4);
        delete global.__stryker__;
        assert.deepEqual([value(), value()], [5, 5]);
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

describe("mutation testing: what a suite's before hook runs, under StrykerJS's first run", () => {
    /** A mocha run of two suites, the second with a before hook, its coverage recorded the way StrykerJS's instrumented code records it. */
    async function coverage(suiteClass: typeof Mocha.Suite, stryker: StrykerContext): Promise<Record<string, Record<string, number>>> {
        const covered: NonNullable<StrykerContext["mutantCoverage"]> = stryker.mutantCoverage = { static: {}, perTest: {} };
        const reached = (mutant: string) => {
            const hits = stryker.currentTestId === undefined ? covered.static : (covered.perTest[stryker.currentTestId] ??= {});
            hits[mutant] = (hits[mutant] ?? 0) + 1;
        };
        const root = new suiteClass("", new Mocha.Context());
        root.root = true;
        // What StrykerJS's mocha runner does: the test about to run is the one credited.
        root.beforeEach(function () { stryker.currentTestId = this.currentTest!.fullTitle(); });
        const suite = (title: string) => root.addSuite(new suiteClass(title, root.ctx)) && root.suites[root.suites.length - 1];
        suite("first").addTest(new Mocha.Test("a", () => reached("1")));
        const second = suite("second");
        second.beforeAll(async () => reached("2"));
        second.addTest(new Mocha.Test("b", () => undefined));
        second.addTest(new Mocha.Test("c", () => reached("3")));
        await new Promise(resolve => new Mocha.Runner(root, {}).run(resolve));
        return covered.perTest;
    }

    it("is credited to each test of its suite, not to the test that ran before it", async () => {
        // Without the credit, the hook's code counts as covered by the first suite's test only.
        assert.deepEqual(await coverage(Mocha.Suite, {}), { "first a": { 1: 1, 2: 1 }, "second c": { 3: 1 } });
        class Suite extends Mocha.Suite {}
        const stryker: StrykerContext = {};
        const credit = creditBeforeHooks(Suite, stryker);
        const perTest = await coverage(Suite, stryker);
        credit();
        assert.deepEqual(perTest, { "first a": { 1: 1 }, "second b": { 2: 1 }, "second c": { 2: 1, 3: 1 } });
    });

    it("changes nothing in a mutant's run (the coverage is StrykerJS's first run's only)", async () => {
        class Suite extends Mocha.Suite {}
        const stryker: StrykerContext = { activeMutant: "7" };
        const credit = creditBeforeHooks(Suite, stryker);
        const perTest = await coverage(Suite, stryker);
        credit();
        assert.deepEqual(perTest, { "first a": { 1: 1, 2: 1 }, "second c": { 3: 1 } });
    });
});

describe("npm run mutate: files grouped into runs, a report per file, scores per folder", () => {
    it("runs a file with earlier results alone (to reuse them) and files never run a batch at a time", () => {
        const earlier = new Set(["b.ts", "e.ts"]);
        assert.deepEqual(runsFor(["a.ts", "b.ts", "c.ts", "d.ts", "e.ts", "f.ts", "g.ts"], f => earlier.has(f), 2),
            [["b.ts"], ["e.ts"], ["a.ts", "c.ts"], ["d.ts", "f.ts"], ["g.ts"]]);
        assert.deepEqual(runsFor(["a.ts", "b.ts"], () => false, 6), [["a.ts", "b.ts"]]);
    });

    it("records the digest each file had when the runs began, so that a file edited during a run runs again; a failed run records nothing", () => {
        let edits = 0;
        const recorded: string[] = [];
        const run = (fail: string) => runAndRecord([["a.ts"], ["b.ts", "c.ts"], ["d.ts"]], f => `${f}@${edits}`,
            files => { edits++; return files.includes(fail) ? 1 : 0; }, (f, d) => recorded.push(`${f} ${d}`));
        assert.equal(run("none"), 0);
        assert.deepEqual(recorded, ["a.ts a.ts@0", "b.ts b.ts@0", "c.ts c.ts@0", "d.ts d.ts@0"]);
        recorded.length = 0;
        assert.equal(run("b.ts"), 1);
        assert.deepEqual(recorded, ["a.ts a.ts@3"]);
    });

    it("splits a run's report into one per file, each keeping the run's tests its mutants name", () => {
        const run = { schemaVersion: "1", testFiles: { "t.ts": { tests: [{ id: "0", name: "t" }] } },
            files: { "a.ts": { mutants: [{ coveredBy: ["0"] }] }, "b.ts": { mutants: [] } } };
        assert.deepEqual(splitReport(run), {
            "a.ts": { schemaVersion: "1", testFiles: run.testFiles, files: { "a.ts": run.files["a.ts"] } },
            "b.ts": { schemaVersion: "1", testFiles: run.testFiles, files: { "b.ts": run.files["b.ts"] } },
        });
        // A file of the run with nothing to mutate (StrykerJS leaves it out) is run, with no mutants.
        assert.deepEqual(splitReport(run, ["a.ts", "types.ts"])["types.ts"],
            { schemaVersion: "1", testFiles: run.testFiles, files: { "types.ts": { language: "typescript", source: "", mutants: [] } } });
        assert.deepEqual(Object.keys(splitReport(run, ["a.ts", "types.ts"])), ["a.ts", "b.ts", "types.ts"]);
    });

    const report = (...statuses: string[]) => ({ files: { "x.ts": { mutants: statuses.map(status => ({ status })) } } });

    it("counts as StrykerJS scores: killed and timed out detected, survived and uncovered not, ignored and errors left out", () => {
        assert.deepEqual(countsOf(report("Killed", "Timeout", "Survived", "NoCoverage", "Ignored", "CompileError", "RuntimeError", "Killed")),
            { detected: 3, undetected: 2, ignored: 3 });
    });

    it("scores each folder over the files run so far, and says how many are not", () => {
        const reports: Record<string, ReturnType<typeof report>> = {
            "stacks/a.ts": report("Killed", "Killed", "Killed", "Survived"), "stacks/b.ts": report("Killed", "Ignored"),
            "components/c.ts": report("NoCoverage"),
        };
        assert.deepEqual(scores(["stacks/a.ts", "stacks/b.ts", "components/c.ts", "components/d.ts", "offline/e.ts"], f => reports[f]), [
            "stacks/: 80.0% (4 of 5 mutants detected, 1 ignored; 2 of 2 files run)",
            "components/: 0.0% (0 of 1 mutants detected, 0 ignored; 1 of 2 files run)",
            "offline/: n/a (0 of 0 mutants detected, 0 ignored; 0 of 1 files run)",
        ]);
    });

    it("lists each mutant no test detected with its place, its change and the line it changed", () => {
        const at = (line: number, column: number) => ({ start: { line, column } });
        const report = { files: { "stacks/a.ts": { source: "const a = 1;\n  if (a > 0) go();\n", mutants: [
            { status: "Killed", mutatorName: "BooleanLiteral", replacement: "false", location: at(1, 11) },
            { status: "Survived", mutatorName: "EqualityOperator", replacement: "a >= 0", location: at(2, 7) },
            { status: "NoCoverage", mutatorName: "BlockStatement", location: at(2, 14) },
        ] } } };
        assert.deepEqual(survivors(report), [
            'stacks/a.ts:2:7 Survived EqualityOperator: "a >= 0"\n    if (a > 0) go();',
            'stacks/a.ts:2:14 NoCoverage BlockStatement: ""\n    if (a > 0) go();',
        ]);
    });

    it("mutates every TypeScript source of the three folders, nothing else", () => {
        const files = sourcesToMutate([]);
        assert.ok(files.includes(path.join("stacks", "config", "schema.ts")) && files.includes(path.join("offline", "engine", "engine.ts")));
        assert.deepEqual(files.filter(f => !/^(stacks|components|offline)[\\/].*\.ts$/.test(f)), []);
        assert.deepEqual(sourcesToMutate([path.join("stacks", "config")]).filter(f => !f.startsWith(path.join("stacks", "config"))), []);
    });
});
