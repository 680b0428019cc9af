import { z } from "zod";

/**
 * Input schemas for the playground, shared by the service, the tRPC door and the playground page.
 * Keep this file free of server-only imports: "use client" components import it.
 */

export const PRESET_NAME_MAX = 80;
export const SYSTEM_PROMPT_MAX = 32_000;
export const MAX_PRESETS_PER_TEAM = 100;
export const MAX_STOP_SEQUENCES = 4;
export const STOP_SEQUENCE_MAX = 256;
export const MAX_TOKENS_LIMIT = 1_000_000;

/** Parameter names follow the OpenAI request body, so a preset maps onto a request field by field. */
export interface PresetParams {
  temperature: number;
  top_p: number;
  /** Null: let the model decide (its own maximum, within the context window). */
  max_tokens: number | null;
  stop: string[];
  /** Null: a different sample every run. */
  seed: number | null;
  presence_penalty: number;
  frequency_penalty: number;
}

export const DEFAULT_PRESET_PARAMS: PresetParams = {
  temperature: 0.7,
  top_p: 1,
  max_tokens: null,
  stop: [],
  seed: null,
  presence_penalty: 0,
  frequency_penalty: 0,
};

function numberFrom(min: number, max: number, label: string) {
  const range = `${label} must be a number from ${min} to ${max}.`;
  return z.number({ error: range }).min(min, range).max(max, range);
}

const maxTokensRange = `Max tokens must be a whole number from 1 to ${MAX_TOKENS_LIMIT.toLocaleString("en")}, or empty for the model's default.`;
const seedMessage = "Seed must be a whole number, or empty for a random seed.";

/**
 * A preset's sampling parameters. A missing field takes its default, so that an older client (or a
 * preset saved before a parameter existed) still parses.
 */
export const presetParamsSchema = z.object({
  temperature: numberFrom(0, 2, "Temperature").default(DEFAULT_PRESET_PARAMS.temperature),
  top_p: numberFrom(0, 1, "Top P").default(DEFAULT_PRESET_PARAMS.top_p),
  max_tokens: z
    .number({ error: maxTokensRange })
    .int(maxTokensRange)
    .min(1, maxTokensRange)
    .max(MAX_TOKENS_LIMIT, maxTokensRange)
    .nullable()
    .default(DEFAULT_PRESET_PARAMS.max_tokens),
  stop: z
    .array(
      z
        .string({ error: "Stop sequences are text." })
        .min(1, "A stop sequence cannot be empty.")
        .max(STOP_SEQUENCE_MAX, `A stop sequence is at most ${STOP_SEQUENCE_MAX} characters.`),
      { error: "Stop sequences are a list of text." },
    )
    .max(MAX_STOP_SEQUENCES, `Use at most ${MAX_STOP_SEQUENCES} stop sequences.`)
    .default(() => [...DEFAULT_PRESET_PARAMS.stop]),
  // z.number().int() also keeps the seed within JavaScript's safe integers, as the gateway does.
  seed: z.number({ error: seedMessage }).int(seedMessage).nullable().default(DEFAULT_PRESET_PARAMS.seed),
  presence_penalty: numberFrom(-2, 2, "Presence penalty").default(DEFAULT_PRESET_PARAMS.presence_penalty),
  frequency_penalty: numberFrom(-2, 2, "Frequency penalty").default(DEFAULT_PRESET_PARAMS.frequency_penalty),
}) satisfies z.ZodType<PresetParams, unknown>;
export type PresetParamsInput = z.input<typeof presetParamsSchema>;

export const presetNameSchema = z
  .string({ error: "Enter a name for the preset." })
  .trim()
  .min(1, "Enter a name for the preset.")
  .max(PRESET_NAME_MAX, `Use at most ${PRESET_NAME_MAX} characters.`);

export const presetInput = z.object({
  /** Saving under a name the team already uses replaces that preset. */
  name: presetNameSchema,
  modelId: z
    .string({ error: "Choose a model." })
    .trim()
    .min(1, "Choose a model.")
    .max(256, "Model ids are at most 256 characters."),
  systemPrompt: z
    .string({ error: "The system prompt is text." })
    .max(SYSTEM_PROMPT_MAX, `Keep the system prompt within ${SYSTEM_PROMPT_MAX.toLocaleString("en")} characters.`)
    .default(""),
  params: presetParamsSchema,
});
export type PresetInput = z.input<typeof presetInput>;
export type PresetValues = z.output<typeof presetInput>;

export const presetIdInput = z.object({ presetId: z.string().min(1).max(64) });
export type PresetIdInput = z.input<typeof presetIdInput>;

/** The request id the playground's chat endpoint returned in its `x-request-id` header. */
export const runUsageInput = z.object({ requestId: z.string().min(1).max(64) });
export type RunUsageInput = z.input<typeof runUsageInput>;

/** Labels for the Activity page, in the same voice as its other entries ("created API key"). */
export const PLAYGROUND_AUDIT_LABELS: Record<string, string> = {
  "playground.preset_saved": "saved playground preset",
  "playground.preset_deleted": "deleted playground preset",
};
