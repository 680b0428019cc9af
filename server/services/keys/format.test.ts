import { describe, expect, it } from "vitest";
import { checksumOf, crc32, generateKey, hashKey, hintFor, KEY_LENGTH, KEY_PREFIX, parseKey } from "./format";
import { createKeyInput, rotateKeyInput, usdToNano } from "./schemas";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The same key with the character at `index` replaced by another base62 character. */
function withCharChanged(key: string, index: number): string {
  const current = key[index]!;
  const replacement = BASE62[(BASE62.indexOf(current) + 1) % 62]!;
  return key.slice(0, index) + replacement + key.slice(index + 1);
}

describe("crc32", () => {
  it.each([
    ["", 0],
    ["123456789", 0xcbf43926],
    ["The quick brown fox jumps over the lazy dog", 0x414fa339],
    ["a", 0xe8b7be43],
  ])("crc32(%j) = %i", (text, expected) => {
    expect(crc32(text)).toBe(expected);
  });

  it("encodes as six base62 characters, zero-padded", () => {
    expect(checksumOf("")).toBe("000000");
    expect(checksumOf("123456789")).toMatch(/^[0-9A-Za-z]{6}$/);
  });
});

describe("key format", () => {
  it("generates cc_sk_ + 40 random + 6 checksum characters, and parses its own keys", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { secret, hash, hint } = generateKey();
      expect(secret).toMatch(/^cc_sk_[0-9A-Za-z]{46}$/);
      expect(secret).toHaveLength(KEY_LENGTH);
      expect(parseKey(secret)).toEqual({
        valid: true,
        secret,
        random: secret.slice(6, 46),
        checksum: secret.slice(46),
      });
      expect(hash).toBe(hashKey(secret));
      expect(hint).toBe(`${secret.slice(0, 10)}…${secret.slice(-4)}`);
      seen.add(secret);
    }
    expect(seen.size).toBe(200);
  });

  it("hashes with SHA-256, hex", () => {
    expect(hashKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(generateKey().hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("hints at the key without revealing it", () => {
    const { secret, hint } = generateKey();
    expect(hintFor(secret)).toBe(hint);
    expect(hint.startsWith(KEY_PREFIX)).toBe(true);
    expect(hint.replace("…", "").length).toBe(KEY_PREFIX.length + 8);
  });

  it("rejects a change of any single character through the checksum", () => {
    const { secret } = generateKey();
    for (let i = KEY_PREFIX.length; i < KEY_LENGTH; i++) {
      expect(parseKey(withCharChanged(secret, i)), `position ${i}`).toEqual({ valid: false, problem: "checksum" });
    }
  });

  it.each([
    ["wrong prefix", (k: string) => `cc_pk_${k.slice(6)}`, "prefix"],
    ["another vendor's prefix", (k: string) => `sk-${k}`, "prefix"],
    ["no prefix", (k: string) => k.slice(6), "prefix"],
    ["upper-case prefix", (k: string) => k.replace("cc_sk_", "CC_SK_"), "prefix"],
    ["one character short", (k: string) => k.slice(0, -1), "length"],
    ["one character too many", (k: string) => `${k}a`, "length"],
    ["trailing new line", (k: string) => `${k}\n`, "length"],
    ["leading space", (k: string) => ` ${k}`, "prefix"],
    ["a character outside base62", (k: string) => `${k.slice(0, 20)}-${k.slice(21)}`, "charset"],
    ["a non-ASCII character", (k: string) => `${k.slice(0, 20)}é${k.slice(21)}`, "charset"],
    ["swapped halves", (k: string) => `${k.slice(0, 6)}${k.slice(26, 46)}${k.slice(6, 26)}${k.slice(46)}`, "checksum"],
  ])("rejects %s", (_label, mangle, problem) => {
    const { secret } = generateKey();
    expect(parseKey(mangle(secret))).toEqual({ valid: false, problem });
  });

  it("rejects non-strings and empty input", () => {
    for (const raw of [undefined, null, 42, {}, "", "cc_sk_"]) expect(parseKey(raw).valid).toBe(false);
  });
});

describe("create key input", () => {
  it("accepts what the console's form sends: text, blanks and comma-separated models", () => {
    const parsed = createKeyInput.parse({
      name: "  CI pipeline  ",
      scopes: ["usage:read", "inference", "inference"],
      expiresInDays: "30",
      expiresAt: "",
      modelAllowlist: " llama-3.1-8b, qwen-2.5-7b,,llama-3.1-8b \n mistral-7b ",
      requestsPerMinute: "600",
      tokensPerMinute: "",
      monthlySpendLimitUsd: "$1,250.5",
    });
    expect(parsed).toEqual({
      name: "CI pipeline",
      scopes: ["inference", "usage:read"],
      expiresInDays: 30,
      expiresAt: undefined,
      modelAllowlist: ["llama-3.1-8b", "qwen-2.5-7b", "mistral-7b"],
      requestsPerMinute: 600,
      tokensPerMinute: undefined,
      monthlySpendLimitUsd: "$1,250.5",
    });
  });

  it.each([
    [{ name: "" }, "name", "Enter a name for the key."],
    [{ name: "x".repeat(65) }, "name", "Use at most 64 characters."],
    [{ scopes: [] }, "scopes", "Choose at least one scope."],
    [{ scopes: ["keys:write"] }, "scopes.0", "Choose from the listed scopes."],
    [{ expiresInDays: "14" }, "expiresInDays", "Choose one of the listed lifetimes."],
    [{ modelAllowlist: Array.from({ length: 51 }, (_, i) => `m${i}`) }, "modelAllowlist", "List at most 50 models."],
    [{ modelAllowlist: ["x".repeat(129)] }, "modelAllowlist", expect.stringMatching(/^Model ids are at most 128 characters/)],
    [{ requestsPerMinute: "0" }, "requestsPerMinute", "Enter a whole number from 1 to 100,000 requests."],
    [{ requestsPerMinute: "1.5" }, "requestsPerMinute", "Enter a whole number from 1 to 100,000 requests."],
    [{ requestsPerMinute: "lots" }, "requestsPerMinute", "Enter a whole number from 1 to 100,000 requests."],
    [{ tokensPerMinute: 100_000_001 }, "tokensPerMinute", "Enter a whole number from 1 to 100,000,000 tokens."],
    [{ monthlySpendLimitUsd: "0.001" }, "monthlySpendLimitUsd", "Enter an amount from $0.01 to $1,000,000."],
    [{ monthlySpendLimitUsd: "1000000.01" }, "monthlySpendLimitUsd", "Enter an amount from $0.01 to $1,000,000."],
    [{ monthlySpendLimitUsd: "ten" }, "monthlySpendLimitUsd", "Enter an amount in US dollars, e.g. 25 or 12.50."],
    [{ monthlySpendLimitUsd: "-5" }, "monthlySpendLimitUsd", "Enter an amount in US dollars, e.g. 25 or 12.50."],
    [{ expiresInDays: 7, expiresAt: new Date(Date.now() + 1e9) }, "expiresAt", "Give either a lifetime or an exact expiry time, not both."],
  ])("refuses %j", (patch, path, message) => {
    const result = createKeyInput.safeParse({ name: "Key", scopes: ["inference"], ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path.join("."), message: i.message }))).toContainEqual({ path, message });
  });

  it("converts dollars to integer nano-USD exactly", () => {
    expect(usdToNano("0.01")).toBe(10_000_000n);
    expect(usdToNano("12.5")).toBe(12_500_000_000n);
    expect(usdToNano("$1,000,000")).toBe(1_000_000_000_000_000n);
    expect(usdToNano("0.123456789")).toBe(123_456_789n);
    expect(usdToNano("0.1234567891")).toBeNull();
    expect(usdToNano("1e3")).toBeNull();
  });

  it("limits the rotation grace period to 0…1440 whole minutes", () => {
    expect(rotateKeyInput.parse({ keyId: "key_x", gracePeriodMinutes: "60" }).gracePeriodMinutes).toBe(60);
    expect(rotateKeyInput.parse({ keyId: "key_x", gracePeriodMinutes: 0 }).gracePeriodMinutes).toBe(0);
    for (const bad of [-1, 1441, 1.5, "", "soon"]) {
      expect(rotateKeyInput.safeParse({ keyId: "key_x", gracePeriodMinutes: bad }).success, String(bad)).toBe(false);
    }
  });
});
