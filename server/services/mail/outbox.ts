import { and, desc, eq, inArray, lte, or, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { newId } from "@/server/db/ids";
import { mails } from "@/server/db/schema";
import type { Logger } from "../context";
import type { MailContent } from "./templates";
import type { MailTransport } from "./transport";

/** Attempts before a mail is given up on; the waits between them grow 1, 2, 4, 8 minutes. */
export const MAX_MAIL_ATTEMPTS = 5;
/** A claim older than this is taken to belong to a deliverer that died. */
const STALE_CLAIM_MS = 10 * 60_000;

/**
 * Queues a mail in the caller's transaction, so it exists exactly when what it tells about does.
 * Deliver it after the commit with deliverMails (the worker's tick retries whatever is left).
 */
export async function queueMail(db: Db | Tx, to: string, content: MailContent, now: Date): Promise<string> {
  const id = newId("mail");
  await db.insert(mails).values({ id, to, subject: content.subject, template: content.template, text: content.text, html: content.html, status: "queued", nextAttemptAt: now, createdAt: now });
  return id;
}

export interface DeliveryReport {
  sent: number;
  outbox: number;
  failed: number;
  /** Per mail id, the error of a failed attempt, for callers that tell the person. */
  errors: Record<string, string>;
}

/**
 * Delivers the queued mails named (or every due one): claims each with one UPDATE so that two
 * deliverers never send the same mail, sends it, and records the outcome.
 */
export async function deliverMails(db: Db, transport: MailTransport, options: { now: Date; log: Logger; ids?: string[]; limit?: number }): Promise<DeliveryReport> {
  const { now, log } = options;
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
  const claimable = or(
    and(eq(mails.status, "queued"), options.ids ? undefined : lte(mails.nextAttemptAt, now)),
    and(eq(mails.status, "sending"), lte(mails.nextAttemptAt, staleBefore)),
  );
  const claimed = await db
    .update(mails)
    .set({ status: "sending", nextAttemptAt: now, attempts: sql`${mails.attempts} + 1` })
    .where(
      and(
        claimable,
        options.ids ? inArray(mails.id, options.ids.length > 0 ? options.ids : ["-"]) : undefined,
        inArray(mails.id, db.select({ id: mails.id }).from(mails).where(claimable).orderBy(mails.nextAttemptAt).limit(options.limit ?? 100)),
      ),
    )
    .returning();
  const report: DeliveryReport = { sent: 0, outbox: 0, failed: 0, errors: {} };
  for (const mail of claimed) {
    if (transport.kind === "outbox") {
      await db.update(mails).set({ status: "outbox", sentAt: now }).where(eq(mails.id, mail.id));
      // The embedded default has no mail server: the log is where a developer finds the link.
      log.info("mail kept in the outbox (no SMTP_URL)", { to: mail.to, subject: mail.subject, text: mail.text });
      report.outbox++;
      continue;
    }
    try {
      await transport.send({ to: mail.to, subject: mail.subject, text: mail.text ?? "", html: mail.html ?? "" });
      await db.update(mails).set({ status: "sent", sentAt: new Date(), text: null, html: null, lastError: null }).where(eq(mails.id, mail.id));
      report.sent++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = mail.attempts >= MAX_MAIL_ATTEMPTS;
      await db
        .update(mails)
        .set({
          status: giveUp ? "failed" : "queued",
          lastError: message.slice(0, 500),
          nextAttemptAt: new Date(now.getTime() + 60_000 * 2 ** (mail.attempts - 1)),
          ...(giveUp ? { text: null, html: null } : {}),
        })
        .where(eq(mails.id, mail.id));
      log.warn("mail delivery failed", { to: mail.to, subject: mail.subject, attempt: mail.attempts, error: message });
      report.failed++;
      report.errors[mail.id] = message;
    }
  }
  return report;
}

export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  template: string;
  status: string;
  text: string | null;
  html: string | null;
  createdAt: Date;
}

/** The latest mails, newest first, optionally to one address: the development outbox page. */
export async function listMails(db: Db, options: { to?: string; limit?: number } = {}): Promise<OutboxMail[]> {
  return db
    .select({ id: mails.id, to: mails.to, subject: mails.subject, template: mails.template, status: mails.status, text: mails.text, html: mails.html, createdAt: mails.createdAt })
    .from(mails)
    .where(options.to ? sql`lower(${mails.to}) = ${options.to.toLowerCase()}` : undefined)
    .orderBy(desc(mails.createdAt), desc(mails.id))
    .limit(options.limit ?? 50);
}
