import { spawnSync } from "child_process";

/**
 * Node options that refuse every file write (Node's permission model, file reads only): a program
 * run with them behaves as in a container with a read-only root file system, or fails with
 * ERR_ACCESS_DENIED. Node 20 has the model as experimental.
 */
export const READ_ONLY = [spawnSync(process.execPath, ["--permission", "-e", "0"]).status === 0 ? "--permission" : "--experimental-permission",
    "--allow-fs-read=*"];
