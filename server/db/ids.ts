import { randomBytes } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniform random base62 string; rejection sampling keeps every character equally likely. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export type IdPrefix = "usr" | "team" | "aud" | "sia" | "key" | "req" | "pre" | "ins" | "iev" | "res" | "alc" | "ssh" | "ntf" | "crd" | "inv" | "ivt" | "tok" | "mail";

/** Prefixed, opaque ids such as `team_3kT9…`: readable in logs, unguessable, sortable by nothing. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(20)}`;
}
