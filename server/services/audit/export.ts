import { requireScope, type TeamContext } from "../context";
import { csvLine } from "../spend/csv";
import { dayOf } from "../spend/range";
import { auditFilterInput, type AuditFilterInput } from "./filters";
import { describeAuditEvent } from "./labels";
import { auditPage } from "./list-audit-events";

const HEADER = [
  "time",
  "actor_type",
  "actor_id",
  "actor_name",
  "actor_email",
  "action",
  "description",
  "target_type",
  "target_id",
  "ip",
  "user_agent",
  "details",
];

/** Rows read per query; the download holds one page at a time, whatever the log's size. */
export const AUDIT_EXPORT_PAGE_SIZE = 1_000;

/**
 * The team's audit log as CSV, with the page's filters, newest first like the page. Pages are read
 * by the same keyset (created_at, id) as the page's "Load more", so no event is skipped or sent
 * twice while the log grows. Text cells that a spreadsheet would run as formulas are guarded.
 */
export async function exportAuditCsv(
  ctx: TeamContext,
  raw: AuditFilterInput,
  options: { pageSize?: number } = {},
): Promise<{ filename: string; chunks: AsyncIterable<string> }> {
  requireScope(ctx, "audit:read");
  const filter = auditFilterInput.parse(raw);
  const pageSize = options.pageSize ?? AUDIT_EXPORT_PAGE_SIZE;
  const { db, team } = ctx;

  async function* chunks(): AsyncGenerator<string> {
    yield csvLine(HEADER);
    let cursor: { at: string; id: string } | null = null;
    do {
      const page = await auditPage(db, team.id, filter, cursor, pageSize);
      let text = "";
      for (const e of page.rows) {
        text += csvLine([
          e.createdAt.toISOString(),
          e.actorType,
          e.actorId,
          e.actorName,
          e.actorEmail,
          e.action,
          describeAuditEvent(e),
          e.targetType,
          e.targetId,
          e.ip,
          e.userAgent,
          JSON.stringify(e.metadata),
        ]);
      }
      if (text) yield text;
      cursor = page.next;
    } while (cursor);
  }

  const span = filter.from || filter.to ? `-${filter.from ?? "start"}-to-${filter.to ?? dayOf(ctx.now())}` : `-${dayOf(ctx.now())}`;
  return { filename: `audit-log-${team.slug}${span}.csv`, chunks: chunks() };
}
