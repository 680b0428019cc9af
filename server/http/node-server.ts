import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { invalidRequest } from "@/server/services/inference/gateway/errors";
import { errorReply, JsonReply, newRequestId, type GatewayReply, type GatewayRequest } from "@/server/services/inference/gateway/http";

export type ReplyHandler = (request: GatewayRequest) => Promise<GatewayReply>;

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * node:http's request as a GatewayRequest. Headers are read where node:http put them and the body
 * is read only when asked for: a fetch `Request` would copy both first, which costs more than the
 * gateway's own work on a small request.
 */
class NodeRequest implements GatewayRequest {
  readonly method: string;
  readonly signal: AbortSignal;
  readonly headers: { get(name: string): string | null };
  private stream: ReadableStream<Uint8Array> | undefined;

  constructor(
    private readonly req: IncomingMessage,
    res: ServerResponse,
    readonly url: string,
  ) {
    this.method = req.method ?? "GET";
    const controller = new AbortController();
    // A client that goes away aborts the request, which cancels the work behind it.
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    this.signal = controller.signal;
    const headers: IncomingHttpHeaders = req.headers;
    this.headers = { get: (name) => headerValue(headers[name.toLowerCase()]) };
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.method === "GET" || this.method === "HEAD") return null;
    this.stream ??= Readable.toWeb(this.req) as ReadableStream<Uint8Array>;
    return this.stream;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    // Events rather than `for await`: a stream's async iterator costs more than the rest of the read.
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.req.on("data", (chunk: Buffer) => chunks.push(chunk));
      this.req.once("end", () => {
        const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      });
      // A client that goes while the body is read destroys the request with an error; one that
      // went before it is read leaves a destroyed request that will never end.
      this.req.once("error", reject);
      if (this.req.destroyed) reject(new Error("The client closed the connection before sending the whole body."));
    });
  }
}

async function writeReply(reply: GatewayReply, res: ServerResponse): Promise<void> {
  if (reply instanceof JsonReply) {
    // A flat list of names and values: node:http takes it as is, without walking an object.
    const headers: string[] = [];
    for (const name in reply.headers) headers.push(name, reply.headers[name]!);
    headers.push("content-length", String(Buffer.byteLength(reply.text)));
    res.writeHead(reply.status, headers);
    res.end(reply.text);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  reply.headers.forEach((value, name) => {
    headers[name] = name === "set-cookie" ? reply.headers.getSetCookie() : value;
  });
  res.writeHead(reply.status, headers);
  if (!reply.body) {
    res.end();
    return;
  }
  const reader = reply.body.getReader();
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

// A host name, IPv4 or bracketed IPv6 address, with an optional port.
const HOST = /^(?:[\w.-]+|\[[\da-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The request's absolute URL, or null when its target cannot be one. The Host header is the
 * client's to write: one that is not a host falls back to the address the server listens on.
 */
function requestUrl(req: IncomingMessage, ownHost: string): string | null {
  const host = req.headers.host;
  const origin = `http://${host && HOST.test(host) ? host : ownHost}`;
  const target = req.url ?? "/";
  // The common origin-form ("/v1/…") is joined as is; anything else is left to URL's rules.
  if (target.startsWith("/") && !target.startsWith("//")) return origin + target;
  try {
    return new URL(target, origin).href;
  } catch {
    return null;
  }
}

/** Serves the gateway's handler over node:http; for the standalone gateway and tests. */
export async function serveGateway(
  handler: ReplyHandler,
  options: { port: number; host: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = requestUrl(req, `${options.host}:${options.port}`);
    if (url === null) {
      void writeReply(errorReply(invalidRequest("The request target is not a valid URL path."), newRequestId()), res);
      return;
    }
    handler(new NodeRequest(req, res, url))
      .then((reply) => writeReply(reply, res))
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
