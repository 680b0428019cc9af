import { z } from "zod";

/** Paths at the top of the site that a team slug must never shadow. */
export const RESERVED_SLUGS = new Set([
  "account", "admin", "api", "app", "auth", "dashboard", "dev", "docs", "help", "invite",
  "invitations", "login", "logout", "new", "new-team", "reset-password", "settings", "sign-in",
  "sign-out", "sign-up", "signin", "signup", "static", "status", "support", "teams", "v1", "www",
  "favicon.ico", "robots.txt", "_next",
]);

export const SLUG_MIN = 3;
export const SLUG_MAX = 40;

export const slugSchema = z
  .string()
  .trim()
  .min(SLUG_MIN, `Use at least ${SLUG_MIN} characters.`)
  .max(SLUG_MAX, `Use at most ${SLUG_MAX} characters.`)
  .regex(/^[a-z0-9-]+$/, "Use only lowercase letters, digits and hyphens.")
  .regex(/^[a-z0-9].*[a-z0-9]$/, "Start and end with a letter or digit.")
  .refine((s) => !s.includes("--"), "Do not use two hyphens in a row.")
  .refine((s) => !RESERVED_SLUGS.has(s), "This URL is reserved. Choose another.");

export const teamNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a team name.")
  .max(64, "Use at most 64 characters.");

export const createTeamInput = z.object({
  name: teamNameSchema,
  slug: slugSchema.optional(),
});
export type CreateTeamInput = z.input<typeof createTeamInput>;

export const updateTeamInput = z
  .object({
    name: teamNameSchema.optional(),
    slug: slugSchema.optional(),
  })
  .refine((v) => v.name !== undefined || v.slug !== undefined, "Nothing to change.");
export type UpdateTeamInput = z.input<typeof updateTeamInput>;

/** Best-effort slug from free text: "Ada's Lab!" → "adas-lab". May still need a suffix to be unique. */
export function slugify(text: string): string {
  const base = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX - 7)
    .replace(/-+$/g, "");
  return base.length >= SLUG_MIN ? base : `team-${base}`.replace(/-+$/g, "").padEnd(SLUG_MIN, "0");
}
