// `npm test`: the type check (`npm run typecheck`) and the tests (`npm run mocha`, transpile-only:
// they need no type information) at the same time. One after the other they leave a core idle: the
// type check is a fifth of the run. Fails when either fails; the type check's output comes after
// the tests'. Arguments go to mocha (`npm test -- --grep access`). Plain JavaScript, like run-compiled.js.
const { spawn } = require("child_process");
const path = require("path");

function run(command, keepOutput) {
    return new Promise(resolve => {
        const child = spawn(command, { shell: true, stdio: keepOutput ? ["ignore", "pipe", "pipe"] : "inherit" });
        let output = "";
        child.stdout?.on("data", d => { output += d; });
        child.stderr?.on("data", d => { output += d; });
        child.on("close", code => resolve({ code: code ?? 1, output }));
    });
}

/** Runs both shell commands at once, `quiet`'s output printed when both are done; resolves with the first non-zero exit code, else 0. */
async function runBoth(quiet, loud) {
    const [first, second] = await Promise.all([run(quiet, true), run(loud, false)]);
    process.stdout.write(first.output);
    return first.code || second.code;
}

if (require.main === module) {
    const { scripts } = require(path.join(__dirname, "..", "package.json"));
    const args = process.argv.slice(2).map(a => ` '${a.replace(/'/g, "'\\''")}'`).join("");
    runBoth(scripts.typecheck, scripts.mocha + args).then(code => { process.exitCode = code; });
}

module.exports = { runBoth };
