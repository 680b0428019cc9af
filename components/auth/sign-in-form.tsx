"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { rateLimitedMessage, SIGN_IN_MESSAGES } from "@/server/services/auth/schemas";
import { OAuthButtons, type OAuthProvider } from "./oauth-buttons";

const formSchema = z.object({
  email: z.string().trim().min(1, "Enter your email address.").pipe(z.email("Enter a valid email address.")),
  password: z.string().min(1, "Enter your password."),
});
type FormValues = z.infer<typeof formSchema>;

export function SignInForm({ providers, callbackUrl }: { providers: OAuthProvider[]; callbackUrl: string | null }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<FormValues>({ resolver: zodResolver(formSchema), defaultValues: { email: "", password: "" } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
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
      else if (reason === "rate_limited") setFormError(rateLimitedMessage(Number(retry) || 60));
      else setFormError(SIGN_IN_MESSAGES.invalid);
      return;
    }
    router.replace(callbackUrl ?? "/");
    router.refresh();
  });

  const signUpHref = callbackUrl ? `/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/sign-up";
  return (
    <div className="space-y-5">
      <OAuthButtons providers={providers} callbackUrl={callbackUrl ?? "/"} />
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError>{formError}</FormError>
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          autoFocus
          error={errors.email?.message}
          {...form.register("email")}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          error={errors.password?.message}
          {...form.register("password")}
        />
        <Button type="submit" className="w-full" pending={isSubmitting}>
          Sign in
        </Button>
      </form>
      <p className="text-center text-sm text-zinc-600 dark:text-zinc-400">
        New here?{" "}
        <Link href={signUpHref} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Create an account
        </Link>
      </p>
    </div>
  );
}
