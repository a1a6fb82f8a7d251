import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { actionsOf, configOf, projectKeys } from "../offline/access/access";
import { accessTable } from "../offline/report/accessTable";
import { RawConfig, ROOT } from "../offline/engine/engine";
import { plan, renderPlan } from "../offline/report/plan";
import { adoptionLines, fromCreated } from "../offline/report/adoption";
import { registeredPolicies } from "../offline/access/policies";
import { parseConfig } from "../stacks/validation/parse";
import { stackNames } from "../stacks/names";
import { parsePlanOptions } from "../scripts/planArgs";
import { STACKS_ENV } from "../offline/engine/root";
import { configuredAbsence } from "./support/absence";
import { expectedExceptions } from "./support/securityHub";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../components/policies/logDelivery";
import { rewrittenConfig } from "./support/rewrite";
import { block, EXISTING_VPC, evaluated, existingTargetConfig, planned, planPart, sharedValue, targetsOf, fixture, FIXTURES, FIXTURE_STACKS } from "./support/stacks";

/** The stack a command line plans, or undefined for --help. */
const parsePlanArgs = (args: string[], npmStack: string | undefined) => parsePlanOptions(args, npmStack)?.stack;

/** The access table of a plan's text: each principal's lines, without their indentation. */
function accessGroups(text: string): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    let current: string[] = [];
    for (const line of text.slice(text.indexOf("Who can do what")).split("\n").slice(1)) {
        if (/^ {2}\S/.test(line)) {
            groups.set(line.trim().replace(/: not in this stack .*$/, ""), current = []);
        } else if (/^ {4}\S/.test(line)) {
            current.push(line.trim());
        } else {
            break;
        }
    }
    return groups;
}

/** The planned stacks, by the name tests/support/stacks.ts evaluates them under. */
const PLANNED: [string, string][] = [...FIXTURE_STACKS.map(s => [s, s] as [string, string]), ["prod's grown release path", "path"]];

