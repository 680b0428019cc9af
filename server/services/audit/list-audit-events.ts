import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db";
import { rowsOf, ts } from "@/server/db/sql";
import { requireScope, type TeamContext } from "../context";
import { AppError } from "../errors";
import { ACCOUNT_ACTIONS, ACTOR_KINDS, actionMatches, filterWindow, listAuditEventsInput, type AuditFilter, type ListAuditEventsInput } from "./filters";

export { listAuditEventsInput, type ListAuditEventsInput } from "./filters";

export interface AuditEventRow {
  id: string;
  action: string;
  actorType: string;
  actorId: string | null;
  /** The person's name, or the API key's name for calls made with a key. */
  actorName: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  /** The person's name, for events about a user (members, sign-ins). */
  targetName: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

/** Where a page ends: created_at at full (microsecond) precision, and the id that breaks ties. */
interface Cursor {
  at: string;
  id: string;
}

interface RawRow {
  id: string;
  at: string;
  action: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  target_type: string | null;
  target_id: string | null;
  target_name: string | null;
  ip: string | null;
  user_agent: string | null;
  metadata: Record<string, unknown> | string | null;
}

/** The conditions a filter adds, the same for the team's own events and its members' account events. */
function filterConditions(filter: AuditFilter, cursor: Cursor | null): SQL {
  const parts: SQL[] = [];
  if (filter.actor) {
    parts.push((ACTOR_KINDS as readonly string[]).includes(filter.actor) ? sql`e.actor_type = ${filter.actor}` : sql`e.actor_id = ${filter.actor}`);
  }
  if (filter.action) {
    parts.push(filter.action.endsWith(".") ? sql`starts_with(e.action, ${filter.action})` : sql`e.action = ${filter.action}`);
  }
  if (filter.targetType) parts.push(sql`e.target_type = ${filter.targetType}`);
  if (filter.targetId) parts.push(sql`e.target_id = ${filter.targetId}`);
  const { start, end } = filterWindow(filter);
  if (start) parts.push(sql`e.created_at >= ${ts(start)}::timestamptz`);
  if (end) parts.push(sql`e.created_at < ${ts(end)}::timestamptz`);
  if (cursor) {
    // Written so that the index on (team_id, created_at) bounds the scan; the id only breaks ties.
    parts.push(sql`e.created_at <= ${cursor.at}::timestamptz and (e.created_at < ${cursor.at}::timestamptz or e.id < ${cursor.id})`);
  }
  return parts.length ? sql` and ${sql.join(parts, sql` and `)}` : sql``;
}

const BRANCH_COLUMNS = sql`e.id, e.created_at, e.action, e.actor_type, e.actor_id, e.target_type, e.target_id, e.ip, e.user_agent, e.metadata`;

/**
 * One page of a team's audit log, newest first: the team's own events, and the account events
 * (ACCOUNT_ACTIONS) of its current members since they joined. Each of the two is read newest first
 * up to the page's size, then merged, so the team's part walks the (team_id, created_at) index.
 */
export async function auditPage(db: Db, teamId: string, filter: AuditFilter, cursor: Cursor | null, limit: number): Promise<{ rows: AuditEventRow[]; next: Cursor | null }> {
  const conditions = filterConditions(filter, cursor);
  const branches: SQL[] = [
    sql`(select ${BRANCH_COLUMNS} from audit_events e
         where e.team_id = ${teamId}${conditions}
         order by e.created_at desc, e.id desc limit ${limit + 1})`,
  ];
  const accountActions = ACCOUNT_ACTIONS.filter((action) => actionMatches(filter.action, action));
  if (accountActions.length > 0 && (!filter.targetType || filter.targetType === "user")) {
    branches.push(
      sql`(select ${BRANCH_COLUMNS} from audit_events e
           where e.team_id is null and e.target_type = 'user'
             and e.action in (${sql.join(
               accountActions.map((a) => sql`${a}`),
               sql`, `,
             )})
             and exists (select 1 from memberships m where m.team_id = ${teamId} and m.user_id = e.target_id and m.created_at <= e.created_at)
             ${conditions}
           order by e.created_at desc, e.id desc limit ${limit + 1})`,
    );
  }
  const raw = await rowsOf<RawRow>(
    db,
    sql`select p.id, to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, p.action, p.actor_type, p.actor_id,
          case when p.actor_type = 'api_key' then ak.name else au.name end as actor_name, au.email as actor_email,
          p.target_type, p.target_id, tu.name as target_name, p.ip, p.user_agent, p.metadata
        from (${sql.join(branches, sql` union all `)}) p
        left join users au on p.actor_type = 'user' and au.id = p.actor_id
        left join api_keys ak on p.actor_type = 'api_key' and ak.id = p.actor_id and ak.team_id = ${teamId}
        left join users tu on p.target_type = 'user' and tu.id = p.target_id
        order by p.created_at desc, p.id desc
        limit ${limit + 1}`,
  );
  const page = raw.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map(toRow),
    next: raw.length > limit && last ? { at: last.at, id: last.id } : null,
  };
}

function toRow(r: RawRow): AuditEventRow {
  return {
    id: r.id,
    action: r.action,
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorEmail: r.actor_email,
    targetType: r.target_type,
    targetId: r.target_id,
    targetName: r.target_name,
    ip: r.ip,
    userAgent: r.user_agent,
    metadata: typeof r.metadata === "string" ? (JSON.parse(r.metadata) as Record<string, unknown>) : (r.metadata ?? {}),
    createdAt: new Date(r.at),
  };
}

/** The team's audit log, newest first, filtered, paged by (created_at, id). */
export async function listAuditEvents(ctx: TeamContext, rawInput: ListAuditEventsInput): Promise<{ events: AuditEventRow[]; nextCursor: string | null }> {
  requireScope(ctx, "audit:read");
  const input = listAuditEventsInput.parse(rawInput);
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  const { rows, next } = await auditPage(ctx.db, ctx.team.id, input, cursor, input.limit);
  return { events: rows, nextCursor: next ? encodeCursor(next) : null };
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString("base64url");
}

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function decodeCursor(cursor: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as unknown[];
    if (typeof at === "string" && CURSOR_AT.test(at) && !Number.isNaN(Date.parse(at)) && typeof id === "string" && id.length <= 64) return { at, id };
  } catch {
    // Falls through to the refusal below.
  }
  throw AppError.field("BAD_REQUEST", "cursor", "This page of the log is no longer valid. Reload the log and try again.");
}
