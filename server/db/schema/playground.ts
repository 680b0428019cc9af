import { jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { PresetParams } from "@/server/services/playground/schemas";
import { teams } from "./teams";
import { users } from "./users";

/**
 * Saved playground set-ups, shared by the whole team. A name is unique within a team: saving under
 * a name that exists replaces that preset. `params` holds OpenAI-style sampling parameters.
 */
export const playgroundPresets = pgTable(
  "playground_presets",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    modelId: text("model_id").notNull(),
    systemPrompt: text("system_prompt").notNull().default(""),
    params: jsonb("params").$type<PresetParams>().notNull(),
    // A preset outlives the member who made it; it belongs to the team.
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("playground_presets_team_name_key").on(t.teamId, t.name)],
);
