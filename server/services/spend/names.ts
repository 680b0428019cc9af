import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/server/db";
import { apiKeys, instanceTypes, memberships, models, users } from "@/server/db/schema";
import { PRODUCT_LABELS, type FilterDimension, type SpendProduct } from "./range";

/** How a dimension's value is shown: a name, and a second line that tells similar names apart. */
export interface DisplayName {
  label: string;
  detail: string | null;
}

const NONE: Partial<Record<FilterDimension, DisplayName>> = {
  key: { label: "No API key", detail: "Console and playground" },
  member: { label: "No member", detail: "API keys and automatic charges" },
  model: { label: "No model", detail: "Compute" },
  instance_type: { label: "No instance type", detail: "Model tokens" },
};

/**
 * Display names for values of one dimension, as a map keyed by value. Keys and members are looked
 * up within the team only, so a filter naming another team's key or a stranger never reveals a
 * name. Rows whose key or user has since been deleted still get a label, with the id to tell them
 * apart.
 */
export async function displayNames(db: Db, teamId: string, dimension: FilterDimension, values: string[]): Promise<Map<string, DisplayName>> {
  const names = new Map<string, DisplayName>();
  const none = NONE[dimension];
  if (none && values.includes("")) names.set("", none);
  const ids = [...new Set(values.filter((v) => v !== ""))];
  if (ids.length === 0) return names;

  switch (dimension) {
    case "product":
      for (const id of ids) names.set(id, { label: PRODUCT_LABELS[id as SpendProduct] ?? id, detail: null });
      return names;
    case "model": {
      const rows = await db.select({ id: models.id, name: models.displayName }).from(models).where(inArray(models.id, ids));
      const found = new Map(rows.map((r) => [r.id, r.name]));
      // A model dropped from the catalog keeps its API name, which is what the customer called.
      for (const id of ids) names.set(id, { label: found.get(id) ?? id, detail: id });
      return names;
    }
    case "instance_type": {
      const rows = await db.select({ id: instanceTypes.id, name: instanceTypes.displayName }).from(instanceTypes).where(inArray(instanceTypes.id, ids));
      const found = new Map(rows.map((r) => [r.id, r.name]));
      for (const id of ids) names.set(id, { label: found.get(id) ?? id, detail: id });
      return names;
    }
    case "key": {
      const rows = await db
        .select({ id: apiKeys.id, name: apiKeys.name, hint: apiKeys.hint, revokedAt: apiKeys.revokedAt })
        .from(apiKeys)
        .where(and(eq(apiKeys.teamId, teamId), inArray(apiKeys.id, ids)));
      const found = new Map(rows.map((r) => [r.id, r]));
      for (const id of ids) {
        const key = found.get(id);
        names.set(id, key ? { label: key.name, detail: `${key.hint}${key.revokedAt ? " · revoked" : ""}` } : { label: "Deleted key", detail: id });
      }
      return names;
    }
    case "member": {
      // Present members by their membership; people who used the team and left, by their account.
      const rows = await db
        .select({ id: users.id, name: users.name, email: users.email, teamId: memberships.teamId })
        .from(users)
        .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.teamId, teamId)))
        .where(inArray(users.id, ids));
      const found = new Map(rows.map((r) => [r.id, r]));
      for (const id of ids) {
        const user = found.get(id);
        names.set(id, user ? { label: user.name || user.email, detail: user.teamId ? user.email : `${user.email} · no longer a member` } : { label: "Deleted user", detail: id });
      }
      return names;
    }
  }
}

/**
 * The name for a filter's value. Breakdown rows come from the team's own usage; a filter comes from
 * a URL, so a member's name is only given for people who are, or were seen, in this team.
 */
export async function filterName(db: Db, teamId: string, dimension: FilterDimension, value: string, seenInUsage: boolean): Promise<DisplayName> {
  if (dimension === "member" && value !== "" && !seenInUsage) {
    const [member] = await db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, value)))
      .limit(1);
    if (!member) return { label: "Unknown member", detail: value };
  }
  const names = await displayNames(db, teamId, dimension, [value]);
  return names.get(value) ?? { label: value, detail: null };
}
