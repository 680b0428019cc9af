/**
 * One playground run: POSTs the request to the team's playground endpoint (the gateway, with the
 * session instead of an API key) and reads the server-sent events as they arrive.
 */

export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface RunError {
  status: number;
  message: string;
  code: string | null;
  type: string | null;
}

export interface RunResult {
  requestId: string | null;
  text: string;
  /** The model's finish reason, or "stopped" when the person pressed Stop. */
  finishReason: string | null;
  usage: RunUsage | null;
  error: RunError | null;
  startedAt: number;
  firstTokenAt: number | null;
  endedAt: number;
}

export interface RunCallbacks {
  onStart?(requestId: string | null): void;
  onDelta(text: string, at: number): void;
}

interface ErrorBody {
  error?: { message?: string; code?: string | null; type?: string | null };
}

function toRunError(status: number, body: ErrorBody | null): RunError {
  return {
    status,
    message: body?.error?.message ?? `The request failed with status ${status}.`,
    code: body?.error?.code ?? null,
    type: body?.error?.type ?? null,
  };
}

export async function runChat(
  teamId: string,
  body: Record<string, unknown>,
  signal: AbortSignal,
  callbacks: RunCallbacks,
): Promise<RunResult> {
  const startedAt = performance.now();
  const result: RunResult = { requestId: null, text: "", finishReason: null, usage: null, error: null, startedAt, firstTokenAt: null, endedAt: startedAt };
  const finish = () => ({ ...result, endedAt: performance.now() });
  let response: Response;
  try {
    response = await fetch(`/api/teams/${encodeURIComponent(teamId)}/playground/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
      signal,
    });
  } catch (error) {
    if (signal.aborted) return { ...finish(), finishReason: "stopped" };
    return { ...finish(), error: { status: 0, message: `Could not reach the server: ${(error as Error).message}`, code: null, type: null } };
  }
  result.requestId = response.headers.get("x-request-id");
  callbacks.onStart?.(result.requestId);
  if (!response.ok || !response.body) {
    const parsed = (await response.json().catch(() => null)) as ErrorBody | null;
    return { ...finish(), error: toRunError(response.status, parsed) };
  }

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      let boundary: number;
      while ((boundary = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const data = event
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trimStart())
          .join("\n");
        if (!data || data === "[DONE]") continue;
        const chunk = JSON.parse(data) as {
          choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
          usage?: { prompt_tokens: number; completion_tokens: number } | null;
        } & ErrorBody;
        if (chunk.error) {
          result.error = toRunError(502, chunk);
          continue;
        }
        const choice = chunk.choices?.[0];
        const content = choice?.delta?.content;
        if (content) {
          const at = performance.now();
          result.firstTokenAt ??= at;
          result.text += content;
          callbacks.onDelta(result.text, at);
        }
        if (choice?.finish_reason) result.finishReason = choice.finish_reason;
        if (chunk.usage) result.usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
      }
    }
  } catch (error) {
    if (!signal.aborted) {
      result.error = { status: 0, message: `The stream broke off: ${(error as Error).message}`, code: null, type: null };
    }
  }
  if (signal.aborted) result.finishReason = "stopped";
  return finish();
}
