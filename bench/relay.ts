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

const upstream = new URL(process.env.RELAY_UPSTREAM ?? "http://127.0.0.1:18088");
const pool = new Pool(upstream.origin, { keepAliveTimeout: 60_000 });
const headers = { "content-type": "application/json" };

function readAll(stream: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.on("error", reject);
  });
}

function forward(path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let status = 502;
    pool.dispatch(
      { path, method: "POST", headers, body },
      {
        // undici takes a handler as its newer kind when it has onRequestStart.
        onRequestStart() {},
        onResponseStart(_controller, statusCode) {
          status = statusCode;
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          resolve({ status, text: Buffer.concat(chunks).toString("utf8") });
        },
        onResponseError(_controller, error) {
          reject(error);
        },
      },
    );
  });
}

const server = createServer(async (req, res) => {
  try {
    const body = JSON.stringify(JSON.parse(await readAll(req)));
    const answer = await forward(req.url ?? "/", body);
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
