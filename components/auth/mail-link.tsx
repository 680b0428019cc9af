"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Clock, MailCheck } from "lucide-react";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { applyServerError } from "@/components/forms/server-errors";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FormError, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { EXPIRED_LINK_MESSAGE, mailLinkRequestInput, type MailLinkRequestInput } from "@/server/services/auth/schemas";

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

/** "1 hour", "24 hours", "30 minutes": how long a mailed link works, for the sentences above. */
export function durationText(minutes: number): string {
  if (minutes % 60 !== 0) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = minutes / 60;
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}

/** An address as the "Check your inbox" sentences show it. */
export function Address({ children }: { children: ReactNode }) {
  return <strong className="font-medium break-all text-zinc-900 dark:text-zinc-100">{children}</strong>;
}

/** "Check your inbox" after a link was mailed: what was sent, what to do if nothing comes, and a way back. */
export function CheckInbox({ message, help, footer }: { message: ReactNode; help?: ReactNode; footer: ReactNode }) {
  return (
    <div>
      <NoticeIcon tone="info">
        <MailCheck />
      </NoticeIcon>
      <h1 className="mb-1 text-xl font-semibold">Check your inbox</h1>
      <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">{message}</p>
      <div className="space-y-4 text-sm text-zinc-600 dark:text-zinc-400">
        {help}
        <p className="border-t border-zinc-200 pt-4 dark:border-zinc-800">{footer}</p>
      </div>
    </div>
  );
}

/**
 * One email field that asks for a mailed link (a password reset, a new confirmation link). The
 * server answers alike whether or not the address has an account, so `onSent` gets the address
 * either way.
 */
export function MailLinkRequestForm({
  title,
  description,
  submitLabel,
  defaultEmail = "",
  send,
  onSent,
  footer,
}: {
  title: string;
  description: string;
  submitLabel: string;
  defaultEmail?: string;
  send: (values: MailLinkRequestInput) => Promise<unknown>;
  onSent: (email: string) => void;
  footer: ReactNode;
}) {
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<MailLinkRequestInput>({ resolver: zodResolver(mailLinkRequestInput), defaultValues: { email: defaultEmail } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await send(values);
      onSent(values.email);
    } catch (error) {
      setFormError(applyServerError(error, form.setError, ["email"]));
    }
  });

  return (
    <div>
      <h1 className="mb-1 text-xl font-semibold">{title}</h1>
      <p className="mb-6 text-sm text-zinc-500 dark:text-zinc-400">{description}</p>
      <Form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError>{formError}</FormError>
        <TextField label="Email" type="email" autoComplete="email" autoFocus error={errors.email?.message} {...form.register("email")} />
        <Button type="submit" className="w-full" pending={isSubmitting}>
          {submitLabel}
        </Button>
      </Form>
      <p className="mt-5 text-center text-sm text-zinc-600 dark:text-zinc-400">{footer}</p>
    </div>
  );
}

/** A mailed link that can no longer be used (expired, used, unknown), with the way to a new one. */
export function ExpiredLink({ renewHref, renewLabel }: { renewHref: string; renewLabel: string }) {
  return (
    <div>
      <NoticeIcon tone="error">
        <Clock />
      </NoticeIcon>
      <h1 className="mb-1 text-xl font-semibold">This link no longer works</h1>
      <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">{EXPIRED_LINK_MESSAGE}</p>
      <Button asChild className="w-full">
        <Link href={renewHref}>{renewLabel}</Link>
      </Button>
      <p className="mt-5 text-center text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/sign-in" className={linkClasses}>
          Back to sign in
        </Link>
      </p>
    </div>
  );
}
