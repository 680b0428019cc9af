import { randomFillSync } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Random bytes are drawn 4 KiB at a time, each used once: a call into the CSPRNG per id was a
// visible share of the gateway's work per request.
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomByte(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]!;
}

/** Uniform random base62 string; rejection sampling keeps every character equally likely. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    const byte = randomByte();
    if (byte < 248) out += BASE62[byte % 62];
  }
  return out;
}

export type IdPrefix = "usr" | "team" | "aud" | "sia" | "key" | "req" | "pre" | "ins" | "iev" | "res" | "alc" | "ssh" | "ntf" | "crd" | "inv" | "ivt" | "tok" | "mail";

/** Prefixed, opaque ids such as `team_3kT9…`: readable in logs, unguessable, sortable by nothing. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(20)}`;
}
