import type { MailMessage } from "./transport";

export type MailTemplate = "invitation" | "password_reset" | "email_verification" | "notification";

export interface MailContent {
  template: MailTemplate;
  subject: string;
  text: string;
  html: string;
}

const PRODUCT = "Compute Console";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * One layout for every mail: a plain-text version that reads well on its own, and an HTML one
 * with the same words and a button for the link.
 */
function layout(template: MailTemplate, subject: string, paragraphs: string[], action: { label: string; url: string } | null, footer: string): MailContent {
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : []), "—", footer].join("\n\n");
  const html = `<!doctype html>
<html><body style="margin:0;padding:24px;background:#f4f4f5;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#18181b">
<table role="presentation" width="100%" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<tr><td>
<p style="margin:0 0 24px;font-weight:600;font-size:14px;color:#52525b">${PRODUCT}</p>
<h1 style="margin:0 0 16px;font-size:20px">${escapeHtml(subject)}</h1>
${paragraphs.map((p) => `<p style="margin:0 0 16px;font-size:15px;line-height:1.5">${escapeHtml(p)}</p>`).join("\n")}
${
  action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="display:inline-block;background:#18181b;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-size:15px">${escapeHtml(action.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#71717a">Or paste this link into your browser: <br><span style="word-break:break-all">${escapeHtml(action.url)}</span></p>`
    : ""
}
<p style="margin:24px 0 0;font-size:12px;color:#a1a1aa">${escapeHtml(footer)}</p>
</td></tr></table>
</body></html>`;
  return { template, subject, text, html };
}

const date = (at: Date) => at.toISOString().slice(0, 16).replace("T", " ") + " UTC";

export function invitationMail(input: { teamName: string; inviterName: string | null; role: string; url: string; expiresAt: Date }): MailContent {
  const who = input.inviterName ?? "A team admin";
  return layout(
    "invitation",
    `Join ${input.teamName} on ${PRODUCT}`,
    [
      `${who} invited you to the team ${input.teamName} as ${input.role}.`,
      `Accept the invitation to sign up or sign in and join the team. The link works once and expires on ${date(input.expiresAt)}.`,
    ],
    { label: "Accept invitation", url: input.url },
    "If you did not expect this invitation, ignore this mail: nothing happens unless you accept it.",
  );
}

export function passwordResetMail(input: { name: string; url: string; expiresAt: Date }): MailContent {
  return layout(
    "password_reset",
    `Reset your ${PRODUCT} password`,
    [`Hello ${input.name},`, `Someone asked to reset the password of your account. Choose a new one with the link below; it works once and expires on ${date(input.expiresAt)}.`],
    { label: "Choose a new password", url: input.url },
    "If you did not ask for this, ignore this mail: your password stays as it is.",
  );
}

export function emailVerificationMail(input: { name: string; url: string; expiresAt: Date }): MailContent {
  return layout(
    "email_verification",
    `Confirm your email address for ${PRODUCT}`,
    [`Hello ${input.name},`, `Confirm that this address is yours to finish creating your account. The link works once and expires on ${date(input.expiresAt)}.`],
    { label: "Confirm email address", url: input.url },
    "If you did not create an account, ignore this mail.",
  );
}

/** A copy of an in-app notification (budget alerts, capacity blocks ending), for people away from the console. */
export function notificationMail(input: { teamName: string; title: string; body: string; url: string | null }): MailContent {
  return layout(
    "notification",
    `${input.title} — ${input.teamName}`,
    [input.body],
    input.url ? { label: "Open the console", url: input.url } : null,
    `You get this mail because of your role in ${input.teamName}.`,
  );
}

export type { MailMessage };
