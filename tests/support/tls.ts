import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";

/** A throwaway certificate authority made with `openssl` at test time, and certificates it signs for given names. */
export interface ThrowawayCa {
    dir: string;
    /** The CA's certificate: what a client trusts (curl's CURL_CA_BUNDLE). */
    caFile: string;
    /** A key and certificate for these DNS names, signed by the CA. */
    issue(names: string[]): { key: string; cert: string };
    remove(): void;
}

export function throwawayCa(): ThrowawayCa {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "throwaway-ca-"));
    const at = (file: string) => path.join(dir, file);
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl("req", "-x509", ...ecKey, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=throwaway test CA");
    let serial = 0;
    return {
        dir,
        caFile: at("ca.pem"),
        issue(names) {
            const id = `server-${++serial}`;
            fs.writeFileSync(at(`${id}.ext`), `subjectAltName=${names.map(n => `DNS:${n}`).join(",")}\n`);
            openssl("req", "-new", ...ecKey, "-keyout", `${id}.key`, "-out", `${id}.csr`, "-subj", `/CN=${names[0]}`);
            openssl("x509", "-req", "-in", `${id}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", String(serial),
                "-out", `${id}.pem`, "-days", "1", "-extfile", `${id}.ext`);
            return { key: fs.readFileSync(at(`${id}.key`), "utf8"), cert: fs.readFileSync(at(`${id}.pem`), "utf8") };
        },
        remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}

/**
 * A Node `https` server in a child process (so a synchronous build run can reach it), on
 * 127.0.0.1: the n-th request gets the n-th answer (the last one repeats); an answer of 0 never
 * answers (the request hangs). Every answer carries a Location on a name that does not resolve,
 * so a client that followed a 3xx would fail.
 */
export interface TlsServer {
    port: number;
    /** How many requests arrived, with their Host headers. */
    hosts(): Promise<string[]>;
    stop(): void;
}

const SERVER = `
const [key, cert, answers] = JSON.parse(process.argv[1]);
const hosts = [];
const server = require("https").createServer({ key, cert }, (req, res) => {
    if (req.url === "/__hosts") { return res.end(JSON.stringify(hosts)); }
    hosts.push(req.headers.host);
    const status = answers[Math.min(hosts.length, answers.length) - 1];
    if (status !== 0) { res.writeHead(status, { location: "https://nowhere.invalid/" }); res.end(); }
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

export function tlsServer(identity: { key: string; cert: string }, answers: number[]): Promise<TlsServer> {
    const child: ChildProcess = spawn(process.execPath, ["-e", SERVER, JSON.stringify([identity.key, identity.cert, answers])],
        { stdio: ["ignore", "pipe", "inherit"] });
    return new Promise((resolve, reject) => {
        child.once("error", reject);
        child.stdout!.once("data", (chunk: Buffer) => {
            const port = Number(chunk.toString().trim());
            resolve({
                port,
                // The server's own record, read back by the test (not a check: its certificate is beside the point here).
                hosts: () => new Promise((done, fail) => https.get({ host: "127.0.0.1", port, path: "/__hosts", rejectUnauthorized: false }, res => {
                    let body = "";
                    res.on("data", d => body += d).on("end", () => done(JSON.parse(body)));
                }).on("error", fail)),
                stop: () => child.kill(),
            });
        });
    });
}
