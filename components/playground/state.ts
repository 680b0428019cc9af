import { z } from "zod";
import {
  DEFAULT_PRESET_PARAMS,
  MAX_STOP_SEQUENCES,
  presetParamsSchema,
  type PresetParams,
} from "@/server/services/playground/schemas";

/** The playground's editable state, kept in the browser so that it survives a reload. */

export type TurnRole = "user" | "assistant";

export interface Turn {
  id: string;
  role: TurnRole;
  content: string;
}

/** Parameters as typed, so that a half-typed number is not lost; parsed when a run starts. */
export interface ParamDraft {
  temperature: string;
  top_p: string;
  max_tokens: string;
  stop: string[];
  seed: string;
  presence_penalty: string;
  frequency_penalty: string;
}

export interface PaneConfig {
  id: string;
  modelId: string;
  params: ParamDraft;
}

export interface PlaygroundState {
  system: string;
  turns: Turn[];
  panes: PaneConfig[];
}

export const MAX_PANES = 3;

export function newId(): string {
  return Math.random().toString(36).slice(2, 10);
}

export function draftFrom(params: PresetParams): ParamDraft {
  return {
    temperature: String(params.temperature),
    top_p: String(params.top_p),
    max_tokens: params.max_tokens === null ? "" : String(params.max_tokens),
    stop: [...params.stop],
    seed: params.seed === null ? "" : String(params.seed),
    presence_penalty: String(params.presence_penalty),
    frequency_penalty: String(params.frequency_penalty),
  };
}

export function initialState(modelId: string): PlaygroundState {
  return {
    system: "",
    turns: [{ id: newId(), role: "user", content: "" }],
    panes: [{ id: newId(), modelId, params: draftFrom(DEFAULT_PRESET_PARAMS) }],
  };
}

export type ParamErrors = Partial<Record<keyof ParamDraft, string>>;

const number = (text: string) => (text.trim() === "" ? NaN : Number(text));

/**
 * The draft as request parameters, or the message for each field that is out of range. Max tokens
 * is also checked against the model's own maximum output.
 */
export function parseParams(
  draft: ParamDraft,
  maxOutputTokens: number,
): { ok: true; params: PresetParams } | { ok: false; errors: ParamErrors } {
  const candidate = {
    temperature: number(draft.temperature),
    top_p: number(draft.top_p),
    max_tokens: draft.max_tokens.trim() === "" ? null : number(draft.max_tokens),
    stop: draft.stop,
    seed: draft.seed.trim() === "" ? null : number(draft.seed),
    presence_penalty: number(draft.presence_penalty),
    frequency_penalty: number(draft.frequency_penalty),
  };
  const errors: ParamErrors = {};
  const parsed = presetParamsSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof ParamDraft;
      errors[field] ??= issue.message;
    }
  }
  if (candidate.max_tokens !== null && Number.isInteger(candidate.max_tokens) && candidate.max_tokens > maxOutputTokens) {
    errors.max_tokens = `This model produces at most ${maxOutputTokens.toLocaleString("en")} tokens.`;
  }
  if (draft.stop.length > MAX_STOP_SEQUENCES) errors.stop = `Use at most ${MAX_STOP_SEQUENCES} stop sequences.`;
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, params: parsed.data };
}

/** Only what differs from the API's defaults goes into a request, as a person would write it. */
export function requestParams(params: PresetParams): Record<string, number | string[] | undefined> {
  return {
    temperature: params.temperature === 1 ? undefined : params.temperature,
    top_p: params.top_p === 1 ? undefined : params.top_p,
    max_tokens: params.max_tokens ?? undefined,
    stop: params.stop.length > 0 ? params.stop : undefined,
    seed: params.seed ?? undefined,
    presence_penalty: params.presence_penalty === 0 ? undefined : params.presence_penalty,
    frequency_penalty: params.frequency_penalty === 0 ? undefined : params.frequency_penalty,
  };
}

export type ChatMessage = { role: "system" | TurnRole; content: string };

/** The messages a run sends, or why it cannot run yet. */
export function conversationMessages(state: PlaygroundState): { ok: true; messages: ChatMessage[] } | { ok: false; error: string } {
  const empty = state.turns.findIndex((turn) => turn.content.trim() === "");
  if (state.turns.length === 0) return { ok: false, error: "Add a message to run." };
  if (empty >= 0) return { ok: false, error: `Message ${empty + 1} is empty: write it or delete it.` };
  if (!state.turns.some((turn) => turn.role === "user")) return { ok: false, error: "Add a user message to run." };
  const messages: ChatMessage[] = state.system.trim() ? [{ role: "system", content: state.system }] : [];
  return { ok: true, messages: [...messages, ...state.turns.map(({ role, content }) => ({ role, content }))] };
}

const storedState = z.object({
  system: z.string().max(100_000),
  turns: z.array(z.object({ id: z.string(), role: z.enum(["user", "assistant"]), content: z.string() })).max(500),
  panes: z
    .array(
      z.object({
        id: z.string(),
        modelId: z.string(),
        params: z.object({
          temperature: z.string(),
          top_p: z.string(),
          max_tokens: z.string(),
          stop: z.array(z.string()),
          seed: z.string(),
          presence_penalty: z.string(),
          frequency_penalty: z.string(),
        }),
      }),
    )
    .min(1)
    .max(MAX_PANES),
});

export const storageKey = (teamId: string) => `compute-console:playground:${teamId}`;

/**
 * The state saved in this browser, if it is still readable: anything malformed (an older shape,
 * a hand edit) is dropped rather than breaking the page. Models no longer offered fall back.
 */
export function restoreState(raw: string | null, modelIds: readonly string[], fallbackModel: string): PlaygroundState | null {
  if (!raw) return null;
  try {
    const parsed = storedState.safeParse(JSON.parse(raw));
    if (!parsed.success) return null;
    return {
      ...parsed.data,
      panes: parsed.data.panes.map((pane) => (modelIds.includes(pane.modelId) ? pane : { ...pane, modelId: fallbackModel })),
    };
  } catch {
    return null;
  }
}

/** "\n" as typed in a stop-sequence field means a newline, as in an API request. */
export function unescapeStop(text: string): string {
  return text.replace(/\\(n|t|\\)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : "\\"));
}

export function escapeStop(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
}
