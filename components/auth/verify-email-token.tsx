"use client";

import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { CircleCheck, Loader2 } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { useTRPC } from "@/components/trpc/client";
import { Address, ExpiredLink, NoticeIcon } from "./mail-link";

/**
 * Confirms the address of a mailed link as soon as the page runs in a browser: mail scanners
 * that fetch links without running scripts do not use the link up.
 */
export function VerifyEmailToken({ token, signedIn }: { token: string; signedIn: boolean }) {
  const trpc = useTRPC();
  const verify = useMutation(trpc.auth.verifyEmail.mutationOptions());
  const started = useRef(false);
  const { mutate } = verify;

  useEffect(() => {
    // Once per page, also under Strict Mode's double effects: a second call would find the link used.
    if (started.current) return;
    started.current = true;
    mutate({ token });
  }, [mutate, token]);

  if (verify.isSuccess) {
    const { email, alreadyVerified } = verify.data;
    return (
      <div>
        <NoticeIcon tone="success">
          <CircleCheck />
        </NoticeIcon>
        <h1 className="mb-1 text-xl font-semibold">{alreadyVerified ? "Email already confirmed" : "Email confirmed"}</h1>
        <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">
          <Address>{email}</Address> is confirmed.{" "}
          {signedIn ? "You can carry on in the console." : "Sign in to continue."}
        </p>
        <Button asChild className="w-full">
          <Link href={signedIn ? "/" : "/sign-in"}>{signedIn ? "Continue to the console" : "Sign in"}</Link>
        </Button>
      </div>
    );
  }

  if (verify.isError) {
    const expired = verify.error instanceof TRPCClientError && Boolean(verify.error.data?.fieldErrors?.token);
    if (expired) return <ExpiredLink renewHref="/verify-email" renewLabel="Send a new link" />;
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold">Confirm your email</h1>
        <FormError>
          {verify.error instanceof TRPCClientError
            ? verify.error.message
            : "Could not reach the server. Check your connection and try again."}
        </FormError>
        <Button type="button" className="w-full" onClick={() => mutate({ token })}>
          Try again
        </Button>
      </div>
    );
  }

  return (
    <div role="status" className="flex flex-col items-center gap-3 py-6 text-sm text-zinc-600 dark:text-zinc-400">
      <Loader2 className="h-6 w-6 animate-spin" aria-hidden />
      Confirming your email…
    </div>
  );
}
