"use client";

import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { Check } from "lucide-react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";

/**
 * Asks for another confirmation link for `email`. The server answers alike whether or not it
 * sent one, so the confirmation reads "if", like the reset form's.
 */
export function ResendVerificationButton({ email, appearance = "link" }: { email: string; appearance?: "link" | "button" }) {
  const trpc = useTRPC();
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());

  if (resend.isSuccess) {
    return (
      <span role="status" className="flex items-start gap-1.5">
        <Check className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
        If this address still needs confirming, a new link is on its way.
      </span>
    );
  }
  const send = () => resend.mutate({ email });
  return (
    <span className={appearance === "button" ? "flex flex-col gap-2" : "inline-flex flex-wrap items-center gap-x-2 gap-y-1"}>
      {appearance === "button" ? (
        <Button type="button" variant="secondary" className="w-full" pending={resend.isPending} onClick={send}>
          Send the link again
        </Button>
      ) : (
        <button
          type="button"
          className="cursor-pointer font-medium underline underline-offset-2 disabled:cursor-wait disabled:opacity-60"
          disabled={resend.isPending}
          onClick={send}
        >
          {resend.isPending ? "Sending…" : "Send the link again"}
        </button>
      )}
      {resend.isError && (
        <span role="alert" className="text-sm text-red-600 dark:text-red-400">
          {resend.error instanceof TRPCClientError ? resend.error.message : "Could not reach the server. Check your connection and try again."}
        </span>
      )}
    </span>
  );
}
