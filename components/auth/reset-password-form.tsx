"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { CircleCheck } from "lucide-react";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { PASSWORD_MIN_LENGTH, passwordSchema } from "@/server/services/auth/schemas";
import { ExpiredLink, NoticeIcon } from "./mail-link";

const formSchema = z
  .object({ password: passwordSchema, confirmPassword: z.string().min(1, "Type the new password again.") })
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two passwords differ. Type the same one twice.",
  });
type FormValues = z.infer<typeof formSchema>;

/** A mailed reset link that can no longer be used, with the way to a new one. */
export function ResetLinkExpired() {
  return <ExpiredLink renewHref="/forgot-password" renewLabel="Ask for a new link" />;
}

/**
 * Sets the new password, then signs in with it; should that fail, the person is told the password
 * changed and is sent to sign in.
 */
export function ResetPasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const trpc = useTRPC();
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());
  const [formError, setFormError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<"expired" | "changed" | null>(null);
  const form = useForm<FormValues>({ resolver: zodResolver(formSchema), defaultValues: { password: "", confirmPassword: "" } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ password }) => {
    setFormError(null);
    let email: string;
    try {
      ({ email } = await reset.mutateAsync({ token, password }));
    } catch (error) {
      if (error instanceof TRPCClientError && error.data?.fieldErrors?.token) setOutcome("expired");
      else setFormError(applyServerError(error, form.setError, ["password"]));
      return;
    }
    const signedIn = await signIn("credentials", { email, password, redirect: false }).catch(() => null);
    if (!signedIn || signedIn.error) {
      setOutcome("changed");
      return;
    }
    toast.success("Password changed. You are signed in.");
    router.replace("/");
    router.refresh();
  });

  if (outcome === "expired") return <ResetLinkExpired />;
  if (outcome === "changed") {
    return (
      <div>
        <NoticeIcon tone="success">
          <CircleCheck />
        </NoticeIcon>
        <h1 className="mb-1 text-xl font-semibold">Password changed</h1>
        <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">Sign in with your new password.</p>
        <Button asChild className="w-full">
          <Link href="/sign-in">Sign in</Link>
        </Button>
      </div>
    );
  }

  return (
    <div>
      <h1 className="mb-1 text-xl font-semibold">Choose a new password</h1>
      <p className="mb-6 text-sm text-zinc-500 dark:text-zinc-400">You will be signed in with it right away.</p>
      <Form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError>{formError}</FormError>
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          autoFocus
          hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong one.`}
          error={errors.password?.message}
          {...form.register("password")}
        />
        <TextField
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          error={errors.confirmPassword?.message}
          {...form.register("confirmPassword")}
        />
        <Button type="submit" className="w-full" pending={isSubmitting}>
          Change password
        </Button>
      </Form>
    </div>
  );
}
