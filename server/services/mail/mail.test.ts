import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { mails } from "@/server/db/schema";
import { deliverMails, invitationMail, listMails, MAX_MAIL_ATTEMPTS, OUTBOX, queueMail, smtpTransport } from ".";
import { linkIn, startTestSmtpServer } from "./testing";

const { db } = await openTestDatabase();
const smtp = await startTestSmtpServer();
afterAll(() => smtp.close());
const log = { info() {}, warn() {}, error() {} };
const content = () =>
  invitationMail({ teamName: "Acme <Labs>", inviterName: "Ada", role: "developer", url: "http://console.test/invite/tok123", expiresAt: new Date("2030-01-08T00:00:00Z") });

describe("mail delivery", () => {
  it("sends a queued mail over SMTP with text and HTML, and drops the body once accepted", async () => {
    const now = new Date();
    const id = await queueMail(db, "new.person@example.com", content(), now);
    const report = await deliverMails(db, smtpTransport(smtp.url, "Console <no-reply@console.test>"), { now, log, ids: [id] });
    expect(report).toMatchObject({ sent: 1, failed: 0 });
    const mail = await smtp.waitFor("new.person@example.com");
    expect(mail.from).toBe('"Console" <no-reply@console.test>');
    expect(mail.subject).toBe("Join Acme <Labs> on Compute Console");
    expect(mail.text).toContain("Ada invited you to the team Acme <Labs> as developer.");
    expect(linkIn(mail, "http://console.test/")).toBe("http://console.test/invite/tok123");
    expect(mail.html).toContain("Acme &lt;Labs&gt;");
    expect(mail.html).toContain('href="http://console.test/invite/tok123"');
    const [row] = await db.select().from(mails).where(eq(mails.id, id));
    expect(row).toMatchObject({ status: "sent", text: null, html: null, attempts: 1 });
  });

  it("without SMTP keeps the whole mail in the outbox", async () => {
    const now = new Date();
    const id = await queueMail(db, "outbox@example.com", content(), now);
    expect(await deliverMails(db, OUTBOX, { now, log, ids: [id] })).toMatchObject({ outbox: 1 });
    const [listed] = await listMails(db, { to: "OUTBOX@example.com" });
    expect(listed).toMatchObject({ id, status: "outbox", subject: "Join Acme <Labs> on Compute Console" });
    expect(listed?.text).toContain("http://console.test/invite/tok123");
  });

  it("delivers each mail once, however many deliverers run", async () => {
    const now = new Date();
    const ids = await Promise.all(["a", "b", "c"].map((x) => queueMail(db, `once-${x}@example.com`, content(), now)));
    const transport = smtpTransport(smtp.url, "no-reply@console.test");
    const reports = await Promise.all([1, 2, 3].map(() => deliverMails(db, transport, { now, log })));
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(3);
    for (const x of ["a", "b", "c"]) await smtp.waitFor(`once-${x}@example.com`);
    expect(smtp.received.filter((m) => m.to[0]?.startsWith("once-"))).toHaveLength(3);
    expect(await db.select({ status: mails.status }).from(mails).where(eq(mails.id, ids[0]!))).toEqual([{ status: "sent" }]);
  });

  it("retries a mail the server refused, later, and gives up after the last attempt", async () => {
    let now = new Date("2030-01-01T00:00:00Z");
    const id = await queueMail(db, "unreachable@example.com", content(), now);
    // Nothing listens on port 1: the connection is refused.
    const down = smtpTransport("smtp://127.0.0.1:1", "no-reply@console.test");
    const first = await deliverMails(db, down, { now, log, ids: [id] });
    expect(first.failed).toBe(1);
    expect(first.errors[id]).toMatch(/ECONNREFUSED|connect/i);
    // Not due again before its back-off.
    expect(await deliverMails(db, down, { now, log })).toMatchObject({ failed: 0, sent: 0 });
    for (let attempt = 2; attempt <= MAX_MAIL_ATTEMPTS; attempt++) {
      now = new Date(now.getTime() + 60 * 60_000);
      await deliverMails(db, down, { now, log });
    }
    const [row] = await db.select().from(mails).where(eq(mails.id, id));
    expect(row).toMatchObject({ status: "failed", attempts: MAX_MAIL_ATTEMPTS, text: null });
    expect(row?.lastError).toBeTruthy();
  });
});
