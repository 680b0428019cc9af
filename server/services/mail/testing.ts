import { and, eq, or } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { Db } from "@/server/db";
import { mails } from "@/server/db/schema";

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  receivedAt: Date;
}

export interface TestSmtpServer {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Resolves with the first mail to `to` (and matching `subject`) that arrives, or throws after `timeoutMs`. */
  waitFor(to: string, subject?: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on localhost for tests: it accepts every mail over a plain SMTP session and
 * parses it, so tests read what a person's mail client would show.
 */
export async function startTestSmtpServer(port = 0): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    // A plain session on localhost: no TLS to negotiate, no login to give.
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          received.push({
            from: parsed.from?.text ?? "",
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : "",
            receivedAt: new Date(),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return {
    port: actualPort,
    url: `smtp://127.0.0.1:${actualPort}`,
    received,
    async waitFor(to, subject, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = received.find((m) => m.to.includes(to.toLowerCase()) && (!subject || subject.test(m.subject)));
        if (mail) return mail;
        if (Date.now() > deadline) throw new Error(`no mail to ${to}${subject ? ` matching ${subject}` : ""} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a mail's text that starts with `base`. */
export function linkIn(mail: { text: string }, base: string): string {
  const match = mail.text.match(new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[^\\s]*`));
  if (!match) throw new Error(`no link to ${base} in the mail:\n${mail.text}`);
  return match[0];
}

/**
 * Resolves once no mail is being delivered and none waits for its first attempt: for tests of
 * answers that start a delivery without waiting for it.
 */
export async function mailsSettled(db: Db, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const inFlight = or(eq(mails.status, "sending"), and(eq(mails.status, "queued"), eq(mails.attempts, 0)));
  while ((await db.$count(mails, inFlight)) > 0) {
    if (Date.now() > deadline) throw new Error(`mails still in flight after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
