/** node:http plumbing for the engine server: JSON bodies, OpenAI-shaped errors, server-sent events. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** An error with its HTTP status and OpenAI's `{ error: { message, type, param, code } }` fields. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type: string = status >= 500 ? "server_error" : "invalid_request_error",
  ) {
    super(message);
    this.name = "HttpError";
  }

  toJSON() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  const headers: Record<string, string> = error.status === 401 ? { "www-authenticate": "Bearer" } : {};
  sendJson(res, error.status, error, headers);
}

export async function readJson(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limitBytes) throw new HttpError(413, `Request body is larger than ${limitBytes} bytes.`, null, "request_too_large");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new HttpError(413, `Request body is larger than ${limitBytes} bytes.`, null, "request_too_large");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim().length === 0) throw new HttpError(400, "The request body must be a JSON object.");
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "We could not parse the JSON body of your request.", null, "invalid_json");
  }
}

/** Above this much buffered text, write without waiting for the next tick. */
const FLUSH_BYTES = 64 * 1024;

/**
 * Server-sent events. Events are buffered until the next tick and written together: an unpaced
 * engine produces a whole answer within one tick, which then leaves in one write (one chunk of the
 * chunked encoding) instead of one syscall and three buffers per token.
 */
export class EventStream {
  private pending = "";
  private scheduled = false;
  private blocked = false;
  private waiter: (() => void) | null = null;

  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    // Send the headers now: clients (and proxies) should see the stream open before the first token.
    res.flushHeaders();
  }

  /** Returns false when the socket buffer is full; then wait for `drained` before sending more. */
  send(data: string): boolean {
    this.pending += `data: ${data}\n\n`;
    if (this.pending.length >= FLUSH_BYTES) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
    return !this.blocked;
  }

  /** Resolves once the socket takes data again; rejects when `signal` aborts first. */
  drained(signal: AbortSignal): Promise<void> {
    if (!this.blocked) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiter = null;
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiter = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
    });
  }

  end(): void {
    this.flush();
    this.res.end();
  }

  private readonly flush = () => {
    this.scheduled = false;
    if (this.pending.length === 0 || this.res.destroyed) return;
    const data = this.pending;
    this.pending = "";
    // Listen for "drain" right away: it may come before anyone asks to wait for it.
    if (!this.res.write(data) && !this.blocked) {
      this.blocked = true;
      this.res.once("drain", this.onDrain);
    }
  };

  private readonly onDrain = () => {
    this.blocked = false;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  };
}
