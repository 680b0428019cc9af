import { index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * queued: written in the same transaction as what it tells about, waiting for delivery;
 * sending: claimed by a deliverer; sent: accepted by the SMTP server (body dropped);
 * outbox: no SMTP configured, kept whole for the development outbox page;
 * failed: gave up after the last attempt.
 */
export type MailStatus = "queued" | "sending" | "sent" | "outbox" | "failed";

/** Every mail the console sends: a transactional outbox, delivered right after commit and retried by the worker. */
export const mails = pgTable(
  "mails",
  {
    id: text("id").primaryKey(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    /** What the mail is, e.g. "invitation", "password_reset"; for logs and the outbox page. */
    template: text("template").notNull(),
    status: text("status").$type<MailStatus>().notNull().default("queued"),
    /** Null once an SMTP server accepted the mail: links in it may carry secrets. */
    text: text("text"),
    html: text("html"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("mails_due_idx").on(t.status, t.nextAttemptAt),
    index("mails_created_idx").on(t.createdAt.desc()),
    index("mails_to_idx").on(t.to, t.createdAt.desc()),
  ],
);
