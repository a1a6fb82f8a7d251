// Names the program derives from user input never collide, for names a user may choose: a target
// beside one named like its derived names (`a` and `a-check`, `a-target`, `a-deploy`), targets named
// like the pipeline's own actions, in one wave. The invariant (tests/properties/invariants.ts) is
// also checked on every generated stack, whose generator proposes such names.
import { strict as assert } from "assert";
import { RawConfig } from "../offline/engine/engine";
import { checkUniqueNames } from "./properties/invariants";
import { evaluateFixture } from "./support/fixtures";
import { key, targetsOf } from "./support/stacks";

/** The fixture's path with qa's target block under each of these names, all in one wave, each with a check. */
const wave = (names: string[]) => (c: RawConfig) => {
    const [qa] = targetsOf(c);
    c[key("targets")] = names.map((name, i) => ({ ...qa, name, wave: "all", check: { url: `https://${name}.release.test/ready` },
        create: { ...qa.create, domainName: undefined, serviceName: `release-${i}` } }));
};

describe("derived names never collide", () => {
    for (const names of [["a", "a-check"], ["a", "a-target", "a-deploy", "a-task"], ["markreleased", "markattempt", "check-a", "a"]]) {
        it(`targets ${names.join(", ")} in one wave: each URN, stage, action and namespace once`, async () => {
            const e = await evaluateFixture("release-path-https", wave(names));
            assert.equal(e.error?.message, undefined);
            checkUniqueNames(e);
        });
    }
});
