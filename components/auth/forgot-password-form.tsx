"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Address, CheckInbox, durationText, linkClasses, MailLinkRequestForm } from "./mail-link";

/**
 * Asks for a reset link. What follows reads the same whether or not the address has an account:
 * the server answers alike, and so does this page.
 */
export function ForgotPasswordForm({ defaultEmail, expiresInMinutes }: { defaultEmail: string; expiresInMinutes: number }) {
  const trpc = useTRPC();
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const [sentTo, setSentTo] = useState<string | null>(null);

  if (sentTo) {
    return (
      <CheckInbox
        message={
          <>
            If an account exists for <Address>{sentTo}</Address>, we sent it a link to choose a new password. It expires in{" "}
            {durationText(expiresInMinutes)}.
          </>
        }
        help={
          <p>
            No mail after a few minutes? Check your spam folder, or{" "}
            <button type="button" className={`cursor-pointer ${linkClasses}`} onClick={() => setSentTo(null)}>
              try again
            </button>
            .
          </p>
        }
        footer={
          <Link href="/sign-in" className={linkClasses}>
            Back to sign in
          </Link>
        }
      />
    );
  }

  return (
    <MailLinkRequestForm
      title="Reset your password"
      description="Enter the email you sign in with and we will mail you a link to choose a new password."
      submitLabel="Send reset link"
      defaultEmail={defaultEmail}
      send={(values) => request.mutateAsync(values)}
      onSent={setSentTo}
      footer={
        <>
          Remembered it?{" "}
          <Link href="/sign-in" className={linkClasses}>
            Sign in
          </Link>
        </>
      }
    />
  );
}
