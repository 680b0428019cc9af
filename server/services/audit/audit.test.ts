import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, memberships, users } from "@/server/db/schema";
import { insertTestKey } from "@/server/services/keys/testing";
import { callerFor, clientError, clientFor, trpcError } from "@/server/trpc/testing";
import { signInWithPassword } from "../auth/sign-in";
import { systemContext, type Actor } from "../context";
import { changePassword, updateProfile } from "../users/profile";
import { appErrorOf, createTestUser, testContext } from "../testing";
import { exportAuditCsv } from "./export";
import { describeAuditEvent } from "./labels";
import { auditFacets } from "./facets";
import type { AuditFilterInput } from "./filters";
import { listAuditEvents, type AuditEventRow } from "./list-audit-events";
import { recordAuditEvent, type AuditInput } from "./record-audit-event";

const { db } = await openTestDatabase();
const policy = { maxFailures: 5, lockoutMinutes: 15 };
const quiet = { info() {}, warn() {}, error() {} };

/** Records an event the way services do, at a given time and by a given actor. */
async function record(at: string | Date, actor: Actor, input: AuditInput & { tag?: string }): Promise<void> {
  const { tag, ...event } = input;
  const ctx = { ...testContext(db), actor, now: () => new Date(at) };
  await recordAuditEvent(db, ctx, { ...event, metadata: { ...event.metadata, ...(tag ? { tag } : {}) } });
}

/** Every event of the team's log for a filter, following the cursor page by page. */
async function everything(ctx: Awaited<ReturnType<Awaited<ReturnType<typeof createTestUser>>["teamCtx"]>>, filter: AuditFilterInput, limit = 2): Promise<AuditEventRow[]> {
  const all: AuditEventRow[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await listAuditEvents(ctx, { ...filter, limit, cursor });
    all.push(...page.events);
    if (!page.nextCursor) return all;
    cursor = page.nextCursor;
  }
  throw new Error("the log did not end after 100 pages");
}

const tagOf = (e: AuditEventRow) => (typeof e.metadata.tag === "string" ? e.metadata.tag : e.action);
const tags = (events: AuditEventRow[]) => events.map(tagOf).sort();

