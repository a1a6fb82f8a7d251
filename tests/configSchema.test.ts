import * as assert from "assert";
import Ajv from "ajv";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { BEGIN, END, renderReadme, SCHEMA_FILE, SCHEMA_LINE, stackFileSchema } from "../stacks/config/jsonSchema";
import { projectName, ROOT } from "../offline/engine/engine";
import { FIXTURE_STACKS, FIXTURES } from "./support/stacks";

const P = "cross-account-pipeline";
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const committed = JSON.parse(read(SCHEMA_FILE));
// Strict, but for strictRequired: the rules (exactly one of create and existing, the required top-level keys) name
// properties the block defines beside them, and ajv looks for them only inside the rule's own subschema.
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(committed);

/** A fixture's stack file, parsed as YAML, changed. */
function stackFile(stack: string, change: (file: any) => void = () => undefined): unknown {
    const file = yaml.load(fs.readFileSync(path.join(FIXTURES, `Pulumi.${stack}.yaml`), "utf8")) as any;
    change(file);
    return file;
}

const errorsOf = (file: unknown) => validate(file) ? [] : validate.errors!.map(e => `${e.instancePath} ${e.message}`);

/** A value's schema without its `secure:` alternative (and a top-level key's text form). */
const valueOf = (node: any): any => node.then?.$ref === "#/definitions/secure" ? valueOf(node.else) : node.if?.type === "string" ? valueOf(node.else) : node;
/** The kinds of a block, chosen by if/then/else. */
const kindsOf = (node: any): any[] => node.if && node.then && !node.then.not ? [node.then, ...kindsOf(node.else)] : node.if ? [] : [node].filter(n => n.properties);

