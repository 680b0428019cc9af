import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MIN_RSA_BITS, parseSshPublicKey, SSH_KEY_MESSAGES, sshFingerprint, type ParsedSshKey } from "./public-key";
import { newTestPublicKey } from "./testing";

/** Made once with `ssh-keygen -t <type> [-b <bits>]`; fingerprints and sizes as `ssh-keygen -lf` printed them. */
const KNOWN = [
  {
    line: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEsU/tiKc05bCXiPsJ9ZMb0EKLpIYC6UoO/MEgtWCYql fixture-ed25519@example",
    type: "ssh-ed25519",
    bits: 256,
    fingerprint: "SHA256:lSjeQeZthLn3b2HfgzoJIlJCYJviXIrQPnqatdhY6n0",
  },
  {
    line: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCfer9tBIzDhb9pgwdD0IwxCJXkyXwzFtt/Lipa/++JsFL4tPClnxuauxPBDpC4KtOIhDaIjotH0q9xzowmen0flCH4l2+Htfll7pK5GRiSvjMmQwNyPK6WrNS3irGujerrNfbbRqJcunYvp62/9y812IwRDXemB3eChYhfxfqRn+OmZdTUpuL2T6Ozzwdfd9IBScjA0Ydgp/1Y+0WcSZjQchbZ73DV9Omd/9PoppS1AmNJ0L6SPCVvoNoSs0AMDPTpjktRYYo5ZGd8smo9NWizpmCdlKAHy9WCRnQEr7josjK4pwy4kl5mceOZ5K2+fdZbCP5YhoSCwxnTZvxqqmmZ fixture-rsa2048@example",
    type: "ssh-rsa",
    bits: 2048,
    fingerprint: "SHA256:UiJU6L/ZYADG+VELPxR+gYY9iB3IEsOg7sP3xVOcAjk",
  },
  {
    line: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDOpfz3i0eCdIqr18LJzkxojMCPtrFMzRhOoGj0JJXC+tCKPi3hi58aYsO20UB7AHhvyGJr/pagQHCg1ZE7jy/z94SGZrkSNpO2pe4N6JOg8YBXWY8LThYriGMdkOzdeUmJ/MZk/v16mvH97jzVl8jIA6hNS4p8JUIoERKXFJ8284Hja2ZVffJdvJohCKuXfRKKtUs31LGJPKm+24DFx9/7418PlbJ1NG6ybdrYQGsmzkrrOwpxHrLItzozK4nmRPET5VZuBnYY06CwHiw+wtlLJzWXhxXU9AcZ/01yRirk66XtuxN1Anm5Wy8xpY8Y1+Z5raKPZcA2p1KAttokL+gAMYdKzqdvqCwXt3jR10XmR7SDU+qLpva9KA2o4WTMRJnKf9usX5ik/7Wg3CXpsYj5V3fzaCMW+srvIyLLdWPB+nnfOU06yyGBTuwr34bsqGIjhFrpoK3S4iaYCkI4QmnP0UTaU5LwYPwdFKGtB10rdSgrhfNG95qrTaPOnj438N8= fixture-rsa3072@example",
    type: "ssh-rsa",
    bits: 3072,
    fingerprint: "SHA256:6qupzgqkYn9bAERT59v3Fp8KotMv/Nfh/UZ2JHPF6/8",
  },
  {
    line: "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBOvdPK+9JoGaNnq20kGCaEWR7dyg2RwhpiJ+hQVq8MSmH9Dsa8bOygPGHGp9Iqpl56pN+tB389hmTeFU9W6elAs= fixture-ecdsa256@example",
    type: "ecdsa-sha2-nistp256",
    bits: 256,
    fingerprint: "SHA256:BDGRCa9HvUWRMdhB2BuY5hYWTNTuV3W+eENICSWIeG4",
  },
  {
    line: "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBFwaWqm587KNLqGkBAdOEKctnfgv0oieaFwEDF/Ne2G70mt7gmfQ5bApT7yF3G/J38sKAaJIOqOvzD9mA41W0jP5ngZ1ecJ+d5HLVTk29dPffl8y1P9L3UMjkb4mz7ptPw== fixture-ecdsa384@example",
    type: "ecdsa-sha2-nistp384",
    bits: 384,
    fingerprint: "SHA256:wCKJm2btP6GGzPhnj7gLF/ck7TmNFHbnEaHdYFEBZac",
  },
  {
    line: "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAEofAFfBTRrPRh90RvJl3SIdkq9OVUpEONxqYhfs0eeVAw5GooBipYssIP0xmTyQVUR197ORp3JNSxHxDodULLLugDl84UTNIdOthU4EMjjk74ZkfA9zab2O0hEZvXwCrDtRUwxJ7Rk4xuWcgwWuI306Rk1FJ/tjGNyUJELM6LWZCGitg== fixture-ecdsa521@example",
    type: "ecdsa-sha2-nistp521",
    bits: 521,
    fingerprint: "SHA256:63lOpT/wtqBD1Lv3T7HnWs42oCZd/wFQNcG3XmVcZGA",
  },
] as const;

