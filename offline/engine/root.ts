// Where the project's files are, without loading Pulumi: the plan command checks a stack name before it loads the SDK.
import * as fs from "fs";
import * as path from "path";

/** The project folder: where Pulumi.yaml is (this file also runs compiled, from dist/offline/engine). */
export const ROOT = (function findRoot(dir: string): string {
    return fs.existsSync(path.join(dir, "Pulumi.yaml")) || dir === path.dirname(dir) ? dir : findRoot(path.dirname(dir));
})(__dirname);

/** The tests' stack files (copies of the examples with ids of their own): the tests and SECURITY.md's tables read these. */
export const FIXTURES = path.join(ROOT, "tests", "fixtures");

/**
 * The environment variable naming another folder of stack files than the project's: the tests
 * plan copies of the user's stack files there (a user never needs it).
 */
export const STACKS_ENV = "CROSS_ACCOUNT_PIPELINE_STACKS";

/** The folder of the stack files the plan and the stack-file checks read, and where plan/ is written: the project's. */
export function stacksDir(): string {
    return path.resolve(process.env[STACKS_ENV] || ROOT);
}

/** The stack a file `Pulumi.<stack>.yaml` is of (a path or a name), or undefined for any other file. */
export const stackOfFile = (file: string) => /^Pulumi\.(.+)\.yaml$/.exec(path.basename(file))?.[1];

/** Every stack with a file `Pulumi.<stack>.yaml` in `dir`, sorted. */
export function stacksIn(dir = stacksDir()): string[] {
    return fs.readdirSync(dir).map(stackOfFile).filter((s): s is string => !!s).sort();
}

/** Where a stack's file is, or would be: `Pulumi.<stack>.yaml` in `dir`. */
export const stackFilePath = (stack: string, dir = stacksDir()) => path.join(dir, `Pulumi.${stack}.yaml`);

/** A stack's file, `Pulumi.<stack>.yaml` in `dir`; a stack without one fails with the file's name and the stacks there are. */
export function stackFile(stack: string, dir = stacksDir()): string {
    const file = stackFilePath(stack, dir);
    if (!fs.existsSync(file)) {
        const there = stacksIn(dir);
        throw new Error(`no stack file ${path.relative(process.cwd(), file) || file}; ` +
            (there.length ? `the stacks there: ${there.join(", ")}` : "there is no Pulumi.<stack>.yaml there"));
    }
    return file;
}
