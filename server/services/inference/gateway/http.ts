import { randomBase62 } from "@/server/db/ids";
import { clientClosedRequest, GatewayError, internalError, invalidRequest, payloadTooLarge } from "./errors";

/** The id every answer carries in `x-request-id`, and its usage event. */
export function newRequestId(): string {
  return `req_${randomBase62(24)}`;
}

/**
 * What the gateway reads of a request. A fetch `Request` is one (the Next.js mount passes it as
 * is); the standalone server passes a lighter object over node:http's request.
 */
export interface GatewayRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: { get(name: string): string | null };
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  readonly body: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * A JSON answer that is not yet a fetch `Response`. Making a `Response` and reading it back costs
 * more than everything else the gateway does for a small request, so the standalone server writes
 * these straight to the socket; `toResponse` makes the `Response` where one is needed.
 */
export class JsonReply {
  readonly text: string;
  readonly headers: Record<string, string>;

  constructor(
    body: unknown,
    readonly status: number,
    headers: Record<string, string> = {},
    stringify: (body: unknown) => string = JSON.stringify,
  ) {
    this.text = stringify(body);
    this.headers = { "content-type": "application/json", ...headers };
  }
}

/** A gateway answer: JSON, or a `Response` (streams). */
export type GatewayReply = JsonReply | Response;

export function toResponse(reply: GatewayReply): Response {
  return reply instanceof JsonReply ? new Response(reply.text, { status: reply.status, headers: reply.headers }) : reply;
}

export function errorReply(error: GatewayError, requestId: string, headers: Record<string, string> = {}): JsonReply {
  return new JsonReply(error.toJSON(), error.status, { ...headers, ...error.headers, "x-request-id": requestId });
}

export function toGatewayError(error: unknown, requestId: string): GatewayError {
  return error instanceof GatewayError ? error : internalError(requestId);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A body read fails only when the connection goes before the body has arrived. */
async function unlessClosed<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch {
    throw clientClosedRequest();
  }
}

/**
 * Reads and parses a JSON body of at most `limit` bytes, without buffering more than that:
 * an oversized body is refused as soon as it passes the limit.
 */
export async function readJsonBody(request: GatewayRequest, limit: number): Promise<unknown> {
  const lengthHeader = request.headers.get("content-length");
  const declared = lengthHeader === null ? NaN : Number(lengthHeader);
  if (declared > limit) throw payloadTooLarge(limit);
  let bytes: Uint8Array;
  if (Number.isFinite(declared)) {
    // The length is known and within the limit: read it at once, the cheap way.
    bytes = new Uint8Array(await unlessClosed(request.arrayBuffer()));
  } else {
    if (!request.body) throw invalidRequest("The request body is empty; send a JSON object.");
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (true) {
      const { done, value } = await unlessClosed(reader.read());
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw payloadTooLarge(limit);
      }
      chunks.push(value);
    }
    bytes = Buffer.concat(chunks);
  }
  if (bytes.byteLength === 0) throw invalidRequest("The request body is empty; send a JSON object.");
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalidRequest("The request body is not valid UTF-8 text; send a JSON object.");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest("We could not parse the JSON body of your request. Check that it is valid JSON.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw invalidRequest("The request body must be a JSON object.");
  }
  return parsed;
}

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

export function sseHeaders(extra: Record<string, string>): Record<string, string> {
  return { ...SSE_HEADERS, ...extra };
}

const encoder = new TextEncoder();

export function sseEvent(data: unknown): Uint8Array {
  return encoder.encode(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}
