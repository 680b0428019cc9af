import { ArrowLeft } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "@/components/ui/logo";
import { UserMenu } from "@/components/shell/user-menu";
import { requireProfile } from "@/server/auth/page-session";

export default async function AccountLayout({ children }: { children: ReactNode }) {
  const profile = await requireProfile();
  return (
    <div className="min-h-dvh">
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900/40">
        <div className="mx-auto flex max-w-3xl items-center gap-4 px-4 py-3">
          <Link href="/" className="inline-flex items-center gap-1.5 text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
            <ArrowLeft className="h-4 w-4" aria-hidden /> Back to console
          </Link>
          <div className="flex-1" />
          <Logo className="hidden text-sm sm:inline-flex" />
          <div className="w-10">
            <UserMenu user={{ name: profile.name, email: profile.email, image: profile.image }} compact />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-3xl px-4 py-8">{children}</main>
    </div>
  );
}
