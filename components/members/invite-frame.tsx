import type { ReactNode } from "react";
import { Logo } from "@/components/ui/logo";

/** The invitation page's frame: the same centred card as sign-in and sign-up, a little wider. */
export function InviteFrame({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-4 py-12">
      <Logo className="mb-8 text-lg" />
      <div className="w-full max-w-md rounded-xl border border-zinc-200 bg-white p-6 shadow-sm sm:p-8 dark:border-zinc-800 dark:bg-zinc-900">
        {children}
      </div>
      <p className="mt-8 max-w-sm text-center text-xs text-zinc-500">
        Hosted models, GPU instances and spend for your team, in one place.
      </p>
    </main>
  );
}
