"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Address, CheckInbox, durationText, linkClasses, MailLinkRequestForm } from "./mail-link";
import { ResendVerificationButton } from "./verify-email-resend";

/**
 * "Check your inbox" after a sign-up that must confirm its address, with a way to have the link
 * sent again. Without an address (someone who came back for a new link) it asks for one first.
 */
export function VerifyEmailNotice({ email, expiresInMinutes }: { email: string | null; expiresInMinutes: number }) {
  const trpc = useTRPC();
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());
  const [address, setAddress] = useState(email);
  if (!address) {
    return (
      <MailLinkRequestForm
        title="Confirm your email"
        description="Enter the email you signed up with and we will send you a new confirmation link."
        submitLabel="Send link"
        send={(values) => resend.mutateAsync(values)}
        onSent={setAddress}
        footer={
          <Link href="/sign-in" className={linkClasses}>
            Back to sign in
          </Link>
        }
      />
    );
  }
  const sentNow = address !== email;
  return (
    <CheckInbox
      message={
        <>
          {sentNow ? (
            <>
              If <Address>{address}</Address> still needs confirming, we sent it a new link.
            </>
          ) : (
            <>
              We sent a link to <Address>{address}</Address>.
            </>
          )}{" "}
          Follow it to confirm your address, then sign in. The link expires in {durationText(expiresInMinutes)}.
        </>
      }
      help={
        !sentNow && (
          <div className="space-y-3">
            <p>No mail after a few minutes? Check your spam folder, or have the link sent again.</p>
            <ResendVerificationButton email={address} appearance="button" />
          </div>
        )
      }
      footer={
        <>
          Confirmed already?{" "}
          <Link href="/sign-in" className={linkClasses}>
            Sign in
          </Link>
        </>
      }
    />
  );
}
