"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { rateLimitedMessage, SIGN_IN_MESSAGES } from "@/server/services/auth/schemas";
import { OAuthButtons, type OAuthProvider } from "./oauth-buttons";
import { ResendVerificationButton } from "./verify-email-resend";

const formSchema = z.object({
  email: z.string().trim().min(1, "Enter your email address.").pipe(z.email("Enter a valid email address.")),
  password: z.string().min(1, "Enter your password."),
});
type FormValues = z.infer<typeof formSchema>;

export function SignInForm({
  providers,
  callbackUrl,
  email,
}: {
  providers: OAuthProvider[];
  callbackUrl: string | null;
  /** Filled in for the person an invitation (the callbackUrl) was sent to. */
  email?: string | null;
}) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  /** A refusal that comes with a way out: resend the confirmation mail, or reset the password. */
  const [refusal, setRefusal] = useState<{ reason: "email_unverified" | "rate_limited"; email: string } | null>(null);
  const form = useForm<FormValues>({ resolver: zodResolver(formSchema), defaultValues: { email: email ?? "", password: "" } });
  const { errors, isSubmitting } = form.formState;
  const typedEmail = useWatch({ control: form.control, name: "email" }).trim();

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    setRefusal(null);
    const result = await signIn("credentials", { ...values, redirect: false }).catch(() => null);
    if (!result) {
      setFormError("Could not reach the server. Check your connection and try again.");
      return;
    }
    if (result.error) {
      const [reason, retry] = (result.code ?? "invalid").split(":");
      if (reason === "unknown_email") form.setError("email", { message: SIGN_IN_MESSAGES.unknown_email }, { shouldFocus: true });
      else if (reason === "wrong_password")
        form.setError("password", { message: SIGN_IN_MESSAGES.wrong_password }, { shouldFocus: true });
      else if (reason === "no_password") form.setError("password", { message: SIGN_IN_MESSAGES.no_password });
      else if (reason === "email_unverified") {
        setFormError(SIGN_IN_MESSAGES.email_unverified);
        setRefusal({ reason, email: values.email.trim() });
      } else if (reason === "rate_limited") {
        setFormError(rateLimitedMessage(Number(retry) || 60));
        setRefusal({ reason, email: values.email.trim() });
      } else setFormError(SIGN_IN_MESSAGES.invalid);
      return;
    }
    router.replace(callbackUrl ?? "/");
    router.refresh();
  });

  const signUpHref = callbackUrl ? `/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/sign-up";
  const forgotHref = (email: string) => (email ? `/forgot-password?email=${encodeURIComponent(email)}` : "/forgot-password");
  return (
    <div className="space-y-5">
      <OAuthButtons providers={providers} callbackUrl={callbackUrl ?? "/"} />
      <Form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError>
          {formError && (
            <>
              {formError}
              {refusal?.reason === "email_unverified" && (
                <span className="mt-1 block">
                  <ResendVerificationButton email={refusal.email} />
                </span>
              )}
              {refusal?.reason === "rate_limited" && (
                <span className="mt-1 block">
                  Or{" "}
                  <Link href={forgotHref(refusal.email)} className="font-medium underline underline-offset-2">
                    reset your password
                  </Link>{" "}
                  to sign in now.
                </span>
              )}
            </>
          )}
        </FormError>
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          autoFocus={!email}
          error={errors.email?.message}
          {...form.register("email")}
        />
        <div className="relative">
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            autoFocus={Boolean(email)}
            error={errors.password?.message}
            {...form.register("password")}
          />
          {/* Shown at the end of the label row, but after the input in the DOM: Tab reaches the password first. */}
          <Link
            href={forgotHref(typedEmail)}
            className="absolute top-0 right-0 text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
          >
            Forgot password?
          </Link>
        </div>
        <Button type="submit" className="w-full" pending={isSubmitting}>
          Sign in
        </Button>
      </Form>
      <p className="text-center text-sm text-zinc-600 dark:text-zinc-400">
        New here?{" "}
        <Link href={signUpHref} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Create an account
        </Link>
      </p>
    </div>
  );
}
