import { generateKeyPairSync } from "node:crypto";
import type { Db } from "@/server/db";
import { newId } from "@/server/db/ids";
import { sshKeys } from "@/server/db/schema";
import { parseSshPublicKey } from "./public-key";

function wireString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** Test-only: a fresh Ed25519 public key in OpenSSH form, made with node:crypto (no ssh-keygen needed). */
export function newTestPublicKey(comment = "test@example"): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  const blob = Buffer.concat([wireString(Buffer.from("ssh-ed25519")), wireString(raw)]);
  return `ssh-ed25519 ${blob.toString("base64")} ${comment}`;
}

/**
 * Test-only: puts a key straight into `ssh_keys` (no audit event), for tests that need a key to
 * exist in some team without going through the service.
 */
export async function insertTestSshKey(
  db: Db,
  teamId: string,
  overrides: { name?: string; publicKey?: string } = {},
): Promise<{ id: string; name: string; fingerprint: string; publicKey: string }> {
  const parsed = parseSshPublicKey(overrides.publicKey ?? newTestPublicKey());
  if (!parsed.ok) throw new Error(parsed.message);
  const id = newId("ssh");
  const name = overrides.name ?? `Test key ${id.slice(-6)}`;
  await db.insert(sshKeys).values({
    id,
    teamId,
    name,
    keyType: parsed.key.type,
    publicKey: parsed.key.line,
    fingerprint: parsed.key.fingerprint,
  });
  return { id, name, fingerprint: parsed.key.fingerprint, publicKey: parsed.key.line };
}
