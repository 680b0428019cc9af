import { z } from "zod";

/**
 * Request bodies of the OpenAI-compatible endpoints. Objects are strict: an unknown field is a 400
 * naming it, as OpenAI does, rather than being silently ignored.
 */

const stop = z.union([z.string().max(256), z.array(z.string().max(256)).max(4)]).nullish();

const sampling = {
  model: z.string().min(1, "model is required").max(256),
  max_tokens: z.number().int().min(1).max(1_000_000).nullish(),
  max_completion_tokens: z.number().int().min(1).max(1_000_000).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop,
  seed: z.number().int().min(-(2 ** 53)).max(2 ** 53).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  n: z.literal(1, "only n=1 is supported").nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).strict().nullish(),
  user: z.string().max(256).nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  service_tier: z.string().max(32).nullish(),
};

const contentPart = z
  .object({ type: z.string().max(64), text: z.string().optional() })
  .passthrough();

const message = z
  .object({
    role: z.enum(["system", "developer", "user", "assistant", "tool"]),
    content: z.union([z.string(), z.array(contentPart).max(256)]).nullish(),
    name: z.string().max(256).optional(),
    tool_calls: z.array(z.unknown()).max(128).optional(),
    tool_call_id: z.string().max(256).optional(),
    refusal: z.string().nullish(),
  })
  .strict();

export const chatCompletionBody = z
  .object({
    ...sampling,
    messages: z.array(message).min(1, "messages must contain at least one message").max(4096),
    tools: z.array(z.unknown()).max(128).nullish(),
    tool_choice: z.unknown().optional(),
    parallel_tool_calls: z.boolean().nullish(),
    response_format: z.object({ type: z.string().max(32) }).passthrough().nullish(),
    reasoning_effort: z.string().max(32).nullish(),
    modalities: z.array(z.string().max(32)).nullish(),
    prediction: z.unknown().optional(),
  })
  .strict();
export type ChatCompletionBody = z.infer<typeof chatCompletionBody>;

export const completionBody = z
  .object({
    ...sampling,
    prompt: z.union([z.string(), z.array(z.string()).length(1, "only one prompt per request is supported")]),
    echo: z.boolean().nullish(),
    suffix: z.string().nullish(),
    best_of: z.literal(1).nullish(),
  })
  .strict();
export type CompletionBody = z.infer<typeof completionBody>;

export const embeddingBody = z
  .object({
    model: z.string().min(1, "model is required").max(256),
    input: z.union([
      z.string().min(1, "input must not be empty"),
      z.array(z.string().min(1, "input must not contain empty strings")).min(1).max(2048),
    ]),
    dimensions: z.number().int().min(1).max(8192).optional(),
    encoding_format: z.enum(["float", "base64"]).optional(),
    user: z.string().max(256).optional(),
  })
  .strict();
export type EmbeddingBody = z.infer<typeof embeddingBody>;

/** The first problem of a failed parse, as an OpenAI-style message and `param`. */
export function describeIssue(error: z.ZodError): { message: string; param: string | null } {
  const issue = error.issues[0];
  if (!issue) return { message: "Invalid request body.", param: null };
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const param = [...issue.path, key].join(".");
    return { message: `Unrecognized request argument supplied: ${param}`, param };
  }
  const param = issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("") || null;
  return { message: param ? `Invalid '${param}': ${issue.message}` : issue.message, param };
}
