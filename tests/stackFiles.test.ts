// Your stack files: every Pulumi.<stack>.yaml of the project (or of the folder
// CROSS_ACCOUNT_PIPELINE_STACKS names) is checked by what must hold for any valid stack, never by
// its values. Adding, removing or editing a valid stack file keeps `npm test` passing; an invalid
// one fails with the message `npm run plan` prints, which names the file.
import { strict as assert } from "assert";
import { evaluate, RawConfig, readStackConfig } from "../offline/engine/engine";
import { planOf } from "../offline/report/plan";
import { stacksIn } from "../offline/engine/root";
import { USER_STACKS } from "./support/isolate";
import { checkEvaluation } from "./properties/invariants";

/** Whether a value holds a `secure:` one somewhere: only the Pulumi CLI can decrypt it (with the stack's secrets provider). */
const holdsSecret = (value: unknown): boolean => typeof value === "object" && value !== null &&
    ("secure" in value || Object.values(value).some(holdsSecret));

describe("your stack files", function () {
    // An evaluation, the plan's access table and every invariant, per stack file.
    this.timeout(300_000);

    for (const stack of stacksIn(USER_STACKS)) {
        const file = `Pulumi.${stack}.yaml`;
        // The file is read again in the test, where a mutation run's mutant is active.
        const read = (): { config?: RawConfig; problem?: string } => {
            try {
                return { config: readStackConfig(stack, USER_STACKS) };
            } catch (e) {
                return { problem: (e as Error).message };
            }
        };
        if (holdsSecret(read().config)) {
            it.skip(`${file}: holds secure: values, which only the Pulumi CLI decrypts: \`pulumi preview\` checks it, not this test`);
            continue;
        }
        it(`${file}: validates, evaluates and plans, keeps every invariant, and meets Security Hub's controls but the exceptions its configuration declares`, async () => {
            const { config, problem } = read();
            assert.ok(config, `${file} does not plan:\n${problem}`);
            const e = await evaluate(stack, config);
            const plan = await planOf(e);
            assert.equal(plan.exitCode, 0, `${file} does not plan:\n${plan.text}`);
            await checkEvaluation(e).catch((error: Error) => assert.fail(`${file} breaks an invariant: ${error.message}`));
        });
    }
});
