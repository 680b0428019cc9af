import nodemailer from "nodemailer";
import { env } from "@/server/env";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Where mails go: an SMTP server, or nowhere but the database outbox (the embedded default, where
 * the development page /dev/mail and the server's log show them).
 */
export type MailTransport = { kind: "outbox" } | { kind: "smtp"; send(message: MailMessage): Promise<void> };

export const OUTBOX: MailTransport = { kind: "outbox" };

/** An SMTP transport for `url` (smtp://user:pass@host:port, smtps:// for TLS from the start). */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url, { from });
  return {
    kind: "smtp",
    async send(message) {
      await transporter.sendMail({ from, ...message });
    },
  };
}

let fromEnv: MailTransport | undefined;

/** The transport the environment configures (SMTP_URL, MAIL_FROM), made once per process. */
export function mailTransportFromEnv(): MailTransport {
  const { SMTP_URL, MAIL_FROM } = env();
  fromEnv ??= SMTP_URL ? smtpTransport(SMTP_URL, MAIL_FROM) : OUTBOX;
  return fromEnv;
}

/** The console's address for links in mails. Never the request's Host header, which a caller controls. */
export function publicUrl(): string {
  return env().PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
}
