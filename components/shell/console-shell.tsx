"use client";

import { Menu as MenuIcon } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Drawer } from "@/components/ui/dialog";
import { Logo } from "@/components/ui/logo";
import { RememberTeam } from "./last-team";
import { navFor } from "./nav";
import { NotificationsBell } from "./notifications-bell";
import { TeamSwitcher } from "./team-switcher";
import type { ShellData } from "./types";
import { UserMenu } from "./user-menu";

function SidebarContents({ data, onNavigate, compactBell }: { data: ShellData; onNavigate?: () => void; compactBell?: boolean }) {
  const pathname = usePathname();
  const base = `/${data.team.slug}`;
  return (
    <div className="flex h-full flex-col gap-4 p-3">
      <div className="flex items-center justify-between gap-2 pl-2">
        <Link href={base} onClick={onNavigate} className="pt-1">
          <Logo className="text-sm" />
        </Link>
        {!compactBell && <NotificationsBell teamId={data.team.id} />}
      </div>
      <TeamSwitcher team={data.team} teams={data.teams} onNavigate={onNavigate} />
      <nav aria-label="Console" className="flex-1">
        <ul className="space-y-0.5">
          {navFor(data.scopes).map((item) => {
            const href = base + item.path;
            const active = item.path === "" ? pathname === base : pathname.startsWith(href);
            return (
              <li key={item.label}>
                <Link
                  href={href}
                  onClick={onNavigate}
                  aria-current={active ? "page" : undefined}
                  className={cn(
                    "flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm font-medium transition-colors",
                    active
                      ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950/60 dark:text-indigo-300"
                      : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
                  )}
                >
                  <item.icon className="h-4 w-4" aria-hidden />
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <UserMenu user={data.user} />
    </div>
  );
}

/** Sidebar on wide windows; a top bar with a slide-in drawer on narrow ones. */
export function ConsoleShell({ data, children }: { data: ShellData; children: ReactNode }) {
  const [drawerOpen, setDrawerOpen] = useState(false);
  return (
    <div className="min-h-dvh md:grid md:grid-cols-[16rem_1fr]">
      <RememberTeam slug={data.team.slug} />
      <aside className="sticky top-0 hidden h-dvh border-r border-zinc-200 bg-white md:block dark:border-zinc-800 dark:bg-zinc-900/40">
        <SidebarContents data={data} />
      </aside>
      <header className="sticky top-0 z-30 flex items-center gap-3 border-b border-zinc-200 bg-white/90 px-3 py-2 backdrop-blur md:hidden dark:border-zinc-800 dark:bg-zinc-950/90">
        <Button variant="ghost" size="icon" aria-label="Open navigation" onClick={() => setDrawerOpen(true)}>
          <MenuIcon className="h-5 w-5" />
        </Button>
        <span className="min-w-0 flex-1 truncate text-sm font-semibold">{data.team.name}</span>
        <NotificationsBell teamId={data.team.id} />
        <div className="w-10">
          <UserMenu user={data.user} compact />
        </div>
      </header>
      <Drawer open={drawerOpen} onOpenChange={setDrawerOpen} title="Navigation">
        <SidebarContents data={data} onNavigate={() => setDrawerOpen(false)} compactBell />
      </Drawer>
      <main className="min-w-0 px-4 py-6 sm:px-6 lg:px-10 lg:py-8">
        <div className="mx-auto max-w-5xl">{children}</div>
      </main>
    </div>
  );
}
