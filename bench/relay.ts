/**
 * The least a gateway written on node:http can do: read the JSON body, parse it, forward it to the
 * engine over a keep-alive connection, parse the answer and write it back. No keys, limits,
 * validation or metering. It uses the gateway's own upstream client (undici's pool, answers read
 * by its dispatch), so bench:gateway runs it as the floor that any Node.js relay pays.
 *
 *   RELAY_PORT=18087 RELAY_UPSTREAM=http://127.0.0.1:18088 tsx bench/relay.ts
 */
import { createServer, type IncomingMessage } from "node:http";
import { Pool } from "undici";
import { dispatchText } from "./dispatch";

const upstream = new URL(process.env.RELAY_UPSTREAM ?? "http://127.0.0.1:18088");
const pool = new Pool(upstream.origin, { keepAliveTimeout: 60_000 });

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
    const answer = await dispatchText(pool, req.url ?? "/", body);
    const text = JSON.stringify(JSON.parse(answer.text));
    res.writeHead(answer.status, ["content-type", "application/json", "content-length", String(Buffer.byteLength(text))]);
    res.end(text);
  } catch {
    res.writeHead(502).end();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.RELAY_PORT ?? 18087), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
