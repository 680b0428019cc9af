import { createHash } from "node:crypto";
import type { SshKeyType } from "@/server/db/schema";

/**
 * OpenSSH public keys as people paste them from `~/.ssh/id_*.pub`: `<type> <base64 blob> [comment]`.
 *
 * The blob is in SSH wire format (RFC 4253 §6.6): a sequence of uint32-length-prefixed strings and
 * mpints, starting with the key type again. Parsing it, rather than trusting the text, catches
 * truncated pastes and lets us refuse short RSA keys; it is a few dozen lines, so no dependency.
 */

export const SSH_KEY_TYPES = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
] as const satisfies readonly SshKeyType[];

export const MIN_RSA_BITS = 2048;
// OpenSSH itself refuses RSA moduli above 16384 bits.
export const MAX_RSA_BITS = 16384;

/** Uncompressed EC point sizes (0x04 || X || Y) per curve. */
const EC_POINT_BYTES = { nistp256: 65, nistp384: 97, nistp521: 133 } as const;
const EC_BITS = { nistp256: 256, nistp384: 384, nistp521: 521 } as const;

export interface ParsedSshKey {
  type: SshKeyType;
  /** Modulus size for RSA, curve size for ECDSA, 256 for Ed25519: what `ssh-keygen -l` prints first. */
  bits: number;
  /** The base64 blob exactly as pasted (it was checked to be canonical). */
  data: string;
  comment: string | null;
  /** `SHA256:` + unpadded base64 of SHA-256(blob), as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** `<type> <data>[ <comment>]` on one line, whitespace normalised: what goes into authorized_keys. */
  line: string;
}

export type SshKeyParseResult = { ok: true; key: ParsedSshKey } | { ok: false; message: string };

export const SSH_KEY_MESSAGES = {
  empty: "Paste the public key: the contents of a .pub file, e.g. ~/.ssh/id_ed25519.pub.",
  privateKey: "This looks like a private key — paste the .pub file. Never share the private key.",
  pemPublicKey:
    "This is a PEM public key. Paste the OpenSSH form instead (convert it with: ssh-keygen -i -m PKCS8 -f key.pem).",
  rfc4716: "This is an SSH2 (RFC 4716) public key. Paste the OpenSSH form instead (convert it with: ssh-keygen -i -f key.pub).",
  severalKeys: "Paste one key at a time.",
  missingType: "The key type is missing: an OpenSSH public key starts with its type, e.g. ssh-ed25519 AAAA…",
  missingData: (type: string) => `The key data is missing after ${type}. Copy the whole line from the .pub file.`,
  unsupportedType: (type: string) =>
    `Unsupported key type ${type}. Use ssh-ed25519 (recommended), ssh-rsa (at least ${MIN_RSA_BITS} bits) or ecdsa-sha2-nistp256/384/521.`,
  notBase64: "The key data is not valid base64. Copy the whole line from the .pub file.",
  typeMismatch: (declared: string, embedded: string) =>
    `The key data is for ${embedded}, but the line says ${declared}. Copy the whole line from the .pub file.`,
  damaged: "The key data is incomplete or damaged. Copy the whole line from the .pub file.",
  rsaTooShort: (bits: number) =>
    `RSA keys must be at least ${MIN_RSA_BITS} bits; this one has ${bits}. Generate a new key with: ssh-keygen -t ed25519`,
  rsaTooLong: (bits: number) => `RSA keys can have at most ${MAX_RSA_BITS} bits; this one has ${bits}.`,
} as const;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Reads SSH wire-format fields; every read fails cleanly (null) on a truncated buffer. */
class WireReader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}

  bytes(): Buffer | null {
    if (this.offset + 4 > this.buffer.length) return null;
    const length = this.buffer.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (length > this.buffer.length - start) return null;
    this.offset = start + length;
    return this.buffer.subarray(start, this.offset);
  }

  string(): string | null {
    return this.bytes()?.toString("latin1") ?? null;
  }

  get done(): boolean {
    return this.offset === this.buffer.length;
  }
}

/** SHA256 fingerprint of a key blob, exactly as OpenSSH prints it. */
export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Bit length of an mpint's magnitude (leading zero bytes, e.g. the sign byte, do not count). */
function mpintBits(mpint: Buffer): number {
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i++;
  if (i === mpint.length) return 0;
  return (mpint.length - i - 1) * 8 + (32 - Math.clz32(mpint[i]!));
}

