import { z } from "zod";
import { addDays, parseDay } from "../spend/range";

/**
 * The audit log's filters, shared by the page (URL search parameters, the filter bar's field
 * errors), the tRPC procedures and the CSV download. No server imports: the console's components
 * validate with the same schema.
 *
 * Days are UTC, as on the spend page: `from` is the first day shown, from 00:00 UTC, and `to` the
 * last day shown, included, until 24:00 UTC.
 */

/** Actors that are not a person: the worker and operator commands, and calls made with an API key. */
export const ACTOR_KINDS = ["system", "api_key"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * Events of a person's account rather than of a team (recorded with no team), which the audit log
 * of every team the person belongs to shows from the day they joined it. Matched on the event's
 * target user, so that a failed sign-in with a member's email shows even though nobody signed in.
 */
export const ACCOUNT_ACTIONS = [
  "auth.signed_in",
  "auth.sign_in_failed",
  "user.password_reset_requested",
  "user.password_reset",
  "user.email_verified",
] as const;

const ACTOR_ID = /^(usr|key)_[0-9A-Za-z]{1,40}$/;
/** An exact action ("key.created") or a group of them, named by its prefix ("key."). */
const ACTION = /^[a-z][a-z_]*\.([a-z][a-z_]*)?$/;
const TARGET_TYPE = /^[a-z][a-z_]{0,31}$/;
const TARGET_ID = /^[^\s]{1,128}$/;

const dayField = (what: string) =>
  z
    .string({ error: `Enter the ${what} as a date (YYYY-MM-DD).` })
    .trim()
    .refine((value) => parseDay(value) !== null, `Enter the ${what} as a real date, YYYY-MM-DD (UTC).`);

const filterShape = {
  /** A user id or an API key id, or one of ACTOR_KINDS. */
  actor: z
    .string({ error: "Choose an actor from the list." })
    .trim()
    .refine((value) => (ACTOR_KINDS as readonly string[]).includes(value) || ACTOR_ID.test(value), "Choose an actor from the list: a person, System or API keys.")
    .optional(),
  action: z
    .string({ error: "Choose an action from the list." })
    .trim()
    .max(64, "Choose an action from the list.")
    .regex(ACTION, "Choose an action from the list, or a group of actions such as “key.”.")
    .optional(),
  targetType: z
    .string({ error: "Choose a kind of target from the list." })
    .trim()
    .regex(TARGET_TYPE, "Choose a kind of target from the list.")
    .optional(),
  targetId: z
    .string({ error: "Enter the target's id, such as key_…" })
    .trim()
    .regex(TARGET_ID, "Enter the target's id, such as key_… (at most 128 characters, no spaces).")
    .optional(),
  from: dayField("first day").optional(),
  to: dayField("last day").optional(),
};

function checkRange(value: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  const from = value.from ? parseDay(value.from) : null;
  const to = value.to ? parseDay(value.to) : null;
  if (from && to && to < from) ctx.addIssue({ code: "custom", path: ["to"], message: "The last day must be on or after the first day." });
}

export const auditFilterInput = z.object(filterShape).superRefine(checkRange);
export type AuditFilterInput = z.input<typeof auditFilterInput>;
export type AuditFilter = z.output<typeof auditFilterInput>;

export const listAuditEventsInput = z
  .object({
    ...filterShape,
    limit: z.number().int().min(1).max(100).default(25),
    /** Opaque cursor from the previous page. */
    cursor: z.string().max(200).optional(),
  })
  .superRefine(checkRange);
export type ListAuditEventsInput = z.input<typeof listAuditEventsInput>;

export const AUDIT_FILTER_FIELDS = ["actor", "action", "targetType", "targetId", "from", "to"] as const;

export function hasFilters(filter: AuditFilterInput): boolean {
  return AUDIT_FILTER_FIELDS.some((field) => filter[field] !== undefined);
}

/** The instants a filter's days stand for: [start, end), either end open. */
export function filterWindow(filter: Pick<AuditFilter, "from" | "to">): { start: Date | null; end: Date | null } {
  const start = filter.from ? parseDay(filter.from) : null;
  const last = filter.to ? parseDay(filter.to) : null;
  return { start, end: last ? addDays(last, 1) : null };
}

/** Does an action filter (exact, or a group prefix ending in ".") take in `action`? */
export function actionMatches(filter: string | undefined, action: string): boolean {
  if (!filter) return true;
  return filter.endsWith(".") ? action.startsWith(filter) : action === filter;
}

/** URL search parameter names; `target` is the target's id. */
const PARAM: Record<(typeof AUDIT_FILTER_FIELDS)[number], string> = {
  actor: "actor",
  action: "action",
  targetType: "target_type",
  targetId: "target",
  from: "from",
  to: "to",
};

/** The page's URL search parameters (which the CSV link repeats) as a filter; blank ones are left out. */
export function auditParamsFromSearch(search: URLSearchParams): AuditFilterInput {
  const filter: AuditFilterInput = {};
  for (const field of AUDIT_FILTER_FIELDS) {
    const value = search.get(PARAM[field])?.trim();
    if (value) filter[field] = value;
  }
  return filter;
}

/** The inverse of auditParamsFromSearch. */
export function auditSearchFromParams(filter: AuditFilterInput): URLSearchParams {
  const search = new URLSearchParams();
  for (const field of AUDIT_FILTER_FIELDS) {
    const value = filter[field];
    if (value) search.set(PARAM[field], value);
  }
  return search;
}
