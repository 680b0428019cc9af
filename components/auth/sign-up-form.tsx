"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { PASSWORD_MIN_LENGTH, signUpInput, type SignUpInput } from "@/server/services/auth/schemas";
import { invitationTokenOfPath } from "@/server/services/teams/invitation-schemas";
import { OAuthButtons, type OAuthProvider } from "./oauth-buttons";

const FIELDS = ["name", "email", "password"] as const;

export function SignUpForm({
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
  const trpc = useTRPC();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SignUpInput>({
    resolver: zodResolver(signUpInput),
    defaultValues: { name: "", email: email ?? "", password: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    let teamSlug: string;
    try {
      // Coming from an invitation to this address confirms it (no verification mail needed).
      const created = await signUp.mutateAsync({ ...values, invitationToken: invitationTokenOfPath(callbackUrl) ?? undefined });
      if (created.mustVerifyEmail) {
        // Not signed in until the mailed link is followed.
        router.replace(`/verify-email?email=${encodeURIComponent(values.email.trim())}`);
        return;
      }
      teamSlug = created.teamSlug;
    } catch (error) {
      setFormError(applyServerError(error, form.setError, FIELDS));
      return;
    }
    const result = await signIn("credentials", { email: values.email, password: values.password, redirect: false });
    if (result?.error) {
      router.replace("/sign-in");
      return;
    }
    router.replace(callbackUrl ?? `/${teamSlug}`);
    router.refresh();
  });

  const signInHref = callbackUrl ? `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/sign-in";
  return (
    <div className="space-y-5">
      <OAuthButtons providers={providers} callbackUrl={callbackUrl ?? "/"} />
      <Form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError>{formError}</FormError>
        <TextField label="Name" autoComplete="name" autoFocus error={errors.name?.message} {...form.register("name")} />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          error={errors.email?.message}
          {...form.register("email")}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong one.`}
          error={errors.password?.message}
          {...form.register("password")}
        />
        <Button type="submit" className="w-full" pending={isSubmitting}>
          Create account
        </Button>
      </Form>
      <p className="text-center text-sm text-zinc-600 dark:text-zinc-400">
        Already have an account?{" "}
        <Link href={signInHref} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Sign in
        </Link>
      </p>
    </div>
  );
}