describe("filters", async () => {
  const owner = await createTestUser(db, "Fern Filter");
  const dev = await createTestUser(db, "Dev Dorsey");
  const stranger = await createTestUser(db, "Stan Stranger");
  const teamId = owner.team.id;
  await db.insert(memberships).values({ teamId, userId: dev.userId, role: "developer", createdAt: new Date("2024-01-01T00:00:00Z") });
  const key = await insertTestKey(db, teamId, { name: "Deploy bot" });
  const ownerActor: Actor = { type: "user", userId: owner.userId };
  const devActor: Actor = { type: "user", userId: dev.userId };

  await record("2024-03-01T00:00:00.000Z", ownerActor, { teamId, action: "key.created", target: { type: "api_key", id: key.id }, metadata: { name: "Deploy bot" }, tag: "e1" });
  await record("2024-03-01T23:59:59.999Z", devActor, { teamId, action: "ssh_key.added", target: { type: "ssh_key", id: "ssh_filterTest0001" }, metadata: { name: "laptop" }, tag: "e2" });
  await record("2024-03-02T00:00:00.000Z", { type: "system" }, { teamId, action: "invoice.issued", target: { type: "invoice", id: "inv_filterTest0001" }, tag: "e3" });
  await record("2024-03-02T12:00:00.000Z", { type: "api_key", keyId: key.id }, { teamId, action: "instance.launched", target: { type: "instance", id: "ins_filterTest0001" }, tag: "e4" });
  await record("2024-03-03T08:00:00.000Z", ownerActor, { teamId, action: "team.updated", target: { type: "team", id: teamId }, metadata: { name: { from: "A", to: "B" } }, tag: "e5" });
  await record("2024-03-03T08:00:00.000Z", devActor, { teamId, action: "key.revoked", target: { type: "api_key", id: key.id }, metadata: { name: "Deploy bot" }, tag: "e6" });
  // The developer's account: a sign-in and a failed one, recorded with no team.
  await record("2024-03-02T09:00:00.000Z", devActor, { teamId: null, action: "auth.signed_in", target: { type: "user", id: dev.userId }, actorId: dev.userId, tag: "a1" });
  await record("2024-03-02T10:00:00.000Z", devActor, { teamId: null, action: "auth.sign_in_failed", target: { type: "user", id: dev.userId }, actorId: dev.userId, tag: "a2" });
  // Another team's events on the same days, by the same kinds of actors.
  await record("2024-03-02T12:00:00.000Z", { type: "system" }, { teamId: stranger.team.id, action: "invoice.issued", target: { type: "invoice", id: "inv_filterTest0002" }, tag: "x1" });
  await record("2024-03-02T12:00:00.000Z", { type: "user", userId: stranger.userId }, { teamId: stranger.team.id, action: "key.created", target: { type: "api_key", id: key.id }, tag: "x2" });

  const ctx = await owner.teamCtx();
  const march = { from: "2024-03-01", to: "2024-03-03" };

  it.each<[string, AuditFilterInput, string[]]>([
    ["the whole range", march, ["a1", "a2", "e1", "e2", "e3", "e4", "e5", "e6"]],
    ["a person", { ...march, actor: owner.userId }, ["e1", "e5"]],
    ["a person, with their sign-ins", { ...march, actor: dev.userId }, ["a1", "a2", "e2", "e6"]],
    ["the system", { ...march, actor: "system" }, ["e3"]],
    ["any API key", { ...march, actor: "api_key" }, ["e4"]],
    ["one API key", { ...march, actor: key.id }, ["e4"]],
    ["an exact action", { ...march, action: "key.revoked" }, ["e6"]],
    ["a group of actions (key. is not ssh_key.)", { ...march, action: "key." }, ["e1", "e6"]],
    ["the sign-ins group", { ...march, action: "auth." }, ["a1", "a2"]],
    ["an exact account action", { ...march, action: "auth.signed_in" }, ["a1"]],
    ["a kind of target", { ...march, targetType: "api_key" }, ["e1", "e6"]],
    ["a target", { ...march, targetId: key.id }, ["e1", "e6"]],
    ["targets that are people", { ...march, targetType: "user" }, ["a1", "a2"]],
    ["a target type and id together", { ...march, targetType: "instance", targetId: "ins_filterTest0001" }, ["e4"]],
    ["one UTC day: 00:00:00.000 in, 23:59:59.999 of the day before out", { from: "2024-03-02", to: "2024-03-02" }, ["a1", "a2", "e3", "e4"]],
    ["the first day, whole, up to 23:59:59.999", { from: "2024-03-01", to: "2024-03-01" }, ["e1", "e2"]],
    ["up to a day", { to: "2024-03-01" }, ["e1", "e2"]],
    ["from a day on, to now (the team's creation today included)", { from: "2024-03-03" }, ["e5", "e6", "team.created"]],
    ["several at once", { ...march, actor: dev.userId, action: "key." }, ["e6"]],
    ["nothing matching", { ...march, actor: "system", action: "key." }, []],
  ])("by %s", async (_name, filter, expected) => {
    expect(tags(await everything(ctx, filter))).toEqual([...expected].sort());
  });

  it("lists newest first, with names for people and keys, and pages through equal timestamps once", async () => {
    const events = await everything(ctx, march, 3);
    const times = events.map((e) => e.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(events.map(tagOf).slice(2)).toEqual(["e4", "a2", "a1", "e3", "e2", "e1"]);
    const byTag = Object.fromEntries(events.map((e) => [tagOf(e), e]));
    expect(byTag.e1).toMatchObject({ actorType: "user", actorId: owner.userId, actorName: "Fern Filter", actorEmail: owner.email, targetType: "api_key", targetId: key.id, ip: "203.0.113.7", userAgent: "vitest" });
    expect(byTag.e4).toMatchObject({ actorType: "api_key", actorId: key.id, actorName: "Deploy bot", actorEmail: null });
    expect(byTag.e3).toMatchObject({ actorType: "system", actorId: null, actorName: null });
    expect(byTag.a1).toMatchObject({ actorId: dev.userId, actorName: "Dev Dorsey", targetType: "user", targetId: dev.userId, targetName: "Dev Dorsey" });
    expect(byTag.e1!.createdAt.toISOString()).toBe("2024-03-01T00:00:00.000Z");

    // Every page size gives the same events in the same order: team events and account events merge.
    const reference = events.map((e) => e.id);
    for (const limit of [1, 2, 4, 8, 100]) expect((await everything(ctx, march, limit)).map((e) => e.id)).toEqual(reference);
  });

  it("refuses bad filters with a message per field, on the tRPC door as the browser sees it", async () => {
    const client = clientFor(db, owner.userId);
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ from: "2024-02-30" }, "from", /real date, YYYY-MM-DD \(UTC\)/],
      [{ to: "03/01/2024" }, "to", /real date/],
      [{ from: "2024-03-03", to: "2024-03-01" }, "to", /on or after the first day/],
      [{ actor: "bob" }, "actor", /Choose an actor/],
      [{ action: "key created" }, "action", /Choose an action/],
      [{ targetType: "API Key" }, "targetType", /kind of target/],
      [{ targetId: "two words" }, "targetId", /target's id/],
    ];
    for (const [filter, field, message] of cases) {
      const error = await clientError(client.audit.list.query({ teamId, ...filter }));
      expect(error.data?.code, JSON.stringify(filter)).toBe("BAD_REQUEST");
      expect(error.data?.fieldErrors?.[field]?.[0], JSON.stringify(filter)).toMatch(message);
      expect(error.message).toMatch(message);
    }
  });

  it("refuses a cursor it did not make", async () => {
    for (const cursor of ["not-a-cursor", Buffer.from(JSON.stringify(["yesterday", "aud_x"])).toString("base64url")]) {
      const error = await appErrorOf(listAuditEvents(ctx, { cursor }));
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.details.fieldErrors?.cursor?.[0]).toMatch(/no longer valid/);
    }
  });

  it("offers the actors seen in the log and the members, and the actions by area", async () => {
    const former = await createTestUser(db, "Fay Former");
    await record("2024-03-01T10:00:00.000Z", { type: "user", userId: former.userId }, { teamId, action: "key.created", target: { type: "api_key", id: key.id } });
    await record("2024-03-01T11:00:00.000Z", ownerActor, { teamId, action: "widget.frobbed" });
    const facets = await auditFacets(ctx);
    expect(facets.actors.members).toEqual([
      { value: dev.userId, label: "Dev Dorsey", detail: dev.email },
      { value: owner.userId, label: "Fern Filter", detail: owner.email },
    ]);
    expect(facets.actors.formerMembers).toEqual([{ value: former.userId, label: "Fay Former", detail: former.email }]);
    expect(facets.actors.other).toEqual([
      { value: "system", label: "System", detail: "The worker and operator commands" },
      { value: "api_key", label: "Any API key", detail: null },
      { value: key.id, label: "API key “Deploy bot”", detail: key.id },
    ]);
    const groups = Object.fromEntries(facets.actions.map((g) => [g.prefix, g.actions.map((a) => a.value)]));
    expect(groups["key."]).toEqual(["key.created", "key.rotated", "key.revoked"]);
    expect(groups["auth."]).toEqual(["auth.signed_in", "auth.sign_in_failed"]);
    expect(groups["member."]).toEqual(["member.invited", "member.role_changed", "member.removed", "member.left"]);
    expect(facets.actions.find((g) => g.prefix === "key.")?.actions[0]).toEqual({ value: "key.created", label: "created API key", detail: "key.created" });
    // An action without words yet still has an option, in a group of its own prefix.
    expect(facets.actions.at(-1)).toEqual({ prefix: "widget.", label: "widget", actions: [{ value: "widget.frobbed", label: "widget.frobbed", detail: "widget.frobbed" }] });
    // And it filters like any other.
    expect(tags(await everything(ctx, { action: "widget." }))).toEqual(["widget.frobbed"]);
  });

  it("needs audit:read, whichever door", async () => {
    const viewer = await createTestUser(db, "Vic Viewer");
    await db.insert(memberships).values({ teamId, userId: viewer.userId, role: "viewer", createdAt: new Date() });
    const viewerCtx = { ...(await owner.teamCtx()), actor: { type: "user" as const, userId: viewer.userId }, role: "viewer" as const };
    // Called one at a time: a promise that rejects before it is awaited is an unhandled rejection.
    for (const call of [() => listAuditEvents(viewerCtx, {}), () => auditFacets(viewerCtx), () => exportAuditCsv(viewerCtx, {})]) {
      expect((await appErrorOf(call())).code).toBe("FORBIDDEN");
    }
    for (const path of ["list", "facets"] as const) {
      expect((await trpcError(callerFor(db, viewer.userId).audit[path]({ teamId }))).code).toBe("FORBIDDEN");
      expect((await trpcError(callerFor(db, stranger.userId).audit[path]({ teamId }))).code).toBe("NOT_FOUND");
    }
  });
});

