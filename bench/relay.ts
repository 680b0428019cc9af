/**
 * The least a gateway written on node:http can do: read the JSON body, parse it, forward it to the
 * engine over a keep-alive connection, parse the answer and write it back. No keys, limits,
 * validation or metering. bench:gateway runs it as the floor that any Node.js relay pays.
 *
 *   RELAY_PORT=18087 RELAY_UPSTREAM=http://127.0.0.1:18088 tsx bench/relay.ts
 */
import { Agent, createServer, request, type IncomingMessage } from "node:http";

const upstream = new URL(process.env.RELAY_UPSTREAM ?? "http://127.0.0.1:18088");
const agent = new Agent({ keepAlive: true });

function readAll(stream: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.on("error", reject);
  });
}

const server = createServer(async (req, res) => {
  try {
    const body = JSON.stringify(JSON.parse(await readAll(req)));
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } });
      out.on("response", resolve);
      out.on("error", reject);
      out.end(body);
    });
    const text = JSON.stringify(JSON.parse(await readAll(answer)));
    res.writeHead(answer.statusCode ?? 502, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  } catch {
    res.writeHead(502).end();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.RELAY_PORT ?? 18087), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
