import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../stacks/validation/parse";
import { get } from "./support/http";
import { READ_ONLY } from "./support/readOnly";

const APP = path.resolve(__dirname, "..", "examples", "app");

/** The defaults of a created target, from the config parser itself. */
function defaults() {
    return parseConfig("cross-account-pipeline", "t", {
        region: "ap-northeast-2",
        pipelineAccount: { accountId: "121212121212" },
        source: { repositoryName: "app" },
        targets: [{ name: "prod", account: { accountId: "232323232323" }, create: {} }],
    }).targets[0].create!;
}

describe("examples/app", () => {
    let app: ChildProcess;
    const port = 18000 + Math.floor(Math.random() * 1000);
    before(async () => {
        // As the task runs it: a read-only root file system (the default readonlyRootFilesystem).
        app = spawn(process.execPath, [...READ_ONLY, path.join(APP, "server.js")], { env: { PORT: String(port) }, stdio: "pipe" });
        await new Promise(resolve => app.stdout!.once("data", resolve));
    });
    after(() => { app.kill(); });

    it("answers the default health-check path with 200", async () => {
        assert.strictEqual(await get(port, defaults().healthCheckPath), 200);
    });

    it("its image listens on the default container port", () => {
        const dockerfile = fs.readFileSync(path.join(APP, "Dockerfile"), "utf8");
        assert.match(dockerfile, new RegExp(`^ENV PORT=${defaults().containerPort}$`, "m"));
    });

    it("its image runs as the default containerUser: the node image's user node is 1000:1000, which may listen on that port", () => {
        const dockerfile = fs.readFileSync(path.join(APP, "Dockerfile"), "utf8");
        assert.match(dockerfile, /^FROM public\.ecr\.aws\/docker\/library\/node:/m);
        assert.match(dockerfile, /^USER node$/m);
        assert.strictEqual(defaults().containerUser, "1000:1000");
        assert.ok(defaults().containerPort >= 1024);
    });
});
