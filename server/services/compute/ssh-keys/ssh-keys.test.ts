import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, memberships, sshKeys } from "@/server/db/schema";
import { insertTestKey } from "@/server/services/keys/testing";
import { clientError, clientFor } from "@/server/trpc/testing";
import { AppError } from "../../errors";
import type { Role } from "../../teams/permissions";
import { enterTeam } from "../../teams/team-access";
import { appErrorOf, createTestUser, testContext } from "../../testing";
import { computeContextOf, computeContextOfKey, type ComputeContext } from "../context";
import { SSH_KEY_MESSAGES } from "./public-key";
import { addSshKey, deleteSshKey, getSshKeysForLaunch, listSshKeys, MAX_SSH_KEYS_PER_INSTANCE, SSH_KEY_NOT_FOUND } from "./ssh-keys";
import { insertTestSshKey, newTestPublicKey } from "./testing";

const { db } = await openTestDatabase();

const RSA_2048 =
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCfer9tBIzDhb9pgwdD0IwxCJXkyXwzFtt/Lipa/++JsFL4tPClnxuauxPBDpC4KtOIhDaIjotH0q9xzowmen0flCH4l2+Htfll7pK5GRiSvjMmQwNyPK6WrNS3irGujerrNfbbRqJcunYvp62/9y812IwRDXemB3eChYhfxfqRn+OmZdTUpuL2T6Ozzwdfd9IBScjA0Ydgp/1Y+0WcSZjQchbZ73DV9Omd/9PoppS1AmNJ0L6SPCVvoNoSs0AMDPTpjktRYYo5ZGd8smo9NWizpmCdlKAHy9WCRnQEr7josjK4pwy4kl5mceOZ5K2+fdZbCP5YhoSCwxnTZvxqqmmZ fixture-rsa2048@example";
const RSA_2048_FINGERPRINT = "SHA256:UiJU6L/ZYADG+VELPxR+gYY9iB3IEsOg7sP3xVOcAjk";

/** A person with their own team, acting at a clock the test controls. */
async function owner(name = "Sam Shell") {
  const user = await createTestUser(db, name);
  const clock = { now: new Date("2030-06-01T12:00:00.000Z") };
  const team = await enterTeam(testContext(db, user.userId, () => clock.now), { teamId: user.team.id });
  return { ...user, ctx: computeContextOf(team), clock };
}

async function memberWithRole(teamId: string, role: Role): Promise<ComputeContext> {
  const person = await createTestUser(db, `Member ${role}`);
  await db.insert(memberships).values({ teamId, userId: person.userId, role, createdAt: new Date() });
  return computeContextOf(await enterTeam(person.ctx, { teamId }));
}

async function auditFor(teamId: string, action: string) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.teamId, teamId), eq(auditEvents.action, action)));
}

const rowsOf = (teamId: string) => db.select().from(sshKeys).where(eq(sshKeys.teamId, teamId)).orderBy(sshKeys.id);

