import { strict as assert } from "assert";
import { pipelineStages } from "../stacks/config/releasePath";

// The pipeline's stages after Build, as the schema's limits count them and the pipeline registers
// them (the property tests check the two agree on every generated stack).

describe("the release path's stages", () => {
    const check = {};
    it("groups consecutive targets of one wave, gives every other target a stage of its own, and asks for approval if any of a stage's targets does", () => {
        const stages = pipelineStages([
            { name: "qa", check }, { name: "eu", wave: "live", approval: true }, { name: "us", wave: "live", check },
            { name: "canary", wave: "late" }, { name: "apac", wave: "live" },
        ]);
        assert.deepEqual(stages.map(s => [s.name, s.targets.map(t => t.name), s.actions, s.approval]), [
            // A lone target: its release marker, its deploy, its check.
            ["qa", ["qa"], 3, false],
            // A wave: its attempt and release markers, a deploy each and a check each where one is set.
            ["live", ["eu", "us"], 5, true],
            ["late", ["canary"], 2, false],
            ["live", ["apac"], 2, false],
        ]);
    });
});
