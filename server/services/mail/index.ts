export { deliverMails, listMails, queueMail, MAX_MAIL_ATTEMPTS, type DeliveryReport, type OutboxMail } from "./outbox";
export { emailVerificationMail, invitationMail, notificationMail, passwordResetMail, type MailContent, type MailTemplate } from "./templates";
export { mailTransportFromEnv, OUTBOX, publicUrl, smtpTransport, type MailMessage, type MailTransport } from "./transport";
