import * as http from "http";
import * as net from "net";

/** The status of a GET on localhost. */
export function get(port: number, urlPath: string): Promise<number> {
    return new Promise((resolve, reject) =>
        http.get({ host: "127.0.0.1", port, path: urlPath }, res => { res.resume(); resolve(res.statusCode!); }).on("error", reject));
}

/** A port nobody listens on now. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer().listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        }).on("error", reject);
    });
}

/** The status of a GET, retried while nothing listens yet (a server still starting). */
export async function getWhenUp(port: number, urlPath: string, timeoutMs = 10000): Promise<number> {
    const until = Date.now() + timeoutMs;
    for (;;) {
        try {
            return await get(port, urlPath);
        } catch (e) {
            if (Date.now() > until) {
                throw e;
            }
            await new Promise(resolve => setTimeout(resolve, 50));
        }
    }
}
