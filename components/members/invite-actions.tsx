"use client";

import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";

/** Accepts the invitation as the signed-in person and opens the team. */
export function JoinTeamButton({ token, teamName }: { token: string; teamName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(trpc.invitations.accept.mutationOptions());
  const [error, setError] = useState<string | null>(null);

  const join = async () => {
    setError(null);
    try {
      const { team } = await accept.mutateAsync({ token });
      toast.success(`Welcome to ${team.name}`);
      router.replace(`/${team.slug}`);
      router.refresh();
    } catch (e) {
      setError(applyServerError(e, () => {}, []));
      // The invitation may have changed (revoked, used): show what it is now.
      router.refresh();
    }
  };

  return (
    <div className="space-y-4">
      <FormError>{error}</FormError>
      <Button className="w-full" size="lg" pending={accept.isPending || accept.isSuccess} onClick={() => void join()}>
        Join {teamName}
      </Button>
    </div>
  );
}

/** Signs out and comes back to the invitation, to sign in or sign up with the invited address. */
export function SignOutAndReturnButton({ returnTo }: { returnTo: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="secondary"
      className="w-full"
      pending={pending}
      onClick={() => {
        setPending(true);
        void signOut({ redirectTo: returnTo });
      }}
    >
      Sign out
    </Button>
  );
}
