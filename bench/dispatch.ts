import type { Pool } from "undici";

const HEADERS = { "content-type": "application/json" };

/**
 * POSTs `body` through `pool` and reads the whole answer with undici's dispatch: no stream per
 * answer, the cheapest way a Node.js process makes an HTTP call (what the gateway's upstream client
 * does for whole answers). Kept apart from bench/common.ts so that the relay loads nothing else.
 */
export function dispatchText(pool: Pool, path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let status = 502;
    pool.dispatch(
      { path, method: "POST", headers: HEADERS, body },
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
