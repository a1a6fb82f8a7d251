// Your stack files: every Pulumi.<stack>.yaml of the project (or of the folder
// CROSS_ACCOUNT_PIPELINE_STACKS names) is checked by what must hold for any valid stack, never by
// its values. Adding, removing or editing a valid stack file keeps `npm test` passing; an invalid
// one fails with the message `npm run plan` prints, which names the file.
import { strict as assert } from "assert";
import { evaluate, readStackConfig } from "../offline/engine";
import { planOf } from "../offline/plan";
import { stacksIn } from "../offline/root";
import { checkEvaluation } from "./properties/invariants";

describe("your stack files", function () {
    // An evaluation, the plan's access table and every invariant, per stack file.
    this.timeout(300_000);

    for (const stack of stacksIn()) {
        const file = `Pulumi.${stack}.yaml`;
        it(`${file}: validates, evaluates and plans, keeps every invariant, and meets Security Hub's controls but the exceptions its configuration declares`, async () => {
            let config;
            try {
                config = readStackConfig(stack);
            } catch (e) {
                assert.fail(`${file} does not plan:\n${(e as Error).message}`);
            }
            const e = await evaluate(stack, config);
            const plan = await planOf(e);
            assert.equal(plan.exitCode, 0, `${file} does not plan:\n${plan.text}`);
            await checkEvaluation(e).catch((error: Error) => assert.fail(`${file} breaks an invariant: ${error.message}`));
        });
    }
});
