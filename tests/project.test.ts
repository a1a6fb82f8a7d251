import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ROOT } from "../offline/engine";

// Pulumi's own reader of the tsconfig it is pointed at; `noCheck` there means ts-node transpiles only.
const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils");

describe("project setup", () => {
    const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as any;

    it("lets `pulumi up` transpile without type checking", () => {
        assert.strictEqual(project.name, "cross-account-pipeline");
        assert.strictEqual(project.runtime.name, "nodejs");
        const tsconfig = path.join(ROOT, project.runtime.options.tsconfig);
        assert.strictEqual(loadTypeScriptCompilerOptions(tsconfig).noCheck, true);
    });

    it("keeps the type check in `npm test`", () => {
        assert.strictEqual(loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.json")).noCheck, undefined);
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.match(pkg.scripts.test, /^npm run typecheck && /);
        assert.strictEqual(pkg.scripts.typecheck, "tsc --noEmit");
    });
});
