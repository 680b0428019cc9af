"use client";

import { ChevronsUpDown, Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { CreateTeamDialog } from "@/components/teams/create-team-dialog";
import { Menu, MenuContent, MenuItem, MenuLabel, MenuRadioGroup, MenuRadioItem, MenuSeparator, MenuTrigger } from "@/components/ui/menu";
import { ROLE_LABELS } from "@/server/services/teams/permissions";
import { Avatar } from "./avatar";
import type { ShellTeam } from "./types";

export function TeamSwitcher({ team, teams, onNavigate }: { team: ShellTeam; teams: ShellTeam[]; onNavigate?: () => void }) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <Menu>
        <MenuTrigger
          aria-label="Switch team"
          className="flex w-full items-center gap-2.5 rounded-lg px-2 py-1.5 text-left hover:bg-zinc-100 data-[state=open]:bg-zinc-100 dark:hover:bg-zinc-800 dark:data-[state=open]:bg-zinc-800"
        >
          <Avatar name={team.name} square />
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-medium">{team.name}</span>
            <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400">{ROLE_LABELS[team.role]}</span>
          </span>
          <ChevronsUpDown className="h-4 w-4 shrink-0 text-zinc-400" aria-hidden />
        </MenuTrigger>
        <MenuContent align="start" className="w-64">
          <MenuLabel>Your teams</MenuLabel>
          <MenuRadioGroup
            value={team.slug}
            onValueChange={(slug) => {
              onNavigate?.();
              router.push(`/${slug}`);
            }}
          >
            {teams.map((t) => (
              <MenuRadioItem key={t.id} value={t.slug}>
                <span className="truncate">{t.name}</span>
              </MenuRadioItem>
            ))}
          </MenuRadioGroup>
          <MenuSeparator />
          <MenuItem onSelect={() => setCreating(true)}>
            <Plus className="h-4 w-4" aria-hidden />
            Create team
          </MenuItem>
        </MenuContent>
      </Menu>
      <CreateTeamDialog open={creating} onOpenChange={setCreating} />
    </>
  );
}
