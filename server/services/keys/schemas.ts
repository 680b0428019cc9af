import { z } from "zod";
import type { ApiKeyScope } from "@/server/db/schema";

/**
 * Input schemas for API keys, shared by the service, the tRPC door and the console's forms (which
 * send strings from text inputs: empty strings mean "not set", numbers may arrive as text).
 */

export const API_KEY_SCOPES = ["inference", "instances:read", "instances:write", "usage:read"] as const satisfies readonly ApiKeyScope[];

export const API_KEY_SCOPE_LABELS: Record<ApiKeyScope, string> = {
  inference: "Inference",
  "instances:read": "Read instances",
  "instances:write": "Manage instances",
  "usage:read": "Read usage",
};

export const API_KEY_SCOPE_DESCRIPTIONS: Record<ApiKeyScope, string> = {
  inference: "Call hosted models: chat, completions, embeddings.",
  "instances:read": "List GPU instances and reservations.",
  "instances:write": "Launch, stop and delete GPU instances.",
  "usage:read": "Read the team's usage and spend.",
};

/** Presets offered for a new key's lifetime, in days. */
export const EXPIRY_PRESETS = [
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
] as const;

/** How long a rotated key's previous secret keeps working, in minutes. */
export const GRACE_PRESETS = [
  { minutes: 0, label: "None: the old secret stops at once" },
  { minutes: 15, label: "15 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 1440, label: "24 hours" },
] as const;

export const MAX_GRACE_MINUTES = 1440;
export const MAX_ALLOWED_MODELS = 50;
export const MAX_MODEL_ID_LENGTH = 128;
export const NANO_PER_USD = 1_000_000_000n;
const MIN_SPEND_NANO = 10_000_000n; // $0.01
const MAX_SPEND_NANO = 1_000_000n * NANO_PER_USD;

const blankToUndefined = (value: unknown) =>
  value === null || (typeof value === "string" && value.trim() === "") ? undefined : value;

const textToNumber = (value: unknown) => {
  const v = blankToUndefined(value);
  return typeof v === "string" ? Number(v.trim().replace(/[,_\s]/g, "")) : v;
};

function optionalWholeNumber(min: number, max: number, unit: string) {
  const range = `Enter a whole number from ${min.toLocaleString("en")} to ${max.toLocaleString("en")} ${unit}.`;
  return z.preprocess(textToNumber, z.number({ error: range }).int(range).min(min, range).max(max, range).optional());
}

export const keyNameSchema = z
  .string({ error: "Enter a name for the key." })
  .trim()
  .min(1, "Enter a name for the key.")
  .max(64, "Use at most 64 characters.");

export const keyScopesSchema = z
  .array(z.enum(API_KEY_SCOPES, { error: "Choose from the listed scopes." }), { error: "Choose at least one scope." })
  .min(1, "Choose at least one scope.")
  .transform((scopes) => API_KEY_SCOPES.filter((s) => scopes.includes(s)));

/** A list of model ids; text is split on commas, spaces and new lines. Duplicates are dropped. */
export const modelAllowlistSchema = z.preprocess(
  (value) => {
    const v = blankToUndefined(value);
    return typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v;
  },
  z
    .array(z.string({ error: "Model ids are text." }), { error: "List model ids, separated by commas." })
    .transform((ids) => [...new Set(ids.map((id) => id.trim()).filter(Boolean))])
    .check((ctx) => {
      const ids = ctx.value;
      if (ids.length > MAX_ALLOWED_MODELS) {
        ctx.issues.push({ code: "custom", input: ids, message: `List at most ${MAX_ALLOWED_MODELS} models.` });
      }
      const long = ids.find((id) => id.length > MAX_MODEL_ID_LENGTH);
      if (long) {
        ctx.issues.push({
          code: "custom",
          input: ids,
          message: `Model ids are at most ${MAX_MODEL_ID_LENGTH} characters: ${long.slice(0, 24)}…`,
        });
      }
    })
    .optional(),
);

const USD_AMOUNT = /^\d{1,7}(\.\d{1,9})?$/;

/** "12.5" → 12_500_000_000n nano-USD, exactly; null when the text is not a plain dollar amount. */
export function usdToNano(text: string): bigint | null {
  const cleaned = text.trim().replace(/^\$/, "").replace(/,/g, "");
  if (!USD_AMOUNT.test(cleaned)) return null;
  const [whole, fraction = ""] = cleaned.split(".");
  return BigInt(whole!) * NANO_PER_USD + BigInt(fraction.padEnd(9, "0"));
}

const SPEND_RANGE = "Enter an amount from $0.01 to $1,000,000.";

export const monthlySpendLimitSchema = z.preprocess(
  (value) => {
    const v = blankToUndefined(value);
    return typeof v === "number" && Number.isFinite(v) ? String(v) : v;
  },
  z
    .string({ error: SPEND_RANGE })
    .refine((text) => usdToNano(text) !== null, "Enter an amount in US dollars, e.g. 25 or 12.50.")
    .refine((text) => {
      const nano = usdToNano(text);
      return nano === null || (nano >= MIN_SPEND_NANO && nano <= MAX_SPEND_NANO);
    }, SPEND_RANGE)
    .optional(),
);

export const expiresInDaysSchema = z.preprocess(
  (value) => (value === "never" ? undefined : textToNumber(value)),
  z.literal(
    EXPIRY_PRESETS.map((p) => p.days),
    { error: "Choose one of the listed lifetimes." },
  ).optional(),
);

export const createKeyInput = z
  .object({
    name: keyNameSchema,
    scopes: keyScopesSchema,
    /** A preset lifetime; or give an exact `expiresAt`; neither means the key never expires. */
    expiresInDays: expiresInDaysSchema,
    expiresAt: z.preprocess(blankToUndefined, z.coerce.date({ error: "Enter a valid date." }).optional()),
    modelAllowlist: modelAllowlistSchema,
    requestsPerMinute: optionalWholeNumber(1, 100_000, "requests"),
    tokensPerMinute: optionalWholeNumber(1, 100_000_000, "tokens"),
    /** US dollars per calendar month (UTC), as text or a number; stored as integer nano-USD. */
    monthlySpendLimitUsd: monthlySpendLimitSchema,
  })
  .refine((v) => v.expiresAt === undefined || v.expiresInDays === undefined, {
    message: "Give either a lifetime or an exact expiry time, not both.",
    path: ["expiresAt"],
  });
export type CreateKeyInput = z.input<typeof createKeyInput>;
export type CreateKeyValues = z.output<typeof createKeyInput>;

export const keyIdInput = z.object({ keyId: z.string().min(1).max(64) });
export type KeyIdInput = z.input<typeof keyIdInput>;

export const gracePeriodSchema = z.preprocess(
  textToNumber,
  z
    .number({ error: "Choose a grace period." })
    .int("Use whole minutes.")
    .min(0, "The grace period cannot be negative.")
    .max(MAX_GRACE_MINUTES, "The grace period is at most 24 hours (1440 minutes)."),
);

export const rotateKeyInput = keyIdInput.extend({ gracePeriodMinutes: gracePeriodSchema });
export type RotateKeyInput = z.input<typeof rotateKeyInput>;
