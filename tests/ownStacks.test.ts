// The Done-when of "your stacks, your tests": with other account ids and another region in the
// example stack files, and a stack file of the user's own beside them, `npm test`'s checks of the
// stack files pass and every stack plans. Run as a user would, in child processes pointed at a
// copy of the project's stack files (CROSS_ACCOUNT_PIPELINE_STACKS).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../offline/engine/engine";
import { STACKS_ENV, stacksIn } from "../offline/engine/root";
import { rewrite } from "./support/rewrite";

/** A stack file a user might write: their own accounts, another region, a Bitbucket source, a sandbox target and an approval. */
const OWN_STACK = `config:
  pulumi:disable-default-providers:
    - aws
  cross-account-pipeline:region: eu-west-1
  cross-account-pipeline:pipelineAccount:
    accountId: "210987650001"
  cross-account-pipeline:source:
    provider: Bitbucket
    repository: acme/payments
    branch: main
  cross-account-pipeline:targets:
    - name: qa
      account:
        accountId: "210987650002"
      create:
        serviceName: payments-qa
        deletionProtection: false
        network:
          subnets: public
    - name: live
      approval: true
      region: eu-central-1
      account:
        accountId: "210987650003"
      create:
        serviceName: payments
        certificateArn: arn:aws:acm:eu-central-1:210987650003:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789
`;

/** A 12-digit account id, as a stack file writes it (not part of a longer name, such as a certificate id). */
const ACCOUNT_ID = /(?<![\w-])\d{12}(?![\w-])/g;

/** A new folder holding `files` (name -> text). */
function folderWith(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "own-stacks-"));
    for (const [file, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
}

/** The project's stack files with each account id (any 12 digits) and the region rewritten to other valid values. */
function rewrittenStackFiles(): Record<string, string> {
    let next = 0;
    return Object.fromEntries(stacksIn(ROOT).map(stack => {
        const text = fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
        const ids = [...new Set(text.match(ACCOUNT_ID) ?? [])];
        const region = /^ {2}(?:cross-account-pipeline:)?region: (\S+)$/m.exec(text)![1];
        // One other id per id; another region (its certificates' ARNs follow).
        // Twelve digits whatever the stack's name, each other id its own: 7 and a counter over every file.
        const rewrites = Object.fromEntries([...ids.map(id => [id, `7${String(++next).padStart(11, "0")}`]),
            [region, region === "us-west-2" ? "eu-west-1" : "us-west-2"]]);
        return [`Pulumi.${stack}.yaml`, rewrite(text, rewrites)];
    }));
}

/** A command of this project run on the stack files of `dir`, from source. */
function run(dir: string, args: string[]) {
    return spawnSync(process.execPath, args, {
        cwd: ROOT, encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", npm_config_stack: undefined, [STACKS_ENV]: dir },
    });
}
const stackFileTests = (dir: string) =>
    run(dir, [require.resolve("mocha/bin/mocha.js"), "--no-config", "--require", "ts-node/register", "--timeout", "600000", "tests/stackFiles.test.ts"]);

describe("your stacks, your tests", function () {
    // Child processes that load Pulumi: one runs the stack-file checks on four files, two plan.
    this.timeout(600_000);

    const broken = OWN_STACK.replace("region: eu-west-1", "region: ireland").replace("      approval: true", "      aproval: true");
    let dir: string;
    let tests: ReturnType<typeof run>;
    /** The user's own files, beside the copies (named so they replace none). */
    const own = { "Pulumi.payments.yaml": OWN_STACK, "Pulumi.payments-typo.yaml": broken };
    const copied = () => stacksIn(ROOT).filter(stack => !(`Pulumi.${stack}.yaml` in own));
    before(() => {
        dir = folderWith({ ...rewrittenStackFiles(), ...own });
        tests = stackFileTests(dir);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("with other account ids and region in the example stack files and a stack file of one's own, every one passes the stack-file checks and plans", () => {
        for (const stack of copied()) {
            const [before, after] = [ROOT, dir].map(d => fs.readFileSync(path.join(d, `Pulumi.${stack}.yaml`), "utf8"));
            const kept = before.match(ACCOUNT_ID)!.filter(id => after.includes(id));
            assert.deepEqual(kept, [], `${stack}: every account id rewritten`);
        }
        // A file holding `secure:` values is skipped by the checks (only the Pulumi CLI decrypts them): not counted here.
        const secure = (stack: string) => /(^|\s)secure:\s/m.test(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8"));
        const valid = stacksIn(dir).filter(stack => stack !== "payments-typo" && !secure(stack));
        for (const stack of valid) {
            assert.match(tests.stdout, new RegExp(`[✔✓] Pulumi\\.${stack}\\.yaml: validates`), tests.stdout + tests.stderr);
        }
        assert.match(tests.stdout, new RegExp(`\\b${valid.length} passing`));
        const plan = run(dir, ["-r", "ts-node/register", "scripts/plan.ts", "--stack", "payments"]);
        assert.equal(plan.status, 0, plan.stdout + plan.stderr);
        assert.ok(fs.existsSync(path.join(dir, "plan", "payments.md")));
    });

    it("an invalid stack file fails the stack-file checks with the plan's message, which names the file", () => {
        assert.notEqual(tests.status, 0);
        assert.match(tests.stdout, /\b1 failing/);
        const plan = run(dir, ["-r", "ts-node/register", "scripts/plan.ts", "payments-typo"]);
        assert.equal(plan.status, 1);
        const message = plan.stderr.trim();
        assert.match(message, /^invalid stack configuration \(2 problems\):\n {2}- Pulumi\.payments-typo\.yaml: cross-account-pipeline:region: /);
        assert.match(message, /Pulumi\.payments-typo\.yaml: cross-account-pipeline:targets\[1\]\.aproval: /);
        assert.ok(tests.stdout.includes("Pulumi.payments-typo.yaml does not plan:"), tests.stdout);
        assert.ok(message.split("\n").every(line => tests.stdout.includes(line.trim())), tests.stdout);
    });
});
