import type { Role, Scope } from "@/server/services/teams/permissions";

export interface ShellTeam {
  id: string;
  name: string;
  slug: string;
  role: Role;
}

export interface ShellUser {
  name: string;
  email: string;
  image: string | null;
}

export interface ShellData {
  team: ShellTeam;
  scopes: readonly Scope[];
  teams: ShellTeam[];
  user: ShellUser;
}
