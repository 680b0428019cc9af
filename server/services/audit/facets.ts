import { sql } from "drizzle-orm";
import { rowsOf } from "@/server/db/sql";
import { requireScope, type TeamContext } from "../context";
import { ACTION_GROUPS, actionLabel, KNOWN_ACTIONS } from "./labels";

export interface AuditFilterOption {
  value: string;
  label: string;
  /** A second line: a person's email, a key's id. */
  detail: string | null;
}

export interface AuditActionGroup {
  /** The group's prefix ("key."), itself a filter value: every action of the group. */
  prefix: string;
  label: string;
  actions: AuditFilterOption[];
}

export interface AuditFacets {
  actors: {
    /** The team's members now, whether or not they have done anything yet. */
    members: AuditFilterOption[];
    /** People seen in the log who are no longer members (or whose account is gone). */
    formerMembers: AuditFilterOption[];
    /** System, API keys as a whole, and each API key seen in the log. */
    other: AuditFilterOption[];
  };
  actions: AuditActionGroup[];
}

interface SeenRow {
  kind: "actor" | "action";
  actor_type: string | null;
  actor_id: string | null;
  action: string | null;
  user_name: string | null;
  user_email: string | null;
  key_name: string | null;
  member: boolean | null;
}

const byLabel = (a: AuditFilterOption, b: AuditFilterOption) => a.label.localeCompare(b.label) || a.value.localeCompare(b.value);

/**
 * What the audit log's filters offer: the actors seen in the team's log and its members, and the
 * actions grouped by area. Reads the team's events once (grouped), and its members.
 */
export async function auditFacets(ctx: TeamContext): Promise<AuditFacets> {
  requireScope(ctx, "audit:read");
  const teamId = ctx.team.id;
  const seen = await rowsOf<SeenRow>(
    ctx.db,
    sql`with seen as (select actor_type, actor_id, action from audit_events where team_id = ${teamId} group by 1, 2, 3)
        select 'actor' as kind, s.actor_type, s.actor_id, null as action, u.name as user_name, u.email as user_email, k.name as key_name,
               (m.user_id is not null) as member
        from (select distinct actor_type, actor_id from seen) s
        left join users u on s.actor_type = 'user' and u.id = s.actor_id
        left join api_keys k on s.actor_type = 'api_key' and k.id = s.actor_id and k.team_id = ${teamId}
        left join memberships m on s.actor_type = 'user' and m.team_id = ${teamId} and m.user_id = s.actor_id
        union all
        select 'action', null, null, a.action, null, null, null, null from (select distinct action from seen) a`,
  );
  const members = await rowsOf<{ id: string; name: string; email: string }>(
    ctx.db,
    sql`select u.id, u.name, u.email from memberships m join users u on u.id = m.user_id where m.team_id = ${teamId}`,
  );

  const formerMembers: AuditFilterOption[] = [];
  const keys: AuditFilterOption[] = [];
  const kinds = new Set<string>();
  const actions = new Set<string>();
  for (const row of seen) {
    if (row.kind === "action") {
      if (row.action) actions.add(row.action);
      continue;
    }
    if (row.actor_type) kinds.add(row.actor_type);
    if (row.actor_type === "user" && row.actor_id && !row.member) {
      formerMembers.push({ value: row.actor_id, label: row.user_name ?? "Deleted account", detail: row.user_email ?? row.actor_id });
    } else if (row.actor_type === "api_key" && row.actor_id) {
      keys.push({ value: row.actor_id, label: `API key “${row.key_name ?? row.actor_id}”`, detail: row.actor_id });
    }
  }

  const other: AuditFilterOption[] = [];
  if (kinds.has("system")) other.push({ value: "system", label: "System", detail: "The worker and operator commands" });
  if (kinds.has("api_key")) other.push({ value: "api_key", label: "Any API key", detail: null }, ...keys.sort(byLabel));

  const groups: AuditActionGroup[] = ACTION_GROUPS.map((group) => ({
    prefix: group.prefix,
    label: group.label,
    actions: group.actions.map((action) => ({ value: action, label: actionLabel(action), detail: action })),
  }));
  // Actions recorded by code that has no words for them yet still get an option of their own.
  const unknown = [...actions].filter((action) => !KNOWN_ACTIONS.includes(action)).sort();
  for (const action of unknown) {
    const prefix = `${action.split(".")[0]}.`;
    const group = groups.find((g) => g.prefix === prefix);
    const option = { value: action, label: action, detail: action };
    if (group) group.actions.push(option);
    else groups.push({ prefix, label: prefix.slice(0, -1), actions: [option] });
  }

  return {
    actors: {
      members: members.map((m) => ({ value: m.id, label: m.name, detail: m.email })).sort(byLabel),
      formerMembers: formerMembers.sort(byLabel),
      other,
    },
    actions: groups,
  };
}
