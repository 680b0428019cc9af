/** Helpers for tests of the local engine and of code that calls it (the gateway's tests too). */
import type { ChatChunk, ChatRequest, CompletionChunk, CompletionRequest, Engine, FinishReason, TokenUsage } from "../types";

export interface Collected<T> {
  chunks: T[];
  text: string;
  deltas: string[];
  finishReason: FinishReason | null;
  usage: TokenUsage | null;
}

const never = new AbortController().signal;

export async function collectChat(engine: Engine, request: Partial<ChatRequest> & Pick<ChatRequest, "messages">, signal = never): Promise<Collected<ChatChunk>> {
  const result: Collected<ChatChunk> = { chunks: [], text: "", deltas: [], finishReason: null, usage: null };
  for await (const chunk of engine.chat({ model: "local-chat", ...request }, { signal })) {
    result.chunks.push(chunk);
    const choice = chunk.choices[0];
    if (choice?.delta.content) {
      result.deltas.push(choice.delta.content);
      result.text += choice.delta.content;
    }
    if (choice?.finish_reason) result.finishReason = choice.finish_reason;
    if (chunk.usage) result.usage = chunk.usage;
  }
  return result;
}

export async function collectCompletion(engine: Engine, request: Partial<CompletionRequest> & Pick<CompletionRequest, "prompt">, signal = never): Promise<Collected<CompletionChunk>> {
  const result: Collected<CompletionChunk> = { chunks: [], text: "", deltas: [], finishReason: null, usage: null };
  for await (const chunk of engine.complete({ model: "local-chat", ...request }, { signal })) {
    result.chunks.push(chunk);
    const choice = chunk.choices[0];
    if (choice?.text) {
      result.deltas.push(choice.text);
      result.text += choice.text;
    }
    if (choice?.finish_reason) result.finishReason = choice.finish_reason;
    if (chunk.usage) result.usage = chunk.usage;
  }
  return result;
}
