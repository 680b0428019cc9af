import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

export type FetchHandler = (request: Request) => Promise<Response>;

/** Headers, URL and an abort signal that fires when the client goes away before the answer is sent. */
function requestInit(req: IncomingMessage, res: ServerResponse, origin: string) {
  const controller = new AbortController();
  // A client that goes away aborts the request, which cancels the work behind it.
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  return { url: new URL(req.url ?? "/", origin), init: { method: req.method, headers, signal: controller.signal } };
}

/** Small bodies with a declared length are read at once: cheaper than bridging a web stream. */
const BUFFERED_BODY_LIMIT = 256 * 1024;

async function toRequest(req: IncomingMessage, res: ServerResponse, origin: string): Promise<Request> {
  const { url, init } = requestInit(req, res, origin);
  if (req.method === "GET" || req.method === "HEAD") return new Request(url, init);
  const declared = Number(req.headers["content-length"]);
  if (declared >= 0 && declared <= BUFFERED_BODY_LIMIT) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return new Request(url, { ...init, body: Buffer.concat(chunks) });
  }
  // Required by Node's fetch for a streamed request body.
  return new Request(url, { ...init, body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } as RequestInit);
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = name === "set-cookie" ? response.headers.getSetCookie() : value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    res.end(Buffer.from(await response.arrayBuffer()));
    return;
  }
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise((resolve) => res.once("drain", resolve));
    }
  } catch {
    // The client went away mid-stream; the reader's cancel stops the producer.
  } finally {
    res.end();
  }
}

/** Serves a fetch-style handler over node:http; for the standalone gateway and tests. */
export async function serveFetch(
  handler: FetchHandler,
  options: { port: number; host: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host ?? `${options.host}:${options.port}`}`;
    toRequest(req, res, origin)
      .then(handler)
      .then((response) => writeResponse(response, res))
      .catch((error) => {
        console.error("request failed", error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "Internal error", type: "api_error", param: null, code: null } }));
      });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
