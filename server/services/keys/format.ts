import { createHash } from "node:crypto";
import { randomBase62 } from "@/server/db/ids";

/**
 * API key format, friendly to secret scanners (GitHub-token style):
 *
 *   cc_sk_ + 40 random base62 characters + 6 base62 characters of CRC32(random part)
 *
 * The checksum lets a malformed or mistyped key be rejected without any I/O. Only the SHA-256 of
 * the whole key is stored, plus a display hint that is useless to an attacker.
 */
export const KEY_PREFIX = "cc_sk_";
export const KEY_RANDOM_LENGTH = 40;
export const KEY_CHECKSUM_LENGTH = 6;
export const KEY_LENGTH = KEY_PREFIX.length + KEY_RANDOM_LENGTH + KEY_CHECKSUM_LENGTH;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE62_BODY = /^[0-9A-Za-z]+$/;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib) of the string's UTF-8 bytes, as an unsigned 32-bit integer. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, "utf8")) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Fixed-width base62 of an unsigned integer (62^6 > 2^32, so 6 characters always fit a CRC32). */
function toBase62(value: number, width: number): string {
  let out = "";
  for (let v = value; v > 0; v = Math.floor(v / 62)) out = BASE62[v % 62] + out;
  return out.padStart(width, "0");
}

export function checksumOf(random: string): string {
  return toBase62(crc32(random), KEY_CHECKSUM_LENGTH);
}

export type KeyFormatProblem = "prefix" | "length" | "charset" | "checksum";

export type ParsedKey =
  | { valid: true; secret: string; random: string; checksum: string }
  | { valid: false; problem: KeyFormatProblem };

/** Checks a presented key's shape and checksum. Pure: no I/O, no hashing. */
export function parseKey(raw: unknown): ParsedKey {
  if (typeof raw !== "string" || !raw.startsWith(KEY_PREFIX)) return { valid: false, problem: "prefix" };
  if (raw.length !== KEY_LENGTH) return { valid: false, problem: "length" };
  const body = raw.slice(KEY_PREFIX.length);
  if (!BASE62_BODY.test(body)) return { valid: false, problem: "charset" };
  const random = body.slice(0, KEY_RANDOM_LENGTH);
  const checksum = body.slice(KEY_RANDOM_LENGTH);
  if (checksumOf(random) !== checksum) return { valid: false, problem: "checksum" };
  return { valid: true, secret: raw, random, checksum };
}

/** What is stored in place of the secret: SHA-256, hex. */
export function hashKey(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Shown in lists so people can tell keys apart: `cc_sk_AbCd…wXyZ`. */
export function hintFor(secret: string): string {
  return `${secret.slice(0, KEY_PREFIX.length + 4)}…${secret.slice(-4)}`;
}

export interface NewKeySecret {
  secret: string;
  hash: string;
  hint: string;
}

/** A fresh, crypto-random key with its hash and hint. The secret must be shown once and dropped. */
export function generateKey(): NewKeySecret {
  const random = randomBase62(KEY_RANDOM_LENGTH);
  const secret = `${KEY_PREFIX}${random}${checksumOf(random)}`;
  return { secret, hash: hashKey(secret), hint: hintFor(secret) };
}
