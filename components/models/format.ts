import type { ModelEndpoint } from "@/server/db/schema/models";

export const ENDPOINT_LABELS: Record<ModelEndpoint, string> = {
  chat: "Chat",
  completions: "Completions",
  embeddings: "Embeddings",
};

/** The path of each endpoint under the API's base URL. */
export const ENDPOINT_PATHS: Record<ModelEndpoint, string> = {
  chat: "/chat/completions",
  completions: "/completions",
  embeddings: "/embeddings",
};

/** 131072 → "128K", 8192 → "8K", 200000 → "200K", 1048576 → "1M", 1500 → "1,500". */
export function formatTokenCount(tokens: number): string {
  if (tokens >= 1_048_576 && tokens % 1_048_576 === 0) return `${tokens / 1_048_576}M`;
  if (tokens >= 1_000_000 && tokens % 1_000_000 === 0) return `${tokens / 1_000_000}M`;
  if (tokens >= 1024 && tokens % 1024 === 0) return `${tokens / 1024}K`;
  if (tokens >= 1000 && tokens % 1000 === 0) return `${tokens / 1000}K`;
  return tokens.toLocaleString("en");
}

/** 8 → "8B", 46.7 → "46.7B", 0.137 → "137M", null → "—". */
export function formatParameters(billions: number | null): string {
  if (billions === null) return "—";
  if (billions < 1) return `${Math.round(billions * 1000)}M`;
  return `${Number(billions.toFixed(1))}B`;
}

export function formatInteger(n: number): string {
  return n.toLocaleString("en");
}