const RSA_1024 =
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDEX+d4SmCfZ79RSnk0rCbCILyezmEIa1VoWWyUnktNOjYnPaIa7GZA1NO0aCGPfC49INmuIh2ajMdBAoFZVzTx35sfgo+2ywHlNEEEPY2LsyW5OQpUZaYisMOzCQZtd2vPdYnMUJ3i2kMnAGQx07UiHVMBZxBBs0CjbHlR5L1Y6w== fixture-rsa1024@example";

const ED25519 = KNOWN[0];
const ED25519_DATA = ED25519.line.split(" ")[1]!;

function parsed(text: string): ParsedSshKey {
  const result = parseSshPublicKey(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text.slice(0, 40))} to parse, got: ${result.message}`);
  return result.key;
}

function problem(text: string): string {
  const result = parseSshPublicKey(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text.slice(0, 40))} to be refused`);
  return result.message;
}

function wireString(bytes: Buffer | string): Buffer {
  const data = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

const blobLine = (type: string, ...fields: (Buffer | string)[]) => `${type} ${Buffer.concat(fields.map(wireString)).toString("base64")}`;

describe("parseSshPublicKey on known keys", () => {
  it.each(KNOWN)("$type ($bits bits) has the fingerprint ssh-keygen printed", ({ line, type, bits, fingerprint }) => {
    expect(parsed(line)).toEqual({
      type,
      bits,
      fingerprint,
      data: line.split(" ")[1],
      comment: line.split(" ")[2],
      line,
    });
  });

  it("keeps a comment with spaces, drops surrounding and repeated whitespace, a BOM and CRLF", () => {
    const key = parsed(`\uFEFF  ssh-ed25519\t${ED25519_DATA}   Kim's  laptop (work)\r\n`);
    expect(key.comment).toBe("Kim's laptop (work)");
    expect(key.line).toBe(`ssh-ed25519 ${ED25519_DATA} Kim's laptop (work)`);
    expect(key.fingerprint).toBe(ED25519.fingerprint);
  });

  it("accepts a key without a comment", () => {
    expect(parsed(`ssh-ed25519 ${ED25519_DATA}`)).toMatchObject({ comment: null, line: `ssh-ed25519 ${ED25519_DATA}` });
  });

  it("accepts a key a terminal wrapped, inside the base64 or before the comment", () => {
    const wrapped = `ssh-ed25519 ${ED25519_DATA.slice(0, 30)}\n${ED25519_DATA.slice(30)} fixture-ed25519@example`;
    expect(parsed(wrapped).line).toBe(ED25519.line);
    expect(parsed(`ssh-ed25519\n${ED25519_DATA}\nfixture-ed25519@example`).line).toBe(ED25519.line);
  });

  it("strips control characters from the comment, since the line goes into authorized_keys", () => {
    expect(parsed(`ssh-ed25519 ${ED25519_DATA} evil\u0000\u001b[2Jcomment`).comment).toBe("evil[2Jcomment");
  });

  it("fingerprints keys made with node:crypto (the test helper) like any other", () => {
    const line = newTestPublicKey("helper");
    const key = parsed(line);
    expect(key.type).toBe("ssh-ed25519");
    expect(key.fingerprint).toBe(sshFingerprint(Buffer.from(line.split(" ")[1]!, "base64")));
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe("parseSshPublicKey refuses, saying why", () => {
  it.each([
    ["an empty paste", "   \n ", SSH_KEY_MESSAGES.empty],
    [
      "an OpenSSH private key",
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----",
      SSH_KEY_MESSAGES.privateKey,
    ],
    ["a PEM RSA private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", SSH_KEY_MESSAGES.privateKey],
    ["a PKCS#8 private key", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----", SSH_KEY_MESSAGES.privateKey],
    ["a PuTTY private key", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x", SSH_KEY_MESSAGES.privateKey],
    ["a PEM public key", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----", SSH_KEY_MESSAGES.pemPublicKey],
    ["an RFC 4716 public key", `---- BEGIN SSH2 PUBLIC KEY ----\n${ED25519_DATA}\n---- END SSH2 PUBLIC KEY ----`, SSH_KEY_MESSAGES.rfc4716],
    ["two keys at once", `${ED25519.line}\n${KNOWN[3].line}`, SSH_KEY_MESSAGES.severalKeys],
    ["the base64 without its type", `${ED25519_DATA} me@host`, SSH_KEY_MESSAGES.missingType],
    ["a type without data", "ssh-ed25519", SSH_KEY_MESSAGES.missingData("ssh-ed25519")],
    ["a DSA key", "ssh-dss AAAAB3NzaC1kc3MAAACBAP", SSH_KEY_MESSAGES.unsupportedType("ssh-dss")],
    ["a FIDO security key", "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t", SSH_KEY_MESSAGES.unsupportedType("sk-ssh-ed25519@openssh.com")],
    ["an SSH certificate", `ssh-ed25519-cert-v01@openssh.com ${ED25519_DATA}`, SSH_KEY_MESSAGES.unsupportedType("ssh-ed25519-cert-v01@openssh.com")],
    ["a random word", "hello", SSH_KEY_MESSAGES.unsupportedType("hello")],
    ["characters outside base64", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEsU/tiKc05bCXiPsJ9ZMb0EKLpIYC6UoO/MEgtWCY!l", SSH_KEY_MESSAGES.notBase64],
    ["base64 with a character missing", `ssh-ed25519 ${ED25519_DATA.slice(0, -1)}`, SSH_KEY_MESSAGES.notBase64],
    ["base64url instead of base64", `ssh-ed25519 ${Buffer.from(ED25519_DATA, "base64").toString("base64url")}`, SSH_KEY_MESSAGES.notBase64],
    // "…elAs=" → "…elAt=": the same bytes to a lenient decoder, but the bits under the padding are set.
    ["non-canonical padding bits", KNOWN[3].line.replace("elAs=", "elAt="), SSH_KEY_MESSAGES.notBase64],
    ["a blob of another type", `ssh-rsa ${ED25519_DATA}`, SSH_KEY_MESSAGES.typeMismatch("ssh-rsa", "ssh-ed25519")],
    ["an ECDSA blob of another curve", `ecdsa-sha2-nistp384 ${KNOWN[3].line.split(" ")[1]}`, SSH_KEY_MESSAGES.typeMismatch("ecdsa-sha2-nistp384", "ecdsa-sha2-nistp256")],
    ["a truncated blob", `ssh-ed25519 ${Buffer.from(ED25519_DATA, "base64").subarray(0, 40).toString("base64")}`, SSH_KEY_MESSAGES.damaged],
    ["a blob with bytes after the key", `ssh-ed25519 ${Buffer.concat([Buffer.from(ED25519_DATA, "base64"), Buffer.from([0])]).toString("base64")}`, SSH_KEY_MESSAGES.damaged],
    ["a blob too short to hold its type", "ssh-ed25519 AAAA", SSH_KEY_MESSAGES.damaged],
    ["an Ed25519 key of 31 bytes", blobLine("ssh-ed25519", "ssh-ed25519", Buffer.alloc(31, 7)), SSH_KEY_MESSAGES.damaged],
    ["an ECDSA key naming another curve inside", blobLine("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", "nistp384", Buffer.alloc(65, 4)), SSH_KEY_MESSAGES.damaged],
    ["a compressed ECDSA point", blobLine("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", "nistp256", Buffer.concat([Buffer.from([2]), Buffer.alloc(32, 9)])), SSH_KEY_MESSAGES.damaged],
    ["an RSA key with a zero exponent", blobLine("ssh-rsa", "ssh-rsa", Buffer.alloc(1), Buffer.concat([Buffer.from([0, 0xc1]), Buffer.alloc(255, 1)])), SSH_KEY_MESSAGES.damaged],
    ["an RSA key of 1024 bits", RSA_1024, SSH_KEY_MESSAGES.rsaTooShort(1024)],
    ["an RSA key of 2047 bits", blobLine("ssh-rsa", "ssh-rsa", Buffer.from([1, 0, 1]), Buffer.concat([Buffer.from([0x7f]), Buffer.alloc(255, 0xff)])), SSH_KEY_MESSAGES.rsaTooShort(2047)],
    ["an RSA key of 16385 bits", blobLine("ssh-rsa", "ssh-rsa", Buffer.from([1, 0, 1]), Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(2048, 0xff)])), SSH_KEY_MESSAGES.rsaTooLong(16385)],
  ])("%s", (_label, text, message) => {
    expect(problem(text)).toBe(message);
  });

  it("words the messages the way the console shows them", () => {
    expect(SSH_KEY_MESSAGES.privateKey).toMatch(/^This looks like a private key — paste the \.pub file/);
    expect(SSH_KEY_MESSAGES.unsupportedType("ssh-dss")).toMatch(/^Unsupported key type ssh-dss\./);
    expect(SSH_KEY_MESSAGES.rsaTooShort(1024)).toMatch(/^RSA keys must be at least 2048 bits/);
    expect(SSH_KEY_MESSAGES.notBase64).toMatch(/^The key data is not valid base64/);
  });

  it("counts RSA bits from the modulus, ignoring the mpint sign byte", () => {
    const modulus = Buffer.concat([Buffer.from([0, 0x80]), Buffer.alloc(255, 0)]);
    expect(parsed(blobLine("ssh-rsa", "ssh-rsa", Buffer.from([1, 0, 1]), modulus)).bits).toBe(MIN_RSA_BITS);
  });
});

const sshKeygen = (() => {
  try {
    execFileSync("ssh-keygen", ["-?"], { stdio: "ignore" });
    return true;
  } catch (error) {
    // ssh-keygen -? prints usage and exits 1; only a missing binary throws ENOENT.
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
})();

describe.runIf(sshKeygen)("against ssh-keygen on this machine", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cc-ssh-keygen-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let made = 0;
  function generate(type: string, bits?: number) {
    const file = path.join(dir, `${type}-${bits ?? "default"}-${made++}`);
    execFileSync("ssh-keygen", ["-q", "-t", type, ...(bits ? ["-b", String(bits)] : []), "-N", "", "-C", `vitest ${type}`, "-f", file]);
    // `ssh-keygen -lf` prints "<bits> SHA256:<fingerprint> <comment> (<TYPE>)".
    const [printedBits, fingerprint] = execFileSync("ssh-keygen", ["-lf", `${file}.pub`], { encoding: "utf8" }).split(" ");
    return { file, publicKey: readFileSync(`${file}.pub`, "utf8"), fingerprint, bits: Number(printedBits) };
  }

  it.each([
    ["ed25519", undefined],
    ["rsa", 2048],
    ["rsa", 4096],
    ["ecdsa", 256],
    ["ecdsa", 384],
    ["ecdsa", 521],
  ] as const)("a fresh %s key (%s bits) gets ssh-keygen's fingerprint and size", (type, bits) => {
    const made = generate(type, bits);
    const key = parsed(made.publicKey);
    expect(key.fingerprint).toBe(made.fingerprint);
    expect(key.bits).toBe(made.bits);
    expect(key.comment).toBe(`vitest ${type}`);
    expect(`${key.line}\n`).toBe(made.publicKey);
  });

  it("refuses the private half of a fresh key, and a fresh 1024-bit RSA key", () => {
    const made = generate("ed25519");
    expect(problem(readFileSync(made.file, "utf8"))).toBe(SSH_KEY_MESSAGES.privateKey);
    expect(problem(generate("rsa", 1024).publicKey)).toBe(SSH_KEY_MESSAGES.rsaTooShort(1024));
  });

  it("points an RFC 4716 export to its conversion", () => {
    const made = generate("ed25519");
    const exported = execFileSync("ssh-keygen", ["-e", "-f", `${made.file}.pub`], { encoding: "utf8" });
    expect(problem(exported)).toBe(SSH_KEY_MESSAGES.rfc4716);
  });
});
