"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { MailCheck } from "lucide-react";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FormError, TextField } from "@/components/ui/field";
import { resendVerificationInput, type ResendVerificationInput } from "@/server/services/auth/schemas";
import { ResendVerificationButton } from "./verify-email-resend";

const TONES = {
  info: "bg-indigo-50 text-indigo-600 dark:bg-indigo-950 dark:text-indigo-400",
  success: "bg-emerald-50 text-emerald-600 dark:bg-emerald-950 dark:text-emerald-400",
  error: "bg-amber-50 text-amber-600 dark:bg-amber-950 dark:text-amber-400",
} as const;

/** The round icon above the heading of the auth pages' outcomes (mail sent, done, expired). */
export function NoticeIcon({ tone, children }: { tone: keyof typeof TONES; children: ReactNode }) {
  return (
    <div className={cn("mb-4 flex h-10 w-10 items-center justify-center rounded-full [&_svg]:h-5 [&_svg]:w-5", TONES[tone])} aria-hidden>
      {children}
    </div>
  );
}

export const linkClasses = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

/**
 * "Check your inbox" after a sign-up that must confirm its address, with a way to have the link
 * sent again. Without an address (someone who came back for a new link) it asks for one first.
 */
export function VerifyEmailNotice({ email, expiresInMinutes }: { email: string | null; expiresInMinutes: number }) {
  const [address, setAddress] = useState(email);
  if (!address) return <RequestVerificationForm onSent={setAddress} />;
  const sentNow = address !== email;
  return (
    <div>
      <NoticeIcon tone="info">
        <MailCheck />
      </NoticeIcon>
      <h1 className="mb-1 text-xl font-semibold">Check your inbox</h1>
      <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">
        {sentNow ? (
          <>
            If <strong className="font-medium text-zinc-900 dark:text-zinc-100 break-all">{address}</strong> still needs confirming,
            we sent it a new link.
          </>
        ) : (
          <>
            We sent a link to <strong className="font-medium text-zinc-900 dark:text-zinc-100 break-all">{address}</strong>.
          </>
        )}{" "}
        Follow it to confirm your address, then sign in. The link expires in {durationText(expiresInMinutes)}.
      </p>
      <div className="space-y-4 text-sm text-zinc-600 dark:text-zinc-400">
        {!sentNow && (
          <div className="space-y-3">
            <p>No mail after a few minutes? Check your spam folder, or have the link sent again.</p>
            <ResendVerificationButton email={address} appearance="button" />
          </div>
        )}
        <p className="border-t border-zinc-200 pt-4 dark:border-zinc-800">
          Confirmed already?{" "}
          <Link href="/sign-in" className={linkClasses}>
            Sign in
          </Link>
        </p>
      </div>
    </div>
  );
}

function RequestVerificationForm({ onSent }: { onSent: (email: string) => void }) {
  const trpc = useTRPC();
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<ResendVerificationInput>({ resolver: zodResolver(resendVerificationInput), defaultValues: { email: "" } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await resend.mutateAsync(values);
      onSent(values.email);
    } catch (error) {
      setFormError(applyServerError(error, form.setError, ["email"]));
    }
  });

  return (
    <div>
      <h1 className="mb-1 text-xl font-semibold">Confirm your email</h1>
      <p className="mb-6 text-sm text-zinc-500 dark:text-zinc-400">
        Enter the email you signed up with and we will send you a new confirmation link.
      </p>
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError>{formError}</FormError>
        <TextField label="Email" type="email" autoComplete="email" autoFocus error={errors.email?.message} {...form.register("email")} />
        <Button type="submit" className="w-full" pending={isSubmitting}>
          Send link
        </Button>
      </form>
      <p className="mt-5 text-center text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/sign-in" className={linkClasses}>
          Back to sign in
        </Link>
      </p>
    </div>
  );
}

/** "1 hour", "24 hours", "30 minutes": how long a mailed link works, for the sentences above. */
export function durationText(minutes: number): string {
  if (minutes % 60 !== 0) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = minutes / 60;
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}
