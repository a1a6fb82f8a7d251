// `npm run plan` and `npm run bench`: runs a script compiled to dist/. `npm ci` compiles them
// (the `prepare` script); `npm ci --ignore-scripts` does not, so compile here first instead of
// failing with MODULE_NOT_FOUND. Plain JavaScript: it must run before anything is compiled.
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const [name, ...args] = process.argv.slice(2);
const script = path.join(root, "dist", "scripts", `${name}.js`);

if (!fs.existsSync(script)) {
    console.error(`dist/scripts/${name}.js is missing (npm ci --ignore-scripts skips the build): compiling (npm run build) ...`);
    let tsc;
    try {
        tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
    } catch {
        console.error("TypeScript is not installed: run `npm ci` (with dev dependencies) first.");
        process.exit(1);
    }
    const build = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
    if (build.status !== 0 || !fs.existsSync(script)) {
        console.error(`could not compile dist/scripts/${name}.js (exit ${build.status})`);
        process.exit(1);
    }
}
// The script sees its own path and its arguments, as when run directly.
process.argv = [process.argv[0], script, ...args];
require(script);