describe("account events: a member's sign-ins, in their teams only", async () => {
  const ann = await createTestUser(db, "Ann Admin");
  const bea = await createTestUser(db, "Bea Member");
  const cal = await createTestUser(db, "Cal Outsider");
  const dee = await createTestUser(db, "Dee Departed");
  const eve = await createTestUser(db, "Eve Latecomer");
  const teamId = ann.team.id;
  const start = Date.now() + 60_000;
  const at = (seconds: number) => new Date(start + seconds * 1000);
  await db.insert(memberships).values([
    { teamId, userId: bea.userId, role: "developer", createdAt: new Date(start) },
    { teamId, userId: dee.userId, role: "viewer", createdAt: new Date(start) },
  ]);
  const signIn = (who: { email: string }, password: string, second: number) =>
    signInWithPassword({ ...testContext(db), request: { ip: "192.0.2.44", userAgent: "audit-test" }, now: () => at(second) }, { email: who.email, password }, policy).catch((e: unknown) => e);

  await signIn(bea, bea.password, 1);
  await signIn(bea, "not bea's password", 2);
  await signIn(cal, cal.password, 3);
  await signIn(cal, "not cal's password", 4);
  await signIn(dee, dee.password, 5);
  await signIn({ email: "nobody-at-all@example.com" }, "whatever password", 6);
  await signIn(eve, eve.password, 7);
  await db.insert(memberships).values({ teamId, userId: eve.userId, role: "viewer", createdAt: at(8) });
  await signIn(eve, eve.password, 9);
  // Bea's other account events: those of the brief are shown, a profile change and a password change are her own business.
  const anonymous: Actor = { type: "anonymous" };
  await record(at(10), anonymous, { teamId: null, action: "user.password_reset_requested", target: { type: "user", id: bea.userId }, actorId: null });
  await record(at(11), { type: "user", userId: bea.userId }, { teamId: null, action: "user.password_reset", target: { type: "user", id: bea.userId }, actorId: bea.userId });
  await record(at(12), { type: "user", userId: bea.userId }, { teamId: null, action: "user.email_verified", target: { type: "user", id: bea.userId }, actorId: bea.userId });
  await updateProfile({ ...testContext(db, bea.userId), now: () => at(13) }, { name: "Bea Member" });
  await changePassword({ ...testContext(db, bea.userId), now: () => at(14) }, { currentPassword: bea.password, newPassword: "another long password" });
  // Dee leaves the team: her sign-ins leave its log with her.
  await db.delete(memberships).where(and(eq(memberships.teamId, teamId), eq(memberships.userId, dee.userId)));

  const accountEvents = async (userId: string, team: string) =>
    (await callerFor(db, userId).audit.list({ teamId: team, limit: 100 })).events
      .filter((e) => e.targetType === "user")
      .map((e) => `${e.targetName} ${e.action}`)
      .reverse();

  it("shows the sign-ins, failed sign-ins and account events of current members since they joined", async () => {
    expect(await accountEvents(ann.userId, teamId)).toEqual([
      "Bea Member auth.signed_in",
      "Bea Member auth.sign_in_failed",
      "Eve Latecomer auth.signed_in",
      "Bea Member user.password_reset_requested",
      "Bea Member user.password_reset",
      "Bea Member user.email_verified",
    ]);
  });

  it("records who, from where: the failed sign-in names the member and the address it came from", async () => {
    const { events } = await listAuditEvents(await ann.teamCtx(), { action: "auth.sign_in_failed" });
    expect(events).toEqual([
      expect.objectContaining({ actorType: "user", actorId: bea.userId, targetId: bea.userId, ip: "192.0.2.44", userAgent: "audit-test", metadata: { email: bea.email, reason: "wrong_password" } }),
    ]);
  });

  it("never shows a non-member's, a former member's or an unknown email's events, nor events from before joining", async () => {
    const rows = await db.select().from(auditEvents);
    const shown = new Set((await everything(await ann.teamCtx(), {}, 100)).map((e) => e.id));
    const leaked = rows.filter(
      (r) => shown.has(r.id) && r.teamId === null && (r.targetId !== bea.userId && r.targetId !== eve.userId),
    );
    expect(leaked).toEqual([]);
    expect(rows.some((r) => r.action === "auth.sign_in_failed" && r.targetId === null)).toBe(true);
    const eveEarly = rows.find((r) => r.targetId === eve.userId && r.createdAt.getTime() === at(7).getTime());
    expect(eveEarly && shown.has(eveEarly.id)).toBe(false);
  });

  it("shows a person's account events in each of their teams, and in no one else's", async () => {
    expect(await accountEvents(bea.userId, bea.team.id)).toEqual([
      "Bea Member auth.signed_in",
      "Bea Member auth.sign_in_failed",
      "Bea Member user.password_reset_requested",
      "Bea Member user.password_reset",
      "Bea Member user.email_verified",
    ]);
    expect(await accountEvents(cal.userId, cal.team.id)).toEqual(["Cal Outsider auth.signed_in", "Cal Outsider auth.sign_in_failed"]);
    expect(await accountEvents(dee.userId, dee.team.id)).toEqual(["Dee Departed auth.signed_in"]);
  });

  it("keeps them out of the log when the filter asks for something else", async () => {
    const ctx = await ann.teamCtx();
    expect(await everything(ctx, { actor: "system" })).toEqual([]);
    expect(await everything(ctx, { targetType: "api_key" })).toEqual([]);
    expect(tags(await everything(ctx, { action: "user." }))).toEqual(["user.email_verified", "user.password_reset", "user.password_reset_requested"]);
    expect(tags(await everything(ctx, { actor: eve.userId }))).toEqual(["auth.signed_in"]);
  });
});

