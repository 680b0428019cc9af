import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalEngine } from "../services/inference/local/engine";
import { countTokens } from "../services/inference/local/tokenizer";
import type { Engine } from "../services/inference/types";
import { startEngineServer, type EngineServer } from "./server";

let server: EngineServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startEngineServer({ port: 0, models: ["local-chat", "local-embed"] });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "x", maxRetries: 0 });
});
afterAll(() => server.close());

const messages = [{ role: "user" as const, content: "Tell me about GPUs" }];

describe("engine server with the official openai client", () => {
  it("lists and retrieves models", async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toEqual(["local-chat", "local-embed"]);
    expect(await client.models.retrieve("anything")).toMatchObject({ id: "anything", object: "model" });
  });

  it("answers a chat completion with usage", async () => {
    const completion = await client.chat.completions.create({ model: "any-model", messages, max_tokens: 25, seed: 3 });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("any-model");
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("length");
    expect(choice.message.role).toBe("assistant");
    expect(countTokens(choice.message.content!)).toBe(25);
    expect(completion.usage).toMatchObject({ completion_tokens: 25 });
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + 25);
  });

  it("streams a chat completion with include_usage, matching the non-streamed answer", async () => {
    const stream = await client.chat.completions.create({
      model: "local-chat",
      messages,
      seed: 8,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(10);
    expect(finish).toBe("stop");
    expect(usage?.completion_tokens).toBe(countTokens(text));
    const whole = await client.chat.completions.create({ model: "local-chat", messages, seed: 8 });
    expect(whole.choices[0]!.message.content).toBe(text);
  });

  it("sends no usage chunk unless asked to", async () => {
    const stream = await client.chat.completions.create({ model: "m", messages, max_tokens: 5, stream: true });
    for await (const chunk of stream) {
      expect(chunk.usage ?? null).toBeNull();
      expect(chunk.choices).toHaveLength(1);
    }
  });

  it("answers text completions, streamed or not, honouring stop", async () => {
    const completion = await client.completions.create({ model: "m", prompt: "The kitchen", max_tokens: 12, seed: 1 });
    expect(completion.object).toBe("text_completion");
    expect(completion.usage).toMatchObject({ prompt_tokens: countTokens("The kitchen"), completion_tokens: 12 });
    const text = completion.choices[0]!.text;
    const stop = text.slice(5, 8);
    const stopped = await client.completions.create({ model: "m", prompt: "The kitchen", max_tokens: 12, seed: 1, stop });
    expect(stopped.choices[0]!.text).toBe(text.slice(0, text.indexOf(stop)));
    expect(stopped.choices[0]!.finish_reason).toBe("stop");

    const stream = await client.completions.create({ model: "m", prompt: "The kitchen", max_tokens: 12, seed: 1, stream: true });
    let streamed = "";
    for await (const chunk of stream) streamed += chunk.choices[0]?.text ?? "";
    expect(streamed).toBe(text);
  });

  it("creates embeddings as floats, as base64 (the client's default) and with dimensions", async () => {
    const input = ["GPUs multiply matrices", "Bread needs time"];
    const base64 = await client.embeddings.create({ model: "local-embed", input });
    const floats = await client.embeddings.create({ model: "local-embed", input, encoding_format: "float" });
    expect(floats.object).toBe("list");
    expect(floats.data.map((item) => item.index)).toEqual([0, 1]);
    expect(floats.data[0]!.embedding).toHaveLength(768);
    expect(floats.usage).toEqual({ prompt_tokens: countTokens(input[0]!) + countTokens(input[1]!), total_tokens: floats.usage.prompt_tokens });
    const decoded = Array.from(base64.data[1]!.embedding);
    floats.data[1]!.embedding.forEach((value, i) => expect(decoded[i]).toBeCloseTo(value, 6));
    const small = await client.embeddings.create({ model: "local-embed", input: "x", dimensions: 64, encoding_format: "float" });
    expect(small.data[0]!.embedding).toHaveLength(64);
  });

  it("rejects bad parameters with 400 and OpenAI's error shape", async () => {
    const error = await client.chat.completions.create({ model: "m", messages, temperature: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("temperature");
    await expect(client.chat.completions.create({ model: "m", messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client.embeddings.create({ model: "e", input: "x", dimensions: 4096 })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client.chat.completions.create({ model: "m", messages, n: 2 })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("engine server over plain HTTP", () => {
  it("answers bad JSON with 400, unknown routes with 404, wrong methods with 405, and /health", async () => {
    const badJson = await fetch(`${server.url}/v1/chat/completions`, { method: "POST", body: "{nope" });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ error: { message: expect.any(String), type: "invalid_request_error", param: null, code: "invalid_json" } });
    const missing = await fetch(`${server.url}/v1/images/generations`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("unknown_url");
    expect((await fetch(`${server.url}/v1/chat/completions`)).status).toBe(405);
    const health = await fetch(`${server.url}/health`);
    expect(await health.json()).toEqual({ status: "ok" });
  });

  it("requires the API key when one is configured", async () => {
    const locked = await startEngineServer({ port: 0, apiKey: "sk-engine" });
    try {
      const wrong = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: "sk-wrong", maxRetries: 0 });
      await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      const right = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: "sk-engine", maxRetries: 0 });
      expect((await right.models.list()).data.length).toBeGreaterThan(0);
      expect((await fetch(`${locked.url}/health`)).status).toBe(200);
    } finally {
      await locked.close();
    }
  });

  it("aborts the generation when the client goes away mid-stream", async () => {
    const local = createLocalEngine({ tokensPerSecond: 100 });
    let aborted = false;
    const spy: Engine = {
      ...local,
      chat(request, options) {
        options.signal.addEventListener("abort", () => (aborted = true));
        return local.chat(request, options);
      },
    };
    const paced = await startEngineServer({ port: 0, engine: spy });
    try {
      const streaming = new OpenAI({ baseURL: `${paced.url}/v1`, apiKey: "x", maxRetries: 0 });
      const stream = await streaming.chat.completions.create({ model: "m", messages, stream: true, max_tokens: 1000, extra_body: { ignore_eos: true } } as OpenAI.ChatCompletionCreateParamsStreaming);
      let seen = 0;
      for await (const _chunk of stream) if (++seen === 3) break; // breaking aborts the HTTP request
      await expect.poll(() => aborted, { timeout: 2000 }).toBe(true);
    } finally {
      await paced.close();
    }
  });

  it("cuts in-flight streams when closed", async () => {
    const slow = await startEngineServer({ port: 0, tokensPerSecond: 10 });
    const response = await fetch(`${slow.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages, stream: true, max_tokens: 500 }),
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const started = performance.now();
    await slow.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(response.text()).rejects.toThrow();
  });
});
