// Where the project's files are, without loading Pulumi: the plan command checks a stack name before it loads the SDK.
import * as fs from "fs";
import * as path from "path";

/** The project folder: where Pulumi.yaml is (this file also runs compiled, from dist/offline). */
export const ROOT = (function findRoot(dir: string): string {
    return fs.existsSync(path.join(dir, "Pulumi.yaml")) || dir === path.dirname(dir) ? dir : findRoot(path.dirname(dir));
})(__dirname);

/** A stack's file, `Pulumi.<stack>.yaml` beside the program; a stack without one fails with the file's name. */
export function stackFile(stack: string): string {
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack file ${path.relative(process.cwd(), file)}`);
    }
    return file;
}