const fail = (message: string): SshKeyParseResult => ({ ok: false, message });

export function parseSshPublicKey(input: string): SshKeyParseResult {
  const text = input.replace(/^\uFEFF/, "").trim();
  if (text === "") return fail(SSH_KEY_MESSAGES.empty);
  if (/PRIVATE KEY-----/.test(text) || /^PuTTY-User-Key-File-/m.test(text)) return fail(SSH_KEY_MESSAGES.privateKey);
  if (/-----BEGIN PUBLIC KEY-----/.test(text)) return fail(SSH_KEY_MESSAGES.pemPublicKey);
  if (/----\s*BEGIN SSH2 PUBLIC KEY\s*----/.test(text)) return fail(SSH_KEY_MESSAGES.rfc4716);

  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 1) return parseLine(text);
  if (lines.filter((line) => /^\s*(ssh|ecdsa|sk)-\S+\s+AAAA/.test(line)).length > 1) return fail(SSH_KEY_MESSAGES.severalKeys);
  // A key wrapped by a terminal or an editor: the break may fall inside the base64 (join without a
  // space) or between the type, data and comment (join with one). Whichever reads as a key wins.
  const joined = parseLine(text.replace(/\s*\r?\n\s*/g, ""));
  return joined.ok ? joined : parseLine(text);
}

function parseLine(text: string): SshKeyParseResult {
  const [type = "", data, ...commentWords] = text.split(/\s+/);
  if (/^AAAA[A-Za-z0-9+/]/.test(type)) return fail(SSH_KEY_MESSAGES.missingType);
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) return fail(SSH_KEY_MESSAGES.unsupportedType(type.slice(0, 64)));
  const keyType = type as SshKeyType;
  if (!data) return fail(SSH_KEY_MESSAGES.missingData(keyType));

  if (!BASE64.test(data) || data.length % 4 !== 0) return fail(SSH_KEY_MESSAGES.notBase64);
  const blob = Buffer.from(data, "base64");
  // Node decodes leniently; re-encoding catches non-canonical padding bits.
  if (blob.toString("base64") !== data) return fail(SSH_KEY_MESSAGES.notBase64);

  const reader = new WireReader(blob);
  const embedded = reader.string();
  if (embedded === null) return fail(SSH_KEY_MESSAGES.damaged);
  if (embedded !== keyType) {
    const printable = /^[\x21-\x7e]{1,64}$/.test(embedded);
    return fail(printable ? SSH_KEY_MESSAGES.typeMismatch(keyType, embedded) : SSH_KEY_MESSAGES.damaged);
  }

  let bits: number;
  if (keyType === "ssh-ed25519") {
    const point = reader.bytes();
    if (point?.length !== 32) return fail(SSH_KEY_MESSAGES.damaged);
    bits = 256;
  } else if (keyType === "ssh-rsa") {
    const exponent = reader.bytes();
    const modulus = reader.bytes();
    if (!exponent || !modulus || mpintBits(exponent) === 0) return fail(SSH_KEY_MESSAGES.damaged);
    bits = mpintBits(modulus);
    if (bits < MIN_RSA_BITS) return fail(SSH_KEY_MESSAGES.rsaTooShort(bits));
    if (bits > MAX_RSA_BITS) return fail(SSH_KEY_MESSAGES.rsaTooLong(bits));
  } else {
    const curve = keyType.slice("ecdsa-sha2-".length) as keyof typeof EC_POINT_BYTES;
    if (reader.string() !== curve) return fail(SSH_KEY_MESSAGES.damaged);
    const point = reader.bytes();
    if (point?.length !== EC_POINT_BYTES[curve] || point[0] !== 0x04) return fail(SSH_KEY_MESSAGES.damaged);
    bits = EC_BITS[curve];
  }
  if (!reader.done) return fail(SSH_KEY_MESSAGES.damaged);

  // The line ends up in authorized_keys on instances: no control characters ride along in the comment.
  const comment = commentWords.join(" ").replace(/[\x00-\x1f\x7f]/g, "") || null;
  return {
    ok: true,
    key: {
      type: keyType,
      bits,
      data,
      comment,
      fingerprint: sshFingerprint(blob),
      line: comment ? `${keyType} ${data} ${comment}` : `${keyType} ${data}`,
    },
  };
}
