import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { isUniqueViolation } from "@/server/db/errors";
import { newId } from "@/server/db/ids";
import { sshKeys, users, type InstanceSshKey, type SshKeyType } from "@/server/db/schema";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { AppError } from "../../errors";
import { actingUserId, requireCompute, type ComputeContext } from "../context";
import { parseSshPublicKey } from "./public-key";
import { addSshKeyInput, sshKeyIdInput, type AddSshKeyInput, type SshKeyIdInput } from "./schemas";

export const SSH_KEY_NOT_FOUND = "SSH key not found.";

/** How many keys one instance may be given; authorized_keys is not meant to be a directory. */
export const MAX_SSH_KEYS_PER_INSTANCE = 20;

export interface SshKeyView {
  id: string;
  name: string;
  keyType: SshKeyType;
  /** Modulus or curve size, as `ssh-keygen -l` prints it. */
  bits: number | null;
  fingerprint: string;
  publicKey: string;
  comment: string | null;
  createdAt: Date;
  /** Null when added through an API key, or once the member has deleted their account. */
  createdBy: { id: string; name: string | null } | null;
}

const viewColumns = {
  id: sshKeys.id,
  name: sshKeys.name,
  keyType: sshKeys.keyType,
  fingerprint: sshKeys.fingerprint,
  publicKey: sshKeys.publicKey,
  createdAt: sshKeys.createdAt,
  createdById: users.id,
  createdByName: users.name,
};

type ViewRow = Omit<SshKeyView, "bits" | "comment" | "createdBy"> & { createdById: string | null; createdByName: string | null };

function toView({ createdById, createdByName, ...row }: ViewRow): SshKeyView {
  // Stored keys were parsed on the way in; bits and comment are derived rather than stored twice.
  const parsed = parseSshPublicKey(row.publicKey);
  return {
    ...row,
    bits: parsed.ok ? parsed.key.bits : null,
    comment: parsed.ok ? parsed.key.comment : null,
    createdBy: createdById ? { id: createdById, name: createdByName } : null,
  };
}

async function findView(db: Db | Tx, teamId: string, sshKeyId: string): Promise<SshKeyView | null> {
  const [row] = await db
    .select(viewColumns)
    .from(sshKeys)
    .leftJoin(users, eq(users.id, sshKeys.createdBy))
    .where(and(eq(sshKeys.teamId, teamId), eq(sshKeys.id, sshKeyId)))
    .limit(1);
  return row ? toView(row) : null;
}

/**
 * The team's keys by name, case-insensitively; ties break by code point so that the order does not
 * depend on the database's collation.
 */
export async function listSshKeys(ctx: ComputeContext): Promise<SshKeyView[]> {
  requireCompute(ctx, "compute:read");
  const rows = await ctx.db
    .select(viewColumns)
    .from(sshKeys)
    .leftJoin(users, eq(users.id, sshKeys.createdBy))
    .where(eq(sshKeys.teamId, ctx.team.id))
    .orderBy(asc(sql`lower(${sshKeys.name})`), asc(sql`${sshKeys.name} collate "C"`), asc(sshKeys.id));
  return rows.map(toView);
}

/**
 * Adds a public key to the team, for instances launched later. The key is parsed and checked (type,
 * wire format, RSA size); a key or a name the team already has is refused next to its field.
 */
export async function addSshKey(ctx: ComputeContext, rawInput: AddSshKeyInput): Promise<SshKeyView> {
  requireCompute(ctx, "compute:write");
  const input = addSshKeyInput.parse(rawInput);
  const parsed = parseSshPublicKey(input.publicKey);
  if (!parsed.ok) throw AppError.field("BAD_REQUEST", "publicKey", parsed.message);
  const key = parsed.key;
  const id = newId("ssh");

  try {
    await ctx.db.transaction(async (tx) => {
      await refuseDuplicates(tx, ctx.team.id, input.name, key.fingerprint);
      await tx.insert(sshKeys).values({
        id,
        teamId: ctx.team.id,
        name: input.name,
        keyType: key.type,
        publicKey: key.line,
        fingerprint: key.fingerprint,
        createdBy: actingUserId(ctx),
        createdAt: ctx.now(),
      });
      await recordAuditEvent(tx, ctx, {
        teamId: ctx.team.id,
        action: "ssh_key.added",
        target: { type: "ssh_key", id },
        metadata: { name: input.name, keyType: key.type, bits: key.bits, fingerprint: key.fingerprint },
      });
    });
  } catch (error) {
    // Two adds at once can both pass the check above; the unique indexes decide, and say which.
    if (isUniqueViolation(error, "ssh_keys_team_fingerprint_key") || isUniqueViolation(error, "ssh_keys_team_name_key")) {
      await refuseDuplicates(ctx.db, ctx.team.id, input.name, key.fingerprint);
    }
    throw error;
  }

  const view = await findView(ctx.db, ctx.team.id, id);
  if (!view) throw new AppError("INTERNAL", "The new SSH key could not be read back.");
  return view;
}