describe("CSV export", async () => {
  const owner = await createTestUser(db, "Cora Csv");
  const teamId = owner.team.id;
  const ownerActor: Actor = { type: "user", userId: owner.userId };
  // A name a spreadsheet would run as a formula: guarded wherever it lands.
  await db.update(users).set({ name: "=HYPERLINK(\"http://evil.example\")" }).where(eq(users.id, owner.userId));
  for (let i = 0; i < 5; i++) {
    await record(`2024-05-0${i + 1}T10:00:00.000Z`, ownerActor, { teamId, action: "key.created", target: { type: "api_key", id: `key_csv${i}` }, metadata: { name: `+key ${i}`, scopes: ["inference"] } });
  }
  await recordAuditEvent(db, systemContext(db, () => new Date("2024-05-06T00:00:00Z"), quiet), { teamId, action: "team.updated", target: { type: "team", id: teamId }, metadata: { name: { from: "Old, \"quoted\"", to: "New" } } });

  async function csvOf(filter: AuditFilterInput, pageSize: number) {
    const { filename, chunks } = await exportAuditCsv({ ...(await owner.teamCtx()), now: () => new Date("2024-05-31T12:00:00Z") }, filter, { pageSize });
    const parts: string[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return { filename, parts, text: parts.join("") };
  }

  it("holds the filtered log, newest first, page by page, formulas guarded", async () => {
    const { filename, parts, text } = await csvOf({ from: "2024-05-01", to: "2024-05-31" }, 2);
    expect(filename).toBe(`audit-log-${owner.team.slug}-2024-05-01-to-2024-05-31.csv`);
    // The header, then three pages of two.
    expect(parts).toHaveLength(4);
    const lines = text.split("\r\n");
    expect(lines.pop()).toBe("");
    expect(lines[0]).toBe("time,actor_type,actor_id,actor_name,actor_email,action,description,target_type,target_id,ip,user_agent,details");
    // jsonb keeps keys shortest first: "to" before "from".
    expect(lines[1]).toBe(
      `2024-05-06T00:00:00.000Z,system,,,,team.updated,"changed name from “Old, ""quoted""” to “New”",team,${teamId},,,"{""name"":{""to"":""New"",""from"":""Old, \\""quoted\\""""}}"`,
    );
    expect(lines[2]).toBe(
      `2024-05-05T10:00:00.000Z,user,${owner.userId},"'=HYPERLINK(""http://evil.example"")",${owner.email},key.created,created API key “+key 4”,api_key,key_csv4,203.0.113.7,vitest,"{""name"":""+key 4"",""scopes"":[""inference""]}"`,
    );
    expect(lines.slice(3).map((l) => l.split(",")[0])).toEqual(["2024-05-04T10:00:00.000Z", "2024-05-03T10:00:00.000Z", "2024-05-02T10:00:00.000Z", "2024-05-01T10:00:00.000Z"]);
  });

  it("applies the same filters as the page, and is the header alone when nothing matches", async () => {
    const { text } = await csvOf({ actor: "system" }, 100);
    expect(text.split("\r\n").filter(Boolean).map((l) => l.split(",")[5])).toEqual(["action", "team.updated"]);
    const empty = await csvOf({ from: "2020-01-01", to: "2020-01-01" }, 100);
    expect(empty.text).toBe("time,actor_type,actor_id,actor_name,actor_email,action,description,target_type,target_id,ip,user_agent,details\r\n");
    expect(empty.filename).toBe(`audit-log-${owner.team.slug}-2020-01-01-to-2020-01-01.csv`);
    expect((await csvOf({}, 100)).filename).toBe(`audit-log-${owner.team.slug}-2024-05-31.csv`);
  });

  it("refuses bad filters before anything is sent", async () => {
    await expect(exportAuditCsv(await owner.teamCtx(), { from: "2024-05-31", to: "2024-05-01" })).rejects.toThrow(/on or after the first day/);
  });
});

describe("how events are worded", () => {
  it.each<[string, Record<string, unknown>, string | null, string]>([
    ["key.created", { name: "CI" }, null, "created API key “CI”"],
    ["key.revoked", {}, null, "revoked API key"],
    ["auth.signed_in", { method: "password" }, "Bea", "signed in"],
    ["auth.signed_in", { method: "github" }, "Bea", "signed in with GitHub"],
    ["auth.sign_in_failed", { email: "bea@example.com", reason: "wrong_password" }, "Bea", "failed to sign in (wrong password)"],
    ["auth.sign_in_failed", { reason: "email_unverified" }, "Bea", "failed to sign in (the email address is not verified yet)"],
    ["user.password_reset_requested", {}, "Bea", "asked for a password reset"],
    ["user.email_verified", { method: "link" }, "Bea", "verified their email address"],
    ["user.email_verified", { method: "github", passwordRemoved: true }, "Bea", "verified their email address by signing in with GitHub; the password the account was opened with was removed and its earlier sessions ended"],
    ["member.invited", { email: "new@example.com", role: "developer" }, null, "invited new@example.com as developer"],
    ["invitation.resent", { email: "new@example.com", role: "developer", sendCount: 2 }, null, "resent the invitation to new@example.com"],
    ["invitation.revoked", { email: "new@example.com", role: "developer" }, null, "revoked the invitation to new@example.com"],
    ["invitation.accepted", { email: "new@example.com", role: "viewer" }, "New Person", "accepted an invitation and joined as viewer"],
    ["member.role_changed", { from: "developer", to: "admin", name: "Bea", email: "bea@example.com" }, "Bea Member", "changed Bea Member's role from developer to admin"],
    ["member.removed", { name: "Bea", email: "bea@example.com", role: "developer", keysRevoked: 0 }, "Bea Member", "removed Bea Member from the team"],
    ["member.removed", { name: "Bea", keysRevoked: 2 }, null, "removed Bea from the team and revoked the 2 API keys they created"],
    ["member.left", { name: "Bea" }, "Bea", "left the team"],
    ["team.ownership_transferred", { to: { name: "Bea" } }, "Bea Member", "transferred ownership of the team to Bea Member"],
    ["team.updated", { name: { from: "Old", to: "New" }, slug: { from: "old", to: "new" } }, null, "changed name from “Old” to “New” and URL from “old” to “new”"],
    ["compute.quota_set", { gpuModel: "H100", from: 16, to: 32, default: false }, null, "changed the H100 GPU quota from 16 to 32"],
    ["budget.updated", { from: null, to: {} }, null, "changed the monthly budget"],
    ["widget.frobbed", {}, null, "widget.frobbed"],
  ])("%s %j", (action, metadata, targetName, expected) => {
    expect(describeAuditEvent({ action, metadata, targetName })).toBe(expected);
  });
});
