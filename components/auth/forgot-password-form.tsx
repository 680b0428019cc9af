"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { MailCheck } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { requestPasswordResetInput, type RequestPasswordResetInput } from "@/server/services/auth/schemas";
import { durationText, linkClasses, NoticeIcon } from "./verify-email-notice";

/**
 * Asks for a reset link. What follows reads the same whether or not the address has an account:
 * the server answers alike, and so does this page.
 */
export function ForgotPasswordForm({ defaultEmail, expiresInMinutes }: { defaultEmail: string; expiresInMinutes: number }) {
  const trpc = useTRPC();
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<RequestPasswordResetInput>({
    resolver: zodResolver(requestPasswordResetInput),
    defaultValues: { email: defaultEmail },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await request.mutateAsync(values);
      setSentTo(values.email);
    } catch (error) {
      setFormError(applyServerError(error, form.setError, ["email"]));
    }
  });

  if (sentTo) {
    return (
      <div>
        <NoticeIcon tone="info">
          <MailCheck />
        </NoticeIcon>
        <h1 className="mb-1 text-xl font-semibold">Check your inbox</h1>
        <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">
          If an account exists for <strong className="font-medium break-all text-zinc-900 dark:text-zinc-100">{sentTo}</strong>, we
          sent it a link to choose a new password. It expires in {durationText(expiresInMinutes)}.
        </p>
        <div className="space-y-4 text-sm text-zinc-600 dark:text-zinc-400">
          <p>
            No mail after a few minutes? Check your spam folder, or{" "}
            <button type="button" className={`cursor-pointer ${linkClasses}`} onClick={() => setSentTo(null)}>
              try again
            </button>
            .
          </p>
          <p className="border-t border-zinc-200 pt-4 dark:border-zinc-800">
            <Link href="/sign-in" className={linkClasses}>
              Back to sign in
            </Link>
          </p>
        </div>
      </div>
    );
  }

  return (
    <div>
      <h1 className="mb-1 text-xl font-semibold">Reset your password</h1>
      <p className="mb-6 text-sm text-zinc-500 dark:text-zinc-400">
        Enter the email you sign in with and we will mail you a link to choose a new password.
      </p>
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError>{formError}</FormError>
        <TextField label="Email" type="email" autoComplete="email" autoFocus error={errors.email?.message} {...form.register("email")} />
        <Button type="submit" className="w-full" pending={isSubmitting}>
          Send reset link
        </Button>
      </form>
      <p className="mt-5 text-center text-sm text-zinc-600 dark:text-zinc-400">
        Remembered it?{" "}
        <Link href="/sign-in" className={linkClasses}>
          Sign in
        </Link>
      </p>
    </div>
  );
}