describe("addSshKey", () => {
  it("stores the normalised key with its fingerprint and records ssh_key.added", async () => {
    const o = await owner("Ada Adder");
    const key = await addSshKey(o.ctx, { name: "  Work laptop ", publicKey: `\n${RSA_2048.replace(" ", "   ")}\n` });

    expect(key).toEqual({
      id: expect.stringMatching(/^ssh_[0-9A-Za-z]{20}$/),
      name: "Work laptop",
      keyType: "ssh-rsa",
      bits: 2048,
      fingerprint: RSA_2048_FINGERPRINT,
      publicKey: RSA_2048,
      comment: "fixture-rsa2048@example",
      createdAt: o.clock.now,
      createdBy: { id: o.userId, name: "Ada Adder" },
    });
    const [row] = await rowsOf(o.team.id);
    expect(row).toMatchObject({ id: key.id, teamId: o.team.id, publicKey: RSA_2048, createdBy: o.userId });

    const [event] = await auditFor(o.team.id, "ssh_key.added");
    expect(event).toMatchObject({
      actorType: "user",
      actorId: o.userId,
      targetType: "ssh_key",
      targetId: key.id,
      metadata: { name: "Work laptop", keyType: "ssh-rsa", bits: 2048, fingerprint: RSA_2048_FINGERPRINT },
    });
  });

  it("refuses a key that does not parse, next to the field, writing nothing", async () => {
    const o = await owner();
    for (const [publicKey, message] of [
      ["-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----", SSH_KEY_MESSAGES.privateKey],
      ["ssh-dss AAAAB3NzaC1kc3MAAACBAP", SSH_KEY_MESSAGES.unsupportedType("ssh-dss")],
      ["ssh-ed25519 not*base64", SSH_KEY_MESSAGES.notBase64],
    ] as const) {
      const error = await appErrorOf(addSshKey(o.ctx, { name: "Bad", publicKey }));
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.details.fieldErrors).toEqual({ publicKey: [message] });
    }
    expect(await rowsOf(o.team.id)).toEqual([]);
    expect(await auditFor(o.team.id, "ssh_key.added")).toEqual([]);
  });

  it("refuses a key the team already has (whatever its comment) and a name in use, per field", async () => {
    const o = await owner();
    const publicKey = newTestPublicKey("first@host");
    await addSshKey(o.ctx, { name: "Laptop", publicKey });

    const sameKey = await appErrorOf(addSshKey(o.ctx, { name: "Desktop", publicKey: publicKey.replace("first@host", "renamed") }));
    expect(sameKey.code).toBe("CONFLICT");
    expect(sameKey.details.fieldErrors).toEqual({ publicKey: ["This key is already added, as “Laptop”."] });

    const sameName = await appErrorOf(addSshKey(o.ctx, { name: "Laptop", publicKey: newTestPublicKey() }));
    expect(sameName.code).toBe("CONFLICT");
    expect(sameName.details.fieldErrors).toEqual({ name: ["A key named “Laptop” already exists. Choose another name."] });

    expect(await rowsOf(o.team.id)).toHaveLength(1);
    expect(await auditFor(o.team.id, "ssh_key.added")).toHaveLength(1);
  });

  it("lets two teams hold the same key", async () => {
    const a = await owner();
    const b = await owner();
    const publicKey = newTestPublicKey();
    const inA = await addSshKey(a.ctx, { name: "Shared", publicKey });
    const inB = await addSshKey(b.ctx, { name: "Shared", publicKey });
    expect(inB.fingerprint).toBe(inA.fingerprint);
    expect(inB.id).not.toBe(inA.id);
  });

  it("two adds of the same key at once: one wins, the other gets the duplicate message", async () => {
    const o = await owner();
    const publicKey = newTestPublicKey();
    const results = await Promise.allSettled([
      addSshKey(o.ctx, { name: "One", publicKey }),
      addSshKey(o.ctx, { name: "Two", publicKey }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [refused] = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused?.reason).toBeInstanceOf(AppError);
    expect((refused?.reason as AppError).details.fieldErrors?.publicKey?.[0]).toMatch(/^This key is already added, as “(One|Two)”\.$/);
    expect(await rowsOf(o.team.id)).toHaveLength(1);
  });

  it("writes the key and its audit event in one transaction", async () => {
    const user = await createTestUser(db);
    let calls = 0;
    const clock = () => {
      calls += 1;
      if (calls === 2) throw new Error("clock failed while writing the audit event");
      return new Date();
    };
    const ctx = computeContextOf(await enterTeam(testContext(db, user.userId, clock), { teamId: user.team.id }));
    await expect(addSshKey(ctx, { name: "Atomic", publicKey: newTestPublicKey() })).rejects.toThrow(/clock failed/);
    expect(await rowsOf(user.team.id)).toEqual([]);
  });

  it("through an API key: recorded as the key, with no member as creator; a read-only key is refused", async () => {
    const o = await owner();
    const apiKey = await insertTestKey(db, o.team.id, { scopes: ["instances:write"] });
    const ctx = computeContextOfKey(testContext(db), { id: apiKey.id, teamId: o.team.id, scopes: ["instances:write"] }, o.team);
    const added = await addSshKey(ctx, { name: "From CI", publicKey: newTestPublicKey() });
    expect(added.createdBy).toBeNull();
    expect((await auditFor(o.team.id, "ssh_key.added"))[0]).toMatchObject({ actorType: "api_key", actorId: apiKey.id });

    const readOnly = computeContextOfKey(testContext(db), { id: apiKey.id, teamId: o.team.id, scopes: ["instances:read"] }, o.team);
    const refused = await appErrorOf(addSshKey(readOnly, { name: "Nope", publicKey: newTestPublicKey() }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toContain("instances:write");
  });

  it("reports field errors through tRPC the way the form reads them", async () => {
    const o = await owner();
    const client = clientFor(db, o.userId);
    const bad = await clientError(client.sshKeys.add.mutate({ teamId: o.team.id, name: "K", publicKey: "ssh-rsa AAAA" }));
    expect(bad.data?.code).toBe("BAD_REQUEST");
    expect(bad.shape?.data.fieldErrors).toEqual({ publicKey: ["The key data is incomplete or damaged. Copy the whole line from the .pub file."] });

    const blank = await clientError(client.sshKeys.add.mutate({ teamId: o.team.id, name: " ", publicKey: "" }));
    expect(blank.shape?.data.fieldErrors).toMatchObject({
      name: ["Enter a name for the key."],
      publicKey: [expect.stringMatching(/^Paste the public key/)],
    });

    await client.sshKeys.add.mutate({ teamId: o.team.id, name: "K", publicKey: RSA_2048 });
    const duplicate = await clientError(client.sshKeys.add.mutate({ teamId: o.team.id, name: "K2", publicKey: RSA_2048 }));
    expect(duplicate.data?.code).toBe("CONFLICT");
    expect(duplicate.shape?.data.fieldErrors).toEqual({ publicKey: ["This key is already added, as “K”."] });
  });
});

describe("listSshKeys", () => {
  it("lists the team's keys by name, case-insensitively, with who added them; never another team's", async () => {
    const o = await owner("Lou Lister");
    const other = await owner();
    await insertTestSshKey(db, other.team.id, { name: "Other team's" });
    for (const name of ["zeta", "Alpha", "beta"]) await addSshKey(o.ctx, { name, publicKey: newTestPublicKey(`${name}@host`) });

    const listed = await listSshKeys(o.ctx);
    expect(listed.map((k) => k.name)).toEqual(["Alpha", "beta", "zeta"]);
    expect(listed[0]).toMatchObject({ keyType: "ssh-ed25519", bits: 256, comment: "Alpha@host", createdBy: { id: o.userId, name: "Lou Lister" } });
    expect(listed.every((k) => k.fingerprint.startsWith("SHA256:"))).toBe(true);
  });

  it("is open to every role with compute:read, and add/delete are not", async () => {
    const o = await owner();
    await addSshKey(o.ctx, { name: "Visible", publicKey: newTestPublicKey() });
    for (const role of ["viewer", "billing"] as const) {
      const ctx = await memberWithRole(o.team.id, role);
      expect((await listSshKeys(ctx)).map((k) => k.name)).toEqual(["Visible"]);
      expect((await appErrorOf(addSshKey(ctx, { name: "No", publicKey: newTestPublicKey() }))).code).toBe("FORBIDDEN");
      expect((await appErrorOf(deleteSshKey(ctx, { sshKeyId: "ssh_whatever" }))).code).toBe("FORBIDDEN");
    }
    const developer = await memberWithRole(o.team.id, "developer");
    await expect(addSshKey(developer, { name: "Dev's", publicKey: newTestPublicKey() })).resolves.toMatchObject({ name: "Dev's" });
  });
});

describe("deleteSshKey", () => {
  it("deletes the team's key and records ssh_key.deleted", async () => {
    const o = await owner();
    const key = await addSshKey(o.ctx, { name: "Old laptop", publicKey: RSA_2048 });
    await expect(deleteSshKey(o.ctx, { sshKeyId: key.id })).resolves.toEqual({ id: key.id });
    expect(await rowsOf(o.team.id)).toEqual([]);
    const [event] = await auditFor(o.team.id, "ssh_key.deleted");
    expect(event).toMatchObject({
      actorId: o.userId,
      targetType: "ssh_key",
      targetId: key.id,
      metadata: { name: "Old laptop", keyType: "ssh-rsa", fingerprint: RSA_2048_FINGERPRINT },
    });
    // The same key can come back afterwards, under the same name.
    await expect(addSshKey(o.ctx, { name: "Old laptop", publicKey: RSA_2048 })).resolves.toMatchObject({ name: "Old laptop" });
  });

  it("is NOT_FOUND for another team's key, a deleted key and a made-up id, changing nothing", async () => {
    const a = await owner();
    const b = await owner();
    const bKey = await insertTestSshKey(db, b.team.id);
    const before = await rowsOf(b.team.id);
    for (const sshKeyId of [bKey.id, "ssh_doesNotExist000000000"]) {
      const error = await appErrorOf(deleteSshKey(a.ctx, { sshKeyId }));
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toBe(SSH_KEY_NOT_FOUND);
    }
    expect(await rowsOf(b.team.id)).toEqual(before);
    expect(await auditFor(a.team.id, "ssh_key.deleted")).toEqual([]);

    await deleteSshKey(b.ctx, { sshKeyId: bKey.id });
    expect((await appErrorOf(deleteSshKey(b.ctx, { sshKeyId: bKey.id }))).code).toBe("NOT_FOUND");
  });
});

describe("getSshKeysForLaunch", () => {
  it("returns copies of the team's keys in the order asked, duplicates dropped", async () => {
    const o = await owner();
    const first = await insertTestSshKey(db, o.team.id, { name: "First" });
    const second = await insertTestSshKey(db, o.team.id, { name: "Second" });
    const keys = await getSshKeysForLaunch(o.ctx, [second.id, first.id, second.id]);
    expect(keys).toEqual([
      { id: second.id, name: "Second", fingerprint: second.fingerprint, publicKey: second.publicKey },
      { id: first.id, name: "First", fingerprint: first.fingerprint, publicKey: first.publicKey },
    ]);
    expect(await getSshKeysForLaunch(o.ctx, [])).toEqual([]);
  });

  it("refuses another team's key or an unknown id as a field error that says nothing about other teams", async () => {
    const a = await owner();
    const b = await owner();
    const mine = await insertTestSshKey(db, a.team.id);
    const theirs = await insertTestSshKey(db, b.team.id);
    const messages: string[] = [];
    for (const foreign of [theirs.id, "ssh_madeUp0000000000000000"]) {
      const error = await appErrorOf(getSshKeysForLaunch(a.ctx, [mine.id, foreign]));
      expect(error.code).toBe("BAD_REQUEST");
      expect(Object.keys(error.details.fieldErrors ?? {})).toEqual(["sshKeyIds"]);
      messages.push(error.message.replace(foreign, "<id>"));
    }
    expect(messages[0]).toBe(messages[1]);
    expect(messages[0]).toBe("SSH key <id> is not one of this team's keys. It may have been deleted; reload the list and choose again.");
  });

  it("reads inside the launch's transaction, and caps the number of keys", async () => {
    const o = await owner();
    const key = await insertTestSshKey(db, o.team.id);
    await db.transaction(async (tx) => {
      await tx.delete(sshKeys).where(eq(sshKeys.id, key.id));
      expect((await appErrorOf(getSshKeysForLaunch(o.ctx, [key.id], tx))).code).toBe("BAD_REQUEST");
      tx.rollback();
    }).catch((error: unknown) => {
      if (!(error instanceof Error && error.message === "Rollback")) throw error;
    });
    await expect(getSshKeysForLaunch(o.ctx, [key.id])).resolves.toHaveLength(1);

    const many = Array.from({ length: MAX_SSH_KEYS_PER_INSTANCE + 1 }, (_, i) => `ssh_${String(i).padStart(20, "0")}`);
    const tooMany = await appErrorOf(getSshKeysForLaunch(o.ctx, many));
    expect(tooMany.details.fieldErrors).toEqual({ sshKeyIds: [`Choose at most ${MAX_SSH_KEYS_PER_INSTANCE} SSH keys for one instance.`] });
  });
});
