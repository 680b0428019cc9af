import { toast } from "sonner";

/**
 * Tells what became of an invitation's mail: sent, kept in the outbox (no mail server configured),
 * or saved without a mail, with what to do next.
 */
export function toastMailOutcome(
  outcome: { email: string; mailDelivered: boolean; mailError: string | null; mailInOutbox: boolean },
  sentMessage: string,
) {
  if (!outcome.mailDelivered) {
    toast.warning(`Invitation saved, but the mail to ${outcome.email} could not be sent`, {
      description: `${outcome.mailError ?? "The mail server did not take it."} We will retry; you can also try Resend in a minute.`,
      duration: 12_000,
    });
  } else if (outcome.mailInOutbox) {
    toast.success(sentMessage, {
      description: "No mail server is configured (SMTP_URL): find the mail and its link in the server's log, or at /dev/mail in development.",
    });
  } else {
    toast.success(sentMessage);
  }
}
