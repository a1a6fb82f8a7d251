// Loaded before every test file (.mocharc.json); does nothing outside `npm run mutate`.
//
// StrykerJS's per-test coverage credits the code that runs to the test whose `beforeEach` ran
// last (it never clears it). A suite's `before` hook runs before its first test's `beforeEach`, so
// what the hook runs (the evaluation most suites share) was credited to the last test of the suite
// before it; a mutant reached only there was then tested by that test alone, which never runs the
// hook, and survived. Here a `before` hook's coverage is credited to every test of its suite.
import Mocha from "mocha";

type Hits = Record<string, number>;
/** What StrykerJS's instrumented code and its mocha runner share (the global `__stryker__`). */
export interface StrykerContext {
    activeMutant?: string;
    currentTestId?: string;
    mutantCoverage?: { static: Hits; perTest: Record<string, Hits> };
}

const HOOK = "(before hook) ";

/** Adds each hook's hits to every test of its suite and drops the hook's own entry. */
export function creditHooks(perTest: Record<string, Hits>, hooks: Map<string, Mocha.Suite>): void {
    for (const [id, suite] of hooks) {
        const hits = perTest[id];
        delete perTest[id];
        suite.eachTest(test => {
            const own = (perTest[test.fullTitle()] ??= {});
            for (const [mutant, count] of Object.entries(hits ?? {})) own[mutant] = (own[mutant] ?? 0) + count;
        });
    }
}

/**
 * Makes `before` hooks of suites built from `suiteClass` record their coverage under an id of their
 * own during StrykerJS's first run (no mutant active); the returned root hook credits it to the
 * suite's tests at the end of the run, before StrykerJS reads the coverage.
 */
export function creditBeforeHooks(suiteClass: typeof Mocha.Suite, stryker: StrykerContext): () => void {
    const hooks = new Map<string, Mocha.Suite>();
    let registered = 0;
    const register = suiteClass.prototype.beforeAll as (this: Mocha.Suite, title: string, fn: Mocha.Func | Mocha.AsyncFunc) => Mocha.Suite;
    suiteClass.prototype.beforeAll = function (this: Mocha.Suite, title: string | Mocha.Func | Mocha.AsyncFunc, fn?: Mocha.Func | Mocha.AsyncFunc) {
        const hook = typeof title === "function" ? title : fn!;
        const id = `${HOOK}${registered++} ${this.fullTitle()}`;
        const credit = () => {
            if (stryker.activeMutant === undefined) {
                stryker.currentTestId = id;
                hooks.set(id, this);
            }
        };
        // Mocha tells a callback hook from a promise one by its declared parameters.
        const wrapped = hook.length > 0
            ? function (this: Mocha.Context, done: Mocha.Done) { credit(); return (hook as Mocha.Func).call(this, done); }
            : function (this: Mocha.Context) { credit(); return (hook as Mocha.AsyncFunc).call(this); };
        return register.call(this, typeof title === "function" ? title.name : title, wrapped);
    } as typeof suiteClass.prototype.beforeAll;
    return () => {
        if (stryker.activeMutant === undefined && stryker.mutantCoverage) creditHooks(stryker.mutantCoverage.perTest, hooks);
    };
}

const stryker = (globalThis as { __stryker__?: StrykerContext }).__stryker__;
const credit = stryker ? creditBeforeHooks(Mocha.Suite, stryker) : undefined;
export const mochaHooks = credit ? { afterAll: credit } : {};
