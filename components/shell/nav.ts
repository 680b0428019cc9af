import { Activity, Boxes, CalendarClock, ChartColumn, KeyRound, KeySquare, LayoutDashboard, MessagesSquare, Receipt, Server, Settings, Users, type LucideIcon } from "lucide-react";
import type { Scope } from "@/server/services/teams/permissions";

export interface NavItem {
  label: string;
  /** Path below the team's URL; "" is the team's overview. */
  path: string;
  icon: LucideIcon;
  /** Shown only to roles with this scope. */
  scope: Scope;
}

/** The console's sections. Only sections that exist are listed, and only to roles that may use them. */
export const NAV_ITEMS: NavItem[] = [
  { label: "Overview", path: "", icon: LayoutDashboard, scope: "team:read" },
  { label: "Models", path: "/models", icon: Boxes, scope: "models:read" },
  { label: "Playground", path: "/playground", icon: MessagesSquare, scope: "models:read" },
  { label: "Instances", path: "/instances", icon: Server, scope: "compute:read" },
  { label: "Reservations", path: "/reservations", icon: CalendarClock, scope: "compute:read" },
  { label: "Spend", path: "/spend", icon: ChartColumn, scope: "usage:read" },
  { label: "Billing", path: "/billing", icon: Receipt, scope: "usage:read" },
  { label: "API keys", path: "/keys", icon: KeyRound, scope: "keys:read" },
  { label: "SSH keys", path: "/ssh-keys", icon: KeySquare, scope: "compute:read" },
  { label: "Members", path: "/members", icon: Users, scope: "team:read" },
  { label: "Audit log", path: "/audit", icon: Activity, scope: "audit:read" },
  { label: "Settings", path: "/settings", icon: Settings, scope: "team:read" },
];

export function navFor(scopes: readonly Scope[]): NavItem[] {
  return NAV_ITEMS.filter((item) => scopes.includes(item.scope));
}
