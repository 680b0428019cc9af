import type { ReactNode } from "react";
import { Logo } from "@/components/ui/logo";
import { cn } from "@/components/ui/cn";

/** The centred card of the pages people see before they are in the console: sign-in, sign-up, invitations. */
export function AuthFrame({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-4 py-12">
      <Logo className="mb-8 text-lg" />
      <div className={cn("w-full rounded-xl border border-zinc-200 bg-white p-6 shadow-sm sm:p-8 dark:border-zinc-800 dark:bg-zinc-900", wide ? "max-w-md" : "max-w-sm")}>
        {children}
      </div>
      <p className="mt-8 max-w-sm text-center text-xs text-zinc-500">
        Hosted models, GPU instances and spend for your team, in one place.
      </p>
    </main>
  );
}
