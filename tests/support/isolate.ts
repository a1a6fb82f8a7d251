// Loaded before every test file (.mocharc.json): the tests check the program through stack files of
// their own (tests/fixtures), never through the project's, which are the user's. Only the stack-file
// checks read those, from the folder recorded here; for every other test the project's stack files
// are an empty folder, so a test that reads one fails ("no stack file ...") instead of depending on
// the user's values.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { STACKS_ENV, stacksDir } from "../../offline/engine/root";

/** The folder of the user's stack files: the project's, or the one CROSS_ACCOUNT_PIPELINE_STACKS named. */
export const USER_STACKS = stacksDir();

const none = fs.mkdtempSync(path.join(os.tmpdir(), "no-stack-files-"));
process.env[STACKS_ENV] = none;
process.on("exit", () => fs.rmSync(none, { recursive: true, force: true }));
