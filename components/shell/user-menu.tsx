"use client";

import { LogOut, Monitor, Moon, Sun, UserRound } from "lucide-react";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useTheme } from "next-themes";
import { Menu, MenuContent, MenuItem, MenuLabel, MenuRadioGroup, MenuRadioItem, MenuSeparator, MenuTrigger } from "@/components/ui/menu";
import { Avatar } from "./avatar";
import type { ShellUser } from "./types";

export function UserMenu({ user, compact = false }: { user: ShellUser; compact?: boolean }) {
  const router = useRouter();
  const { theme, setTheme } = useTheme();
  return (
    <Menu>
      <MenuTrigger
        aria-label="Account menu"
        className="flex w-full items-center gap-2.5 rounded-lg px-2 py-1.5 text-left hover:bg-zinc-100 data-[state=open]:bg-zinc-100 dark:hover:bg-zinc-800 dark:data-[state=open]:bg-zinc-800"
      >
        <Avatar name={user.name} />
        {!compact && (
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-medium">{user.name}</span>
            <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400">{user.email}</span>
          </span>
        )}
      </MenuTrigger>
      <MenuContent align="end" side={compact ? "bottom" : "top"} className="w-60">
        <MenuLabel className="truncate">{user.email}</MenuLabel>
        <MenuItem onSelect={() => router.push("/account")}>
          <UserRound className="h-4 w-4" aria-hidden />
          Profile
        </MenuItem>
        <MenuSeparator />
        <MenuLabel>Theme</MenuLabel>
        <MenuRadioGroup value={theme ?? "system"} onValueChange={setTheme}>
          <MenuRadioItem value="light">
            <Sun className="h-4 w-4" aria-hidden /> Light
          </MenuRadioItem>
          <MenuRadioItem value="dark">
            <Moon className="h-4 w-4" aria-hidden /> Dark
          </MenuRadioItem>
          <MenuRadioItem value="system">
            <Monitor className="h-4 w-4" aria-hidden /> System
          </MenuRadioItem>
        </MenuRadioGroup>
        <MenuSeparator />
        <MenuItem onSelect={() => void signOut({ redirectTo: "/sign-in" })}>
          <LogOut className="h-4 w-4" aria-hidden />
          Sign out
        </MenuItem>
      </MenuContent>
    </Menu>
  );
}