describe("the stack files' JSON Schema", () => {
    it(`is up to date with stacks/config/ (run \`npm run schema\`): ${SCHEMA_FILE}`, () => {
        assert.strictEqual(read(SCHEMA_FILE), `${JSON.stringify(stackFileSchema(projectName()), null, 2)}\n`);
    });

    for (const stack of FIXTURE_STACKS) {
        it(`is referenced by Pulumi.${stack}.yaml's first line, by a path that resolves from the file`, () => {
            const first = fs.readFileSync(path.join(FIXTURES, `Pulumi.${stack}.yaml`), "utf8").split("\n")[0];
            // The examples' line, with the path from the fixtures' folder.
            assert.strictEqual(first.replace("../../", "./"), SCHEMA_LINE);
            const target = path.resolve(FIXTURES, first.slice(first.indexOf("$schema=") + "$schema=".length));
            assert.strictEqual(target, path.join(ROOT, SCHEMA_FILE));
        });

        it(`accepts Pulumi.${stack}.yaml`, () => {
            assert.deepStrictEqual(errorsOf(stackFile(stack)), []);
        });
    }

    const accepted: [string, (file: any) => void][] = [
        ["keys without the namespace, as the Pulumi CLI reads them", f => {
            f.config = Object.fromEntries(Object.entries(f.config).map(([k, v]) => [k.replace(`${P}:`, ""), v]));
        }],
        ["other namespaces' keys", f => { f.config["aws:region"] = "us-east-1"; f.config["pulumi:tags"] = { team: "platform" }; }],
        ["secure values, for a whole key and inside a block", f => {
            f.config[`${P}:region`] = { secure: "v1:abc" };
            f.config[`${P}:pipelineAccount`].provisioningRoleArn = { secure: "v1:def" };
        }],
        ["top-level values as `pulumi config set` writes them, as text", f => {
            f.config[`${P}:artifactRetentionDays`] = "30";
            f.config[`${P}:allowSameAccount`] = "false";
        }],
        ["the keys `pulumi stack init` writes", f => {
            Object.assign(f, { encryptionsalt: "v1:c2FsdA==:v1:a2V5:ZGF0YQ==", secretsprovider: "passphrase", encryptedkey: "AQICAHh",
                environment: ["my-org/aws-credentials"] });
        }],
        ["the old <project>:config:<key> form", f => { f.config[`${P}:config:region`] = f.config[`${P}:region`]; delete f.config[`${P}:region`]; }],
    ];
    for (const [what, change] of accepted) {
        it(`accepts ${what}`, () => {
            assert.deepStrictEqual(errorsOf(stackFile("prod", change)), []);
        });
    }

    const rejected: [string, (file: any) => void, RegExp][] = [
        ["an unknown key of the project's namespace", f => { f.config[`${P}:targts`] = []; }, /must NOT have additional properties/],
        ["an unknown key without a namespace (it is the project's)", f => { f.config.targts = []; }, /must NOT have additional properties/],
        ["an unknown key inside a target's block", f => { f.config[`${P}:targets`][0].create.netwrk = {}; }, /create .*additional properties/],
        ["an account id written as a number", f => { f.config[`${P}:pipelineAccount`].accountId = 121212121212; }, /accountId must be string/],
        ["a region that does not exist", f => { f.config[`${P}:region`] = "eu-wset-1"; }, /region must be equal to one of the allowed values/],
        ["a region of an unsupported partition", f => { f.config[`${P}:region`] = "us-iso-east-1"; }, /region must be equal to one of/],
        ["a CIDR prefix out of range", f => { f.config[`${P}:targets`][1].create.network = { cidrBlock: "10.0.0.0/33" }; }, /cidrBlock must match pattern/],
        ["an octet out of range", f => { f.config[`${P}:targets`][1].create.testCidrs = ["198.51.300.0/24"]; }, /testCidrs\/0 must match pattern/],
        ["a CPU size Fargate does not have", f => { f.config[`${P}:targets`][1].create.cpu = 300; }, /cpu must be equal to one of/],
        ["a target name with a capital", f => { f.config[`${P}:targets`][0].name = "Staging"; }, /name must match pattern/],
        ["the single-target shape's keys", f => { f.config[`${P}:manualApproval`] = true; }, /must NOT have additional properties/],
        ["a block given as a plain value", f => { f.config[`${P}:source`] = "my-service"; }, /source must be object/],
        ["an unknown top-level key of the stack file", f => { f.confg = {}; }, /must NOT have additional properties/],
        ["a yes/no answered with a word", f => { f.config[`${P}:allowSameAccount`] = "yes"; }, /allowSameAccount must be equal to one of/],
        ["a source of no provider", f => { f.config[`${P}:source`].provider = "Github"; }, /source\/provider must be equal to one of the allowed values/],
        ["a connection source with CodeCommit's keys", f => { f.config[`${P}:source`].repositoryName = "my-service"; },
            /source must NOT have additional properties/],
        ["a trigger with 9 include patterns", f => {
            f.config[`${P}:source`].triggers[0].tags.includes = Array.from({ length: 9 }, (_, i) => `v${i}*`);
        }, /triggers\/0\/tags\/includes must NOT have more than 8 items/],
        ["a trigger with an unknown key", f => { f.config[`${P}:source`].triggers[0].tag = { includes: ["v*"] }; },
            /triggers\/0 must NOT have additional properties/],
    ];
    for (const [what, change, error] of rejected) {
        it(`rejects ${what}`, () => {
            const errors = errorsOf(stackFile("prod", change));
            assert.ok(errors.some(e => error.test(e)), errors.join("\n"));
        });
    }

    // Hand-made bad files: each mistake is reported where it is, once, whatever alternatives (the secure: form, the
    // kinds of a source) surround it; ajv adds one line per if/then/else it passed through (keyword "if"), which
    // editors do not show as problems of their own.
    const EXISTING = { applicationName: "a", deploymentGroupName: "g", taskRoleArn: "arn:aws:iam::232323232323:role/t",
        executionRoleArn: "arn:aws:iam::232323232323:role/x", taskFamily: "f", containerName: "c", containerPort: 80 };
    const mistakes: [string, (file: any) => void, RegExp[]][] = [
        ["a file without a source", f => { delete f.config[`${P}:source`]; }, [/^\/config must have required property 'cross-account-pipeline:source'$/]],
        ["a file without targets, keys without the namespace", f => {
            f.config = Object.fromEntries(Object.entries(f.config).map(([k, v]) => [k.replace(`${P}:`, ""), v]));
            delete f.config.targets;
        }, [/^\/config must have required property 'cross-account-pipeline:targets'$/]],
        ["a target with neither create nor existing", f => { delete f.config[`${P}:targets`][0].create; },
            [/targets\/0 must have required property 'existing'$/]],
        ["a target with both create and existing", f => { f.config[`${P}:targets`][0].existing = EXISTING; }, [/targets\/0 must NOT be valid$/]],
        ["a misspelt key in a target", f => { f.config[`${P}:targets`][1].aproval = true; }, [/targets\/1 must NOT have additional properties$/]],
        ["a misspelt key in a target's create block", f => { f.config[`${P}:targets`][1].create.netwrk = {}; },
            [/targets\/1\/create must NOT have additional properties$/]],
        ["a misspelt key in a connection source", f => { f.config[`${P}:source`].brnch = "main"; }, [/source must NOT have additional properties$/]],
        ["a misspelt top-level key", f => { f.config[`${P}:sorce`] = f.config[`${P}:source`]; delete f.config[`${P}:source`]; },
            [/^\/config must have required property 'cross-account-pipeline:source'$/, /^\/config must NOT have additional properties$/]],
        ["a value out of its set, deep in a block", f => { f.config[`${P}:targets`][1].create.cpu = 300; }, [/create\/cpu must be equal to one of the allowed values$/]],
        ["a yes/no answered with a word, in a block", f => { f.config[`${P}:targets`][1].approval = "yes"; }, [/targets\/1\/approval must be boolean$/]],
    ];
    for (const [what, change, expected] of mistakes) {
        it(`reports ${what} as that problem alone (no error per alternative)`, () => {
            validate(stackFile("prod", change));
            const errors = validate.errors ?? [];
            const problems = errors.filter(e => e.keyword !== "if").map(e => `${e.instancePath} ${e.message}`);
            assert.equal(problems.length, expected.length, problems.join("\n"));
            expected.forEach((pattern, i) => assert.match(problems[i], pattern));
            // The breadcrumbs: one per alternative passed through (a secure: form at each level), at most 4 deep here.
            assert.ok(errors.length - problems.length <= 4, errors.map(e => `${e.instancePath} ${e.message}`).join("\n"));
        });
    }

    it("describes every key of the namespace and gives an example that the schema accepts", () => {
        const ajv = new Ajv({ strict: false });
        const check = (node: any, where: string) => {
            // The config block's keys are references to the definitions, checked below.
            for (const [name, property] of Object.entries<any>(node.properties ?? {}).filter(([, p]) => !p.$ref)) {
                const at = `${where}.${name}`;
                assert.ok(property.description, `${at} has no description`);
                assert.ok(property.examples?.length, `${at} has no example`);
                const valid = ajv.compile({ ...property, definitions: committed.definitions });
                for (const example of property.examples) {
                    assert.ok(valid(example), `${at}'s example ${JSON.stringify(example)}: ${ajv.errorsText(valid.errors)}`);
                }
                const inner = valueOf(property);
                check(inner, at);
                // The kinds of a block (the source), and the blocks of a list (its triggers), are described too.
                kindsOf(inner).forEach((kind: any) => check(kind, at));
                if (inner.items) {
                    check(valueOf(inner.items), `${at}[]`);
                }
            }
        };
        for (const [name, definition] of Object.entries<any>(committed.definitions)) {
            if (name !== "secure") {
                check({ properties: { [name]: definition } }, "config");
            }
        }
        check(committed, "stack file");
    });
});

describe("README.md's config reference", () => {
    it("is up to date with stacks/config/ (run `npm run schema`)", () => {
        const current = read("README.md");
        assert.strictEqual(renderReadme(current), current);
    });

    it("has a row for every key, nested keys included", () => {
        const table = renderReadme(`${BEGIN}\n${END}`);
        for (const key of ["region", "pipelineAccount.accountId", "targets[].name", "targets[].create.network.cidrBlock",
            "targets[].existing.logGroupName", "targets[].adopt.taskLogGroup", "images.keep", "grants", "retainOnDelete",
            "source.repositoryName", "source.repository", "source.host.vpc.subnetIds", "source.triggers[].filePaths.includes"]) {
            assert.ok(table.includes(`| \`${key}\` |`), key);
        }
    });
});
