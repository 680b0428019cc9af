/**
 * Token counting with a real BPE tokenizer (o200k_base, the GPT-4o/GPT-5 family encoding), so that
 * usage and `max_tokens` mean what customers expect from OpenAI-compatible APIs.
 */
import { countTokens as bpeCount, decode, encode } from "gpt-tokenizer/encoding/o200k_base";
import type { ChatMessage } from "../types";

/** Special-token markers in user text are ordinary text here: refusing them would be a footgun. */
const PLAIN = { disallowedSpecial: new Set<string>() };

export function countTokens(text: string): number {
  return text.length === 0 ? 0 : bpeCount(text, PLAIN);
}

export function encodeTokens(text: string): number[] {
  return encode(text, PLAIN);
}

export function decodeTokens(tokens: number[]): string {
  return decode(tokens);
}

/** The text of a message's content, whatever its shape (string, null, or content parts). */
export function messageText(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) if (typeof part.text === "string") text += part.text;
  return text;
}

// OpenAI's documented accounting for chat models: every message costs a fixed framing overhead,
// a name one more token, and the reply is primed with `<|start|>assistant<|message|>`.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING = 3;

export function countChatTokens(messages: readonly ChatMessage[]): number {
  let total = REPLY_PRIMING;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTokens(message.role) + countTokens(messageText(message.content));
    if (message.name) total += TOKENS_PER_NAME + countTokens(message.name);
    if (message.tool_calls?.length) total += countTokens(JSON.stringify(message.tool_calls));
    if (message.tool_call_id) total += countTokens(message.tool_call_id);
  }
  return total;
}