for (const [name, shared] of PLANNED) {
    describe(`plan: stack ${name}`, () => {
        /** The stack's plan (shared by the test files), with its config. */
        const stackPlan = sharedValue(() => evaluated(shared).then(async e => ({ result: await planned(shared), config: configOf(e) })));

        it("prints the release path in order: Source, one Build, then each target or wave with its approval, marker, deploys and checks", async () => {
            const { result: { exitCode, text }, config } = await stackPlan();
            assert.strictEqual(exitCode, 0);
            const path = planPart(text, "Release path").slice(1);
            const stages = stackNames(config).stages;
            const approved = (stage: typeof stages[number]) => stage.targets.some(t => t.approval);
            assert.strictEqual(path.length, 2 + stages.length + stages.filter(approved).length);
            assert.match(path[0], /^ {3}1\. Source: source \S+ \S+$/);
            assert.match(path[1], /^ {3}2\. Build: build \S+: one image for every target$/);
            const tag = (prefix: string) => `tag the image ${prefix.replace(/\./g, "\\.")}<build id>`;
            let line = 2;
            stages.forEach(stage => {
                if (approved(stage)) {
                    // The approval alone in its own stage, before the stage it approves.
                    const approval = `manual approval${config.notifications ? " \\(its request to the notification topic\\)" : ""}` +
                        "(?:, its review link on the load balancer's own name \\(a browser warns\\))?";
                    assert.match(path[line], new RegExp(`^ +${line + 1}\\. Approve_${stage.name}: ${approval}$`));
                    line++;
                }
                const deploys = stage.targets.map(t => `deploy ${t.name} as arn:aws:iam::${t.account.accountId}:role/\\S+ in ${t.region}`).join(" \\| ");
                const checks = stage.targets.filter(t => t.check).map(() => " \\| check \\S+(?: at \\S+)?").join("");
                const want = `^ +${line + 1}\\. ${stage.name}: ` +
                    `${stage.attemptTagPrefix ? `${tag(stage.attemptTagPrefix)} -> ` : ""}${deploys} -> ${tag(stage.releaseTagPrefix)}${checks}$`;
                assert.match(path[line], new RegExp(want));
                line++;
            });
        });

        it("says who is told what, which alarms stop a release, and what a person does once", async () => {
            const { result: { text }, config } = await stackPlan();
            const n = config.notifications;
            const told = planPart(text, "Who is told");
            if (!n) {
                assert.deepEqual(told, ["Who is told: nobody (no notifications in the stack file): failures and waiting approvals show in the console only."]);
            } else {
                const events = `execution failed, approval needed${n.succeeded ? ", execution succeeded" : ""}`;
                assert.deepEqual(told.slice(1), [...n.emails.map(a => `  ${a} (email, once confirmed): ${events}; each approval's request ` +
                    `(${stackNames(config).stages.filter(st => st.targets.some(t => t.approval)).map(st => st.approvalStage).join(", ")}), with its review link`),
                ...n.slack ? [`  Slack channel ${n.slack.channelId} of workspace ${n.slack.workspaceId} (AWS Chatbot, configured in ${n.slack.region}): ${events}`] : []]);
            }
            const names = stackNames(config);
            config.targets.forEach((t, i) => {
                const line = text.split("\n").find(l => l.startsWith(`  ${t.name}: `) && /CodeDeploy rolls back|alarms not wired/.test(l));
                assert.ok(line, `no rollback line for ${t.name}`);
                if (t.existing) {
                    assert.match(line, /alarms not wired: its deployment group .* is not this stack's/);
                } else if (!t.create!.rollbackAlarms) {
                    assert.match(line, /\(no rollbackAlarms: no alarm stops it\)$/);
                } else {
                    for (const alarm of [...names.targets[i].created!.alarms!.map(a => a.alarmName), ...t.create!.rollbackAlarms.existing]) {
                        assert.ok(line.includes(`${alarm} (`), `${t.name}: ${alarm} not listed`);
                    }
                }
            });
            const steps = planPart(text, "One-time steps of a person:").join("\n");
            for (const address of n?.emails ?? []) {
                assert.ok(steps.includes(`after \`pulumi up\`: ${address} confirms its subscription`), address);
            }
            assert.equal(steps.includes("before the first `pulumi up`: authorize Slack workspace"), !!n?.slack);
        });

        it("shows what each account and region gets, as a tree by component, one provider each", async () => {
            const { result: { text }, config } = await stackPlan();
            const sections = text.split(/\n(?=Pipeline \(tooling\) account|Target account)/).slice(1);
            const pipeline = sections.filter(s => s.startsWith("Pipeline"));
            assert.match(pipeline[0], new RegExp(`^Pipeline \\(tooling\\) account ${config.pipelineAccount.accountId}, ${config.region}, provider pipeline-account`));
            assert.match(pipeline[0], /\n├─ CrossAccountArtifactStore artifacts\n│  ├─ Key artifacts-key {2}\(rotation on/);
            assert.match(pipeline[0], /CrossAccountPipeline pipeline/);
            for (const region of new Set(config.targets.map(t => t.region).filter(r => r !== config.region))) {
                assert.ok(pipeline.some(s => s.includes(`, ${region}, provider pipeline-account-${region}`) && s.includes(`CrossAccountArtifactStore artifacts-${region}`)), region);
            }
            stackNames(config).targets.forEach((names, i) => {
                const t = config.targets[i];
                const own = sections.find(s => s.startsWith(`Target account ${t.account.accountId}, ${t.region} (target`))!;
                assert.ok(own, `no section for ${t.name}`);
                assert.match(own, new RegExp(`ProdDeployRole ${names.logical.deploy}\\n`));
                assert.ok(!/CrossAccountPipeline/.test(own));
            });
        });

        it("computes the cross-account wiring from the registered inputs, for every target", async () => {
            const { result: { text }, config } = await stackPlan();
            const wires = text.slice(text.indexOf("Cross-account wiring")).replace(/ {2,}->/g, "  ->");
            stackNames(config).targets.forEach((names, i) => {
                const t = config.targets[i];
                const store = t.region === config.region ? "artifacts" : `artifacts-${t.region}`;
                // A target's account is named with the targets it holds.
                const account = `target account ${t.account.accountId} (${config.targets.filter(o => o.account.accountId === t.account.accountId).map(o => o.name).join(", ")})`;
                const expectations = [
                    `pipeline account ${config.pipelineAccount.accountId} -> ${account}`,
                    `Role pipeline-pipeline.arn  ->  Role ${names.logical.deploy}.assumeRolePolicy`,
                    `Key ${store}-key.arn  ->  RolePolicy ${names.logical.deploy}-permissions.policy`,
                    `Bucket ${store}-bucket.arn  ->  RolePolicy ${names.logical.deploy}-permissions.policy`,
                    `${account} -> pipeline account ${config.pipelineAccount.accountId}`,
                    `Role ${names.logical.deploy}.arn  ->  Key ${store}-key.policy`,
                    `Role ${names.logical.deploy}.arn  ->  BucketPolicy ${store}-policy.policy`,
                    `Role ${names.logical.deploy}.arn  ->  Pipeline pipeline-pipeline.stages[`,
                    ...t.create ? [`Repository images.arn  ->  RolePolicy ${names.logical.target}-execution-permissions.policy`,
                        `Role ${names.logical.target}-execution.arn  ->  RepositoryPolicy images-policy.policy`] : [],
                ];
                for (const line of expectations) {
                    assert.ok(wires.includes(line), `missing: ${line}\n${wires}`);
                }
                // An ARN that merely starts like another (…-task, …-task-execution) is not wired.
                assert.ok(!wires.includes(`Role ${names.logical.target}-task.arn  ->  RepositoryPolicy`), wires);
            });
            assert.ok(!wires.includes("(from config)") || config.targets.some(t => t.existing), "config ARNs only for what config names");
        });

        it("computes who can do what with the IAM policy simulator, and every answer is the expected one", async () => {
            const { result: { text }, config } = await stackPlan();
            const groups = accessGroups(text);
            for (const t of config.targets) {
                assert.ok(groups.get("pipeline role")!.some(line => new RegExp(`^Allowed +sts:AssumeRole on deploy role \\(${t.name}\\)$`).test(line)));
                assert.ok(groups.get("build role")!.some(line => new RegExp(`^ImplicitlyDenied +sts:AssumeRole on deploy role \\(${t.name}\\)$`).test(line)));
            }
            assert.ok([...groups.values()].flat().some(line => /^ExplicitlyDenied +s3:GetObject on .*, without TLS$/.test(line)));
            assert.deepEqual([...groups.values()].flat().filter(line => line.includes("EXPECTED")), []);
        });

        it("groups rows by principal, and no two rows read alike: each shows the context that decides it", async () => {
            const { result: { text }, config } = await stackPlan();
            const groups = accessGroups(text);
            assert.deepEqual([...groups.keys()], [...new Set(accessTable(config).rows.map(r => r.principal))]);
            for (const [principal, lines] of groups) {
                // An n/a row keeps its reason: two rows may differ only in the config they apply with (source.fullClone).
                const requests = lines.map(line => line.replace(/^[\w/]+ +/, "").replace(/ {2}\[.*\]$/, ""));
                assert.deepEqual(requests.filter((r, i) => requests.indexOf(r) !== i), [], `${principal}: rows that read alike`);
            }
            const t = config.targets[0];
            const store = t.region === config.region ? "" : ` in ${t.region}`;
            const deploy = groups.get(`deploy role (${t.name})`)!;
            for (const line of [`Allowed           kms:Decrypt on artifact key${store}, through S3`, `ImplicitlyDenied  kms:Decrypt on artifact key${store}, called directly`,
                `Allowed           s3:GetObject on build output artifact${store}, over TLS`, `ExplicitlyDenied  s3:GetObject on build output artifact${store}, without TLS`]) {
                assert.ok(deploy.includes(line), `deploy role: ${line}`);
            }
            for (const line of ["ExplicitlyDenied  s3:PutObject on build output artifact, over TLS, encrypted with AES256",
                "Allowed           s3:PutObject on build output artifact, over TLS, no encryption header"]) {
                assert.ok(groups.get("build role")!.includes(line), `build role: ${line}`);
            }
        });

        it("labels the rights an account's own administrators keep, and only those", async () => {
            const { result: { text }, config } = await stackPlan();
            const labelled = [...accessGroups(text)].flatMap(([principal, lines]) =>
                lines.filter(line => line.endsWith("[the account's own administrators keep this right]")).map(line => `${principal}: ${line}`));
            // DEV's administrators manage the artifact and notification keys (and their account's other keys); each created
            // target's account's use their other keys, read its network logs and manage its rollback alarms.
            const table = accessTable(config);
            // Another key of a target's account is there whether the target is created or not.
            const created = (r: { target?: string; resource: string }) => !r.target || r.resource.startsWith("a key of the target's account") ||
                config.targets.find(t => t.name === r.target)!.create;
            const rows = table.rows.filter(r => r.expect === "Allowed" && created(r) && !configuredAbsence(table, r, config) &&
                /^another (DEV role with Allow \*|role with Allow \* in the target's account)/.test(r.principal));
            assert.deepEqual(rows.map(r => r.resource), ["another DEV key", "artifact key", ...config.notifications ? ["notification key"] : [],
                ...config.targets.flatMap(t => [`a key of the target's account (${t.name})`, ...t.create ? [
                    ...t.create.rollbackAlarms ? [`rollback alarm (${t.name})`] : [], `load balancer access log (${t.name})`] : []])]);
            assert.equal(labelled.length, rows.flatMap(actionsOf).length);
            assert.ok(labelled.every(line => rows.some(row => line.startsWith(`${row.principal}: Allowed`))), labelled.join("\n"));
        });

        it("writes the same as Markdown with a Mermaid diagram of the wiring: each wired resource in its account and region, each wire from a resource an arrow", async () => {
            const { result: { text, markdown } } = await stackPlan();
            assert.ok(markdown?.includes(text));
            const diagram = /```mermaid\nflowchart LR\n([\s\S]*?)\n```/.exec(markdown!)![1].split("\n");
            const places = new Map<string, string[]>();
            const labels = new Map<string, string>();
            const arrows: string[] = [];
            let place: string[] | undefined;
            for (const line of diagram) {
                const [, title] = /^ {2}subgraph s\d+\["(.*)"\]$/.exec(line) ?? [];
                const [, id, label] = /^ {4}(n\d+)\["(.*)"\]$/.exec(line) ?? [];
                const [, from, path, to] = /^ {2}(n\d+) -->\|(\w+)\| (n\d+)$/.exec(line) ?? [];
                if (title) {
                    places.set(title, place = []);
                } else if (id && place && !labels.has(id)) {
                    labels.set(id, label);
                    place.push(label);
                } else if (line === "  end" && place) {
                    place = undefined;
                } else if (from && labels.has(from) && labels.has(to)) {
                    arrows.push(`${labels.get(from)} -${path}-> ${labels.get(to)}`);
                } else {
                    assert.fail(`not a line of the diagram: ${JSON.stringify(line)}\n${diagram.join("\n")}`);
                }
            }
            // The text's sections, titled as the diagram's subgraphs, each listing its resources as "Type name".
            const sections = text.split("\n\n").filter(s => /^(Pipeline \(tooling\) account|Target account) /.test(s)).map(s => s.split("\n"));
            assert.deepStrictEqual([...places.keys()], sections.map(([first]) => first.slice(0, first.indexOf(", provider "))));
            for (const [title, own] of places) {
                const listed = sections.find(([first]) => first.startsWith(`${title}, provider `))!.slice(1).map(l => l.replace(/^[│├└─ ]+/, "").split("  ")[0]);
                assert.deepStrictEqual(own.filter(label => !listed.includes(label)), [], title);
            }
            // The text's wiring: "    <source>  ->  Type name.path", a source from the stack being "Type name.arn".
            const wires = planPart(text, "Cross-account wiring").filter(l => l.startsWith("    "))
                .map(l => /^ {4}(.+?) +-> {2}(\S+ [^.\s]+)\.(\w+)/.exec(l)!).map(([, source, target, path]) => ({ from: /^(\S+ [^.\s]+)\.arn$/.exec(source)?.[1], target, path }));
            assert.ok(wires.some(w => w.from));
            assert.deepStrictEqual(new Set(labels.values()), new Set(wires.flatMap(w => [w.target, ...w.from ? [w.from] : []])));
            assert.deepStrictEqual(arrows.sort(), [...new Set(wires.filter(w => w.from).map(w => `${w.from} -${w.path}-> ${w.target}`))].sort());
        });

        it("opens with a verdict in the terminal's first 40 lines: what the stack is, what it allows across accounts, what needs a person", async () => {
            const { result: { brief, text }, config } = await stackPlan();
            const e = await evaluated(shared);
            const head = brief!.split("\n").slice(0, 40).join("\n");
            const resources = e.resources.filter(r => r.custom && r.type !== "pulumi:providers:aws");
            // Each account and region, with the number of resources there.
            for (const place of new Set(resources.map(r => `${r.account} ${r.region}`))) {
                const [account, region] = place.split(" ");
                const n = resources.filter(r => r.account === account && r.region === region).length;
                assert.match(head, new RegExp(`^ +${n} in (pipeline|target) account ${account}\\b.*, ${region}$`, "m"), place);
            }
            // The access table's answers, counted from the rows the plan prints in full.
            const rows = [...accessGroups(text).values()].flat();
            const answers = (word: RegExp) => rows.filter(line => word.test(line)).length;
            const counts = /Access \(the access table, decided by the IAM policy simulator\): (\d+) allowed, (\d+) denied, (\d+) not applicable; none differs from what the program expects$/m.exec(head);
            assert.ok(counts, head);
            // A principal the stack has nothing of is one line in the table: its requests are counted, not printed.
            assert.deepEqual(counts.slice(1, 3).map(Number), [answers(/^Allowed /), answers(/^\w+Denied /)]);
            assert.ok(Number(counts[3]) >= answers(/^n\/a /));
            assert.ok(head.includes(`Security Hub exceptions (declared by this configuration; SECURITY.md says why each is allowed): ` +
                expectedExceptions(config).map(x => x.replace("@", " on ")).join(", ")), head);
            const steps = planPart(text, "One-time steps of a person:").slice(1).length;
            assert.match(head, new RegExp(`^ {2}Steps a person takes once: ${steps ? `${steps} \\(listed below\\)` : "none"}$`, "m"));
            assert.match(head, new RegExp(`^ {2}Kept on destroy: ${text.split("[kept on destroy]").length - 1} resources?`, "m"));
            assert.match(head, /^ {2}Imported instead of created \(adopt\): nothing$/m);
        });

        it("writes the stack's own Security Hub results and policy statements to its report (SECURITY.md has the examples')", async () => {
            const { result: { markdown }, config } = await stackPlan();
            const e = await evaluated(shared);
            const report = markdown!.slice(markdown!.indexOf("## Security Hub controls"));
            const rows = report.split("\n").filter(l => l.startsWith("| "));
            for (const id of new Set(expectedExceptions(config).map(x => x.split("@")[0]))) {
                assert.ok(rows.some(l => l.startsWith(`| ${id} |`) && l.endsWith("| exception |")), id);
            }
            assert.ok(!report.includes("**FAIL**"));
            const statements = registeredPolicies(e).flatMap(p => (p.document.Statement as { Sid: string }[]).map(st => `| ${st.Sid} |`));
            assert.ok(statements.length > 0 && statements.every(sid => report.includes(sid)));
        });

        it("counts in words that agree: 1 task, 1 day, 1 period, never 1 tasks", async () => {
            const { result: { text } } = await stackPlan();
            assert.deepEqual(text.match(/(?<![\d.])1 (tasks|days|periods|resources|roles|requests|steps)\b/g) ?? [], []);
        });

        it("shows the whole access table only with --full or in the file; the terminal sums it up", async () => {
            const { result: { brief, text } } = await stackPlan();
            assert.ok(!brief!.includes("Who can do what (each request"), "the terminal's plan has no full table");
            assert.match(brief!, /^Who can do what: \d+ allowed, \d+ denied, \d+ not applicable; none differs from what the program expects\.$/m);
            assert.ok(text.includes("Who can do what (each request"));
        });

        it("names a principal outside the stack's accounts for what it is, and says narrowed only where a condition narrows", async () => {
            const { result: { text }, config } = await stackPlan();
            const wiring = planPart(text, "Cross-account wiring");
            const accounts = new Set([config.pipelineAccount.accountId, ...config.targets.map(t => t.account.accountId)]);
            for (const pair of wiring.filter(l => /^ {2}\S/.test(l))) {
                const [from] = pair.trim().split(" -> ");
                const account = /\d{12}/.exec(from)![0];
                assert.equal(/^(pipeline|target) account/.test(from), accounts.has(account), pair);
            }
            // ELB's log delivery account (a regional account of AWS's) writes each created target's access logs.
            const created = config.targets.filter(t => t.create && ELB_LOG_DELIVERY_ACCOUNTS[t.region]);
            for (const t of created) {
                assert.ok(wiring.some(l => l.startsWith(`  Elastic Load Balancing's log delivery account ${ELB_LOG_DELIVERY_ACCOUNTS[t.region]} `)), t.name);
            }
            // Its statement names no role: nothing narrows it. Every other account root is narrowed by aws:PrincipalArn.
            const roots = wiring.filter(l => l.trim().startsWith("account root"));
            const elbRoots = roots.filter(l => l.includes("network-logs-policy"));
            assert.equal(elbRoots.length > 0, created.length > 0, "a root line for ELB's log delivery wherever a created target logs");
            assert.ok(elbRoots.every(l => l.includes("account root, no condition narrows it")), elbRoots.join("\n"));
            assert.ok(roots.filter(l => !elbRoots.includes(l)).every(l => /account root, narrowed to (one role|\d+ roles) by aws:PrincipalArn/.test(l)));
        });
    });
}

describe("plan: bad input", () => {
    it("prints the validation message and exits non-zero for a bad config", async () => {
        const config = fixture("prod");
        config["cross-account-pipeline:region"] = "seoul";
        const { exitCode, text, markdown } = await plan("prod", config);
        assert.strictEqual(exitCode, 1);
        assert.match(text, /Pulumi\.prod\.yaml: cross-account-pipeline:region: expected an AWS region name; found the string "seoul"/);
        assert.strictEqual(markdown, undefined);
    });

    it("exits 1 from the command line for a stack without a stack file, and leaves no stale plan of it", () => {
        const stale = path.join(FIXTURES, "plan", "no-such-stack.md");
        fs.mkdirSync(path.dirname(stale), { recursive: true });
        fs.writeFileSync(stale, "an earlier plan");
        const run = planCommand("--stack", "no-such-stack");
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, /no stack file \S*Pulumi\.no-such-stack\.yaml; the stacks there: dev, prod$/m);
        assert.ok(!/^\s+at /m.test(run.stderr), run.stderr);
        assert.ok(!fs.existsSync(stale));
    });
});

/** `npm run plan` as a user runs it (from source here; `npm run plan` runs the compiled copy), on the stack files of `stacks`. */
function planCommand(...args: string[]) {
    return spawnSync(process.execPath, ["-r", "ts-node/register", path.join(ROOT, "scripts/plan.ts"), ...args], {
        cwd: ROOT, encoding: "utf8",
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", npm_config_stack: undefined, [STACKS_ENV]: FIXTURES },
    });
}

describe("plan: the command line", () => {
    it("takes the stack as --stack NAME, --stack=NAME, -s NAME or NAME; dev by default", () => {
        for (const args of [["--stack", "prod"], ["--stack=prod"], ["-s", "prod"], ["prod"], ["prod", "--stack", "prod"]]) {
            assert.equal(parsePlanArgs(args, undefined), "prod", args.join(" "));
        }
        assert.equal(parsePlanArgs([], undefined), "dev");
        assert.equal(parsePlanArgs(["--help"], undefined), undefined);
        assert.equal(parsePlanArgs(["-h"], undefined), undefined);
        // `npm run plan --stack=prod` (no `--`): npm keeps the option and passes it in npm_config_stack.
        assert.equal(parsePlanArgs([], "prod"), "prod");
        assert.equal(parsePlanArgs(["prod"], "true"), "prod");
    });

    it("refuses an unknown option, a missing value, two stacks and a name Pulumi would not allow", () => {
        for (const [args, message] of [
            [["--stak", "prod"], /Unknown option '--stak'/], [["--stack"], /argument missing/], [["-s"], /argument missing/],
            [["dev", "prod"], /one stack at a time/], [["--stack", "dev", "prod"], /one stack at a time/],
            [["--stack", "../Pulumi"], /a stack name is 1 to 100 letters/], [["--stack="], /a stack name/],
        ] as [string[], RegExp][]) {
            assert.throws(() => parsePlanArgs(args, undefined), message, args.join(" "));
        }
    });

    it("reads --full and --json beside the stack, and --base with --fail-on-broadening", () => {
        assert.deepEqual(parsePlanOptions(["--stack", "prod", "--full", "--json"], undefined),
            { stack: "prod", full: true, json: true, base: undefined, failOnBroadening: false });
        assert.deepEqual(parsePlanOptions(["prod", "--base", "main", "--fail-on-broadening"], undefined),
            { stack: "prod", full: false, json: false, base: "main", failOnBroadening: true });
    });

    it("exits 2 for --base on stack files of another folder (the base would plan the project's own file)", () => {
        const run = planCommand("--stack", "prod", "--base", "HEAD");
        assert.strictEqual(run.status, 2);
        assert.match(run.stderr, /--base compares the project's Pulumi\.prod\.yaml with itself at a git ref; CROSS_ACCOUNT_PIPELINE_STACKS names another folder/);
    });

    it("exits 2 with the usage for bad arguments, without a stack trace or a plan", () => {
        const run = planCommand("--stack");
        assert.strictEqual(run.status, 2);
        assert.match(run.stderr, /argument missing\n\nUsage: npm run plan -- \[--stack NAME \| -s NAME \| NAME\]/);
        assert.ok(!/^\s+at /m.test(run.stderr), run.stderr);
        assert.strictEqual(run.stdout, "");
    });
});

describe("plan: stacks that name what exists instead of creating it", () => {
    const cleanPlan = async (config: RawConfig, stack = "dev") => {
        const result = await plan(stack, config);
        assert.strictEqual(result.exitCode, 0, result.text);
        assert.ok(!result.text.includes("EXPECTED"), result.text);
        assert.ok(!result.text.includes("Warnings from the Pulumi runtime"), result.text);
        return result;
    };

    it("an existing repository and an existing target: rows about them resolve from the names config gives", async () => {
        const config = existingTargetConfig();
        (config["cross-account-pipeline:source"] as { create: boolean }).create = false;
        const { text, access } = await cleanPlan(config);
        const decided = (principal: string, resource: string) => access!.filter(r => r.row.principal === principal && r.row.resource === resource);
        for (const row of [...decided("pipeline role", "source repository"), ...decided("deploy role (staging)", "CodeDeploy deployment group (staging)"),
            ...decided("deploy role (staging)", "CodeDeploy application (staging)"), ...decided("deploy role (staging)", "task role (staging)")]) {
            assert.equal(row.absence, undefined, `${row.row.principal} ${row.row.resource}`);
            assert.ok(row.decisions.every(d => d.verdict === "expected"));
        }
        assert.match(text, /^ {2}CodeDeploy service role \(staging\): not in this stack \(the stack does not create the codeDeploy role\)$/m);
        assert.match(text, /^ {4}n\/a +sts:AssumeRole on task role \(staging\), for the target's account {2}\(task role \(staging\): arn:aws:iam::454545454545:role\/legacy-task is named by config: its trust policy is not this stack's\)$/m);
    });

    it("an existing VPC", async () => {
        const config = fixture("prod");
        targetsOf(config)[1].create.network = EXISTING_VPC;
        const { access } = await cleanPlan(config, "prod");
        // Every row applies but those about a CodeCommit source (prod's is on GitHub), a full clone, or
        // prod's flow logs (the VPC, and its flow logs, are not the stack's): of those, only the row
        // refusing a flow log in the target's bucket applies.
        const parsed = parseConfig("cross-account-pipeline", "prod", projectKeys("cross-account-pipeline", config));
        assert.deepEqual(access!.filter(r => r.absence !== undefined && !configuredAbsence(accessTable(parsed), r.row, parsed)), []);
        assert.ok(access!.some(r => r.absence === undefined && r.row.resource === "source connection"));
        const flowRows = access!.filter(r => /flow log.*\(prod\)$/.test(r.row.resource));
        const applying = flowRows.filter(r => r.absence === undefined);
        assert.ok(flowRows.length - applying.length >= 5);
        assert.ok(flowRows.every(r => applying.includes(r) || /only with a VPC the stack creates/.test(r.absence!)));
        assert.deepEqual(applying.map(r => [r.row.principal, r.decisions.map(d => d.decision)]), [["log delivery (flow logs) (prod)", ["ImplicitlyDenied"]]]);
    });

    it("a connection named by config, and one another account shares with AWS RAM: rows about it resolve from its ARN", async () => {
        for (const [owner, prefix] of [["121212121212", "codestar-connections"], ["343434343434", "codeconnections"]]) {
            const config = fixture("prod");
            block(config, "source").connectionArn = `arn:aws:${prefix}:us-east-1:${owner}:connection/0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d`;
            const { text, access } = await cleanPlan(config, "prod");
            const rows = access!.filter(r => r.row.resource.startsWith("source connection") && r.row.principal === "pipeline role");
            assert.ok(rows.length >= 2 && rows.every(r => r.absence === undefined && r.decisions.every(d => d.verdict === "expected")));
            assert.ok(!text.includes("Connection source"), "a named connection is not created");
        }
    });

    it("docs/target.md's own existing-target example", async () => {
        const docs = fs.readFileSync(path.join(ROOT, "docs/target.md"), "utf8");
        const example = /## Using an existing target[\s\S]*?```yaml\n([\s\S]*?)```/.exec(docs)![1];
        const config = { ...fixture("prod"), ...yaml.load(example) as RawConfig };
        assert.ok(targetsOf(config).some(t => t.existing));
        await cleanPlan(config, "prod");
    });
});

/** The fixture's account ids -> the README's (those of the example Pulumi.prod.yaml). */
const README_IDS = { "121212121212": "111111111111", "565656565656": "555555555555", "232323232323": "222222222222" };

describe("plan: the README", () => {
    /** An excerpt of a plan as a pattern: `...` in a line stands for the rest of a generated part, a line of `...` for lines left out. */
    const excerptPattern = (excerpt: string) => excerpt.trimEnd().split("\n").map(line => line.trim() === "..."
        ? "(?:[^\n]*\n)*?[^\n]*"
        : line.split("...").map(part => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^\n]*?")).join("\n");

    it("shows the example prod stack's plan as the plan prints it, in each excerpt (the fixture with the README's placeholder ids)", async () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const excerpts = (start: string) => [...readme.matchAll(new RegExp(`\`\`\`text\\n([^\`]*?${start}[\\s\\S]*?)\`\`\``, "g"))].map(m => m[1]);
        const { brief, text } = await plan("prod", rewrittenConfig(FIXTURES, "prod", README_IDS));
        // What the terminal shows, and the whole table (--full, plan/<stack>.md).
        for (const [start, shown, n] of [["Release path ", brief!, 2], ["Who can do what \\(each request", text, 1]] as const) {
            assert.strictEqual(excerpts(start).length, n, start);
            for (const excerpt of excerpts(start)) {
                assert.match(shown, new RegExp(excerptPattern(excerpt)), excerpt);
            }
        }
    });
});

describe("plan: a request that differs from what the program expects", () => {
    it("is counted in the verdict and printed in the terminal's plan, with what was expected, and only those", async () => {
        const e = await evaluated("prod");
        const { access } = await planned("prod");
        const denied = access!.flatMap((r, i) => r.row.expect === "ImplicitlyDenied" && r.decisions.length ? [i] : []);
        for (const n of [1, 2]) {
            // Decisions turned around, as a widened policy would (the policies' own tests plant real widenings).
            const flipped = access!.map((r, i) => !denied.slice(0, n).includes(i) ? r
                : { ...r, decisions: r.decisions.map(d => ({ ...d, decision: "Allowed" as const, verdict: "unexpected" as const })) });
            const rows = flipped.filter(r => r.decisions.some(d => d.verdict === "unexpected"));
            const requests = rows.flatMap(r => r.decisions).length;
            const { brief } = renderPlan(e, flipped);
            const head = brief.split("\n").slice(0, 40).join("\n");
            assert.match(head, new RegExp(`; ${requests === 1 ? "1 request DIFFERS" : `${requests} requests DIFFER`} from what the program expects$`, "m"));
            const shown = brief.slice(brief.indexOf("  The requests that differ:")).trimEnd().split("\n");
            assert.equal(shown.length, 1 + new Set(rows.map(r => r.row.principal)).size + requests, shown.join("\n"));
            for (const row of rows) {
                assert.ok(shown.includes(`  ${row.row.principal}`), shown.join("\n"));
                assert.ok(shown.some(l => new RegExp(`^ {4}Allowed +${row.decisions[0].action} on ${row.row.resource.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}.*\\(EXPECTED ImplicitlyDenied\\)$`).test(l)), shown.join("\n"));
            }
        }
    });
});

describe("plan: adoption (adopt keys) is visible", () => {
    const ADOPTED = { imageRepository: "my-service", buildLogGroup: "/aws/codebuild/cross-account-pipeline-prod" };

    it("shows per adopted resource the import id and the inputs Pulumi compares, in the verdict and a section of its own", async () => {
        const config = fixture("prod");
        config["cross-account-pipeline:adopt"] = ADOPTED;
        targetsOf(config)[1].adopt = { taskLogGroup: "/ecs/my-service" };
        const { brief, exitCode } = await plan("prod", config);
        assert.equal(exitCode, 0, brief);
        const lines = brief!.split("\n");
        const verdict = lines.slice(0, 40).find(l => l.startsWith("  Imported instead of created (adopt): "))!;
        for (const id of [...Object.values(ADOPTED), "/ecs/my-service"]) {
            assert.ok(verdict.includes(`(id ${id})`), `${id} in the verdict: ${verdict}`);
        }
        const section = lines.slice(lines.findIndex(l => l.startsWith("Adoption (")));
        for (const [type, id, inputs] of [["LogGroup", "/aws/codebuild/cross-account-pipeline-prod", ["name", "retentionInDays"]],
            ["LogGroup", "/ecs/my-service", ["name", "retentionInDays"]], ["Repository", "my-service", ["name", "imageTagMutability", "imageScanningConfiguration"]]] as const) {
            const line = section.find(l => l.startsWith(`  ${type} `) && l.includes(`: import id ${id}; compares `));
            assert.ok(line, `${type} ${id}: ${section.join("\n")}`);
            assert.ok(inputs.every(input => line.includes(`${input}=`)), line);
        }
        assert.match(section[0], /inputs to import do not match the existing resource/);
    });

    it("says nothing is imported without adopt keys", async () => {
        const { brief } = await planned("prod");
        assert.match(brief!, /^ {2}Imported instead of created \(adopt\): nothing$/m);
        assert.ok(!brief!.includes("\nAdoption ("));
    });

    it("warns where an adopted resource's input comes from a resource this up creates anew (a new id the kept one cannot have)", () => {
        const resource = (name: string, importId: string, propertyDependencies: Record<string, string[]> = {}) =>
            ({ urn: `urn:${name}`, type: "aws:cloudwatch/logGroup:LogGroup", name, custom: true, importId, propertyDependencies, inputs: {} }) as any;
        const key = { ...resource("key", ""), type: "aws:kms/key:Key" };
        const keptKey = { ...resource("kept-key", "1234abcd-0000"), type: "aws:kms/key:Key" };
        const logs = resource("logs", "/logs", { kmsKeyId: ["urn:key"], name: [] });
        const other = resource("other", "/other", { kmsKeyId: ["urn:kept-key"] });
        const e = { resources: [key, keptKey, logs, other] } as any;
        assert.deepEqual(fromCreated(e, logs).map(w => `${w.input} ${w.source.name}`), ["kmsKeyId key"]);
        assert.deepEqual(fromCreated(e, other), []);
        assert.ok(adoptionLines(e).some(l => l.startsWith("    WARNING: kmsKeyId comes from Key key, which this `up` creates anew")));
    });
});
