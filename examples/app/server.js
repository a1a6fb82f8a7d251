// The smallest service the pipeline can deploy: answers / and the health check on PORT.
const http = require("http");

const port = Number(process.env.PORT ?? 8080);
const version = process.env.APP_VERSION ?? "first deployment";

const server = http.createServer((req, res) => {
    if (req.url === "/health") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok\n");
        return;
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`hello from ${version}\n`);
});

server.listen(port, () => console.log(`listening on ${port}`));
// ECS stops a task with SIGTERM; close the listener so in-flight requests finish.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
