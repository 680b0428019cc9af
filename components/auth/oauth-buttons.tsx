"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";

export interface OAuthProvider {
  id: "github" | "google";
  name: string;
}

export function OAuthButtons({ providers, callbackUrl }: { providers: OAuthProvider[]; callbackUrl: string }) {
  const [pending, setPending] = useState<string | null>(null);
  if (providers.length === 0) return null;
  return (
    <div className="space-y-3">
      <div className="grid gap-2">
        {providers.map((p) => (
          <Button
            key={p.id}
            type="button"
            variant="secondary"
            pending={pending === p.id}
            onClick={() => {
              setPending(p.id);
              void signIn(p.id, { redirectTo: callbackUrl });
            }}
          >
            Continue with {p.name}
          </Button>
        ))}
      </div>
      <div className="flex items-center gap-3 text-xs text-zinc-500">
        <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
        or with email
        <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
      </div>
    </div>
  );
}