async function refuseDuplicates(db: Db | Tx, teamId: string, name: string, fingerprint: string): Promise<void> {
  const existing = await db
    .select({ name: sshKeys.name, fingerprint: sshKeys.fingerprint })
    .from(sshKeys)
    .where(and(eq(sshKeys.teamId, teamId), or(eq(sshKeys.fingerprint, fingerprint), eq(sshKeys.name, name))));
  const sameKey = existing.find((k) => k.fingerprint === fingerprint);
  if (sameKey) throw AppError.field("CONFLICT", "publicKey", `This key is already added, as “${sameKey.name}”.`);
  if (existing.length > 0) throw AppError.field("CONFLICT", "name", `A key named “${name}” already exists. Choose another name.`);
}

/**
 * Removes a key from the team. Instances already launched keep their copy of it (instances store
 * the keys they were given), so this only affects instances launched from now on.
 */
export async function deleteSshKey(ctx: ComputeContext, rawInput: SshKeyIdInput): Promise<{ id: string }> {
  requireCompute(ctx, "compute:write");
  const { sshKeyId } = sshKeyIdInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(sshKeys)
      .where(and(eq(sshKeys.teamId, ctx.team.id), eq(sshKeys.id, sshKeyId)))
      .returning({ id: sshKeys.id, name: sshKeys.name, keyType: sshKeys.keyType, fingerprint: sshKeys.fingerprint });
    if (!deleted) throw new AppError("NOT_FOUND", SSH_KEY_NOT_FOUND);
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "ssh_key.deleted",
      target: { type: "ssh_key", id: deleted.id },
      metadata: { name: deleted.name, keyType: deleted.keyType, fingerprint: deleted.fingerprint },
    });
    return { id: deleted.id };
  });
}

/**
 * The team's keys with these ids, in the order given (duplicates dropped), as copies to store on a
 * new instance. An id that is not one of the team's keys (another team's, a deleted one, made up)
 * is a field error on `sshKeyIds`, worded the same in every case so that it reveals nothing.
 * No ids is allowed: the instance then has no SSH access, which the console warns about.
 *
 * Pass the launch's transaction as `db` so that a key deleted meanwhile cannot slip through.
 */
export async function getSshKeysForLaunch(
  ctx: ComputeContext,
  ids: readonly string[],
  db: Db | Tx = ctx.db,
): Promise<InstanceSshKey[]> {
  requireCompute(ctx, "compute:read");
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return [];
  if (wanted.length > MAX_SSH_KEYS_PER_INSTANCE) {
    throw AppError.field("BAD_REQUEST", "sshKeyIds", `Choose at most ${MAX_SSH_KEYS_PER_INSTANCE} SSH keys for one instance.`);
  }
  const rows = await db
    .select({ id: sshKeys.id, name: sshKeys.name, fingerprint: sshKeys.fingerprint, publicKey: sshKeys.publicKey })
    .from(sshKeys)
    .where(and(eq(sshKeys.teamId, ctx.team.id), inArray(sshKeys.id, wanted)));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = wanted.find((id) => !byId.has(id));
  if (missing !== undefined) {
    throw AppError.field(
      "BAD_REQUEST",
      "sshKeyIds",
      `SSH key ${missing.slice(0, 64)} is not one of this team's keys. It may have been deleted; reload the list and choose again.`,
    );
  }
  return wanted.map((id) => byId.get(id)!);
}
