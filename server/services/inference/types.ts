/**
 * The contract between the gateway and the engines that serve models. Requests and chunks use
 * OpenAI's wire format (the subset the gateway understands; unknown fields pass through to
 * upstreams untouched), so an openai-compatible upstream's stream can be relayed as it arrives.
 */

export interface ChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content: string | null | Array<{ type: string; text?: string; [key: string]: unknown }>;
  name?: string;
  tool_calls?: unknown[];
  tool_call_id?: string;
}

export interface SamplingParams {
  /** The model name the engine knows (the upstream's name, not necessarily the public id). */
  model: string;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  /** Anything else (tools, response_format, …) is forwarded to upstreams that support it. */
  extra?: Record<string, unknown>;
}

export interface ChatRequest extends SamplingParams {
  messages: ChatMessage[];
}

export interface CompletionRequest extends SamplingParams {
  prompt: string;
}

export interface EmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One streamed chat chunk, as OpenAI's `chat.completion.chunk`. */
export interface ChatChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: "assistant"; content?: string | null; tool_calls?: unknown[]; [key: string]: unknown };
    finish_reason: FinishReason | null;
    logprobs?: null;
  }>;
  usage?: TokenUsage | null;
  system_fingerprint?: string;
}

/** One streamed text-completion chunk, as OpenAI's `text_completion`. */
export interface CompletionChunk {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: Array<{ index: number; text: string; finish_reason: FinishReason | null; logprobs: null }>;
  usage?: TokenUsage | null;
}

export interface EmbeddingResult {
  vectors: number[][];
  promptTokens: number;
}

export interface EngineCallOptions {
  /** Aborted when the client goes away or a timeout fires; the engine must stop work promptly. */
  signal: AbortSignal;
  /**
   * False when the caller only wants the whole answer: an engine may then produce it in one piece
   * (one chunk with all the content, then usage) instead of streaming it.
   */
  stream?: boolean;
}

/**
 * An engine streams chunks; the gateway assembles non-streamed answers from them. The last chunk
 * should carry `usage` when the engine knows it; otherwise the gateway counts tokens itself.
 */
export interface Engine {
  chat(request: ChatRequest, options: EngineCallOptions): AsyncIterable<ChatChunk>;
  complete(request: CompletionRequest, options: EngineCallOptions): AsyncIterable<CompletionChunk>;
  embed(request: EmbeddingRequest, options: EngineCallOptions): Promise<EmbeddingResult>;
}

/**
 * Failure of an upstream before anything was streamed. `retryable` errors (connection refused,
 * 5xx) let the gateway fail over to the model's next backend.
 */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
    readonly upstreamBody?: unknown,
  ) {
    super(message);
    this.name = "EngineError";
  }
}
