import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../types";
import { createLocalEngine } from "./engine";
import { CONTEXT_LIMIT } from "./generate";
import { getModel } from "./model";
import { collectChat, collectCompletion } from "./testing";
import { countChatTokens, countTokens } from "./tokenizer";

const engine = createLocalEngine();
const ask = (content: string): ChatMessage[] => [
  { role: "system", content: "You are a helpful assistant." },
  { role: "user", content },
];

describe("local engine: the model", () => {
  it("is trained once per process, quickly, from the bundled corpus", () => {
    const model = getModel();
    expect(getModel()).toBe(model);
    expect(model.trainMs).toBeLessThan(300);
    expect(model.vocab.length).toBeGreaterThan(1000);
  });

  it("opens a chat answer with the topic of the last user message", async () => {
    const { text } = await collectChat(engine, { messages: ask("Tell me something about bread"), seed: 1 });
    expect(text.startsWith("Bread")).toBe(true);
  });
});

describe("local engine: sampling", () => {
  it("gives the same answer for the same seed and request", async () => {
    for (const params of [{}, { temperature: 0.7, top_p: 0.9 }, { presence_penalty: 0.5, frequency_penalty: 0.3 }]) {
      const a = await collectChat(engine, { messages: ask("How do GPUs use memory?"), seed: 42, ...params });
      const b = await collectChat(engine, { messages: ask("How do GPUs use memory?"), seed: 42, ...params });
      expect(b.text).toBe(a.text);
      expect(a.text.length).toBeGreaterThan(0);
    }
    const c = await collectCompletion(engine, { prompt: "The kitchen", seed: 9 });
    const d = await collectCompletion(engine, { prompt: "The kitchen", seed: 9 });
    expect(d.text).toBe(c.text);
  });

  it("is deterministic at temperature 0 without a seed", async () => {
    const a = await collectChat(engine, { messages: ask("What is a star?"), temperature: 0 });
    const b = await collectChat(engine, { messages: ask("What is a star?"), temperature: 0 });
    expect(b.text).toBe(a.text);
  });

  it("gives different answers for different seeds", async () => {
    const texts = new Set<string>();
    for (let seed = 1; seed <= 6; seed++) texts.add((await collectChat(engine, { messages: ask("Plan a trip"), seed })).text);
    expect(texts.size).toBeGreaterThanOrEqual(5);
  });

  it("treats top_p 0 as picking the most likely word, like temperature 0", async () => {
    const greedy = await collectChat(engine, { messages: ask("Explain clouds"), temperature: 0, seed: 7 });
    const nucleus = await collectChat(engine, { messages: ask("Explain clouds"), top_p: 0, seed: 7 });
    expect(nucleus.text).toBe(greedy.text);
  });

  it("repeats itself less with a frequency penalty", async () => {
    const distinctRatio = (text: string) => {
      const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
      return new Set(words).size / words.length;
    };
    const plain = await collectChat(engine, { messages: ask("What is a star?"), temperature: 0, max_tokens: 150, extra: { ignore_eos: true } });
    const penalised = await collectChat(engine, {
      messages: ask("What is a star?"),
      temperature: 0,
      frequency_penalty: 2,
      presence_penalty: 1,
      max_tokens: 150,
      extra: { ignore_eos: true },
    });
    expect(distinctRatio(penalised.text)).toBeGreaterThan(distinctRatio(plain.text));
  });
});

describe("local engine: length and usage", () => {
  it("stops at max_tokens with finish_reason length and exactly that many tokens", async () => {
    for (let maxTokens = 1; maxTokens <= 40; maxTokens += 3) {
      for (const seed of [1, 2, 3]) {
        const { text, finishReason, usage } = await collectChat(engine, { messages: ask("Describe a market"), max_tokens: maxTokens, seed });
        expect(finishReason).toBe("length");
        expect(usage?.completion_tokens).toBe(maxTokens);
        expect(countTokens(text)).toBe(maxTokens);
      }
    }
  });

  it("reports usage that matches the BPE count of what it produced", async () => {
    const messages = ask("Tell me about the history of computing, then cooking.");
    for (let seed = 0; seed < 40; seed++) {
      const params = seed % 2 === 0 ? { seed } : { seed, temperature: 1.3, top_p: 0.95 };
      const chat = await collectChat(engine, { messages, ...params });
      expect(chat.usage).toEqual({
        prompt_tokens: countChatTokens(messages),
        completion_tokens: countTokens(chat.text),
        total_tokens: countChatTokens(messages) + countTokens(chat.text),
      });
      const completion = await collectCompletion(engine, { prompt: "Once the pan is hot,", ...params });
      expect(completion.usage?.prompt_tokens).toBe(countTokens("Once the pan is hot,"));
      expect(completion.usage?.completion_tokens).toBe(countTokens(completion.text));
    }
  });

  it("ends naturally at the end of a sentence after a reasonable length", async () => {
    for (let seed = 0; seed < 10; seed++) {
      const { text, finishReason, usage } = await collectChat(engine, { messages: ask("Talk about travel"), seed });
      expect(finishReason).toBe("stop");
      expect(usage!.completion_tokens).toBeGreaterThanOrEqual(60);
      expect(usage!.completion_tokens).toBeLessThanOrEqual(400);
      expect(text).toMatch(/[.!?]$/);
    }
  });

  it("honours ignore_eos and min_tokens from extra", async () => {
    const long = await collectChat(engine, { messages: ask("Talk"), seed: 3, max_tokens: 500, extra: { ignore_eos: true } });
    expect(long.finishReason).toBe("length");
    expect(long.usage?.completion_tokens).toBe(500);
    const atLeast = await collectChat(engine, { messages: ask("Talk"), seed: 3, extra: { min_tokens: 250 } });
    expect(atLeast.usage!.completion_tokens).toBeGreaterThanOrEqual(250);
  });

  it("never answers beyond its context length", async () => {
    const huge = await collectChat(engine, { messages: ask("Talk"), seed: 3, max_tokens: 100_000, extra: { ignore_eos: true } });
    expect(huge.finishReason).toBe("length");
    expect(huge.usage?.completion_tokens).toBe(CONTEXT_LIMIT);
  });
});

describe("local engine: stop sequences", () => {
  it("truncates before a stop sequence that spans chunk boundaries, and never sends part of it", async () => {
    const request = { messages: ask("Tell me about reliability"), seed: 11 };
    const full = await collectChat(engine, request);
    expect(full.deltas.length).toBeGreaterThan(10);
    // The end of the 6th chunk plus the start of the 7th: found only by looking across chunks.
    const cut = full.deltas.slice(0, 6).join("").length;
    const stop = full.text.slice(cut - 2, cut + 3);
    const expected = full.text.slice(0, full.text.indexOf(stop));

    const stopped = await collectChat(engine, { ...request, stop: ["never-there", stop] });
    expect(stopped.text).toBe(expected);
    expect(stopped.finishReason).toBe("stop");
    expect(stopped.usage?.completion_tokens).toBe(countTokens(expected));
    for (const delta of stopped.deltas) expect(expected.includes(delta)).toBe(true);
  });

  it("returns an empty answer when the stop sequence begins it", async () => {
    const request = { prompt: "Salt is", seed: 5 };
    const full = await collectCompletion(engine, request);
    const stopped = await collectCompletion(engine, { ...request, stop: [full.text.slice(0, 4)] });
    expect(stopped.text).toBe("");
    expect(stopped.finishReason).toBe("stop");
    expect(stopped.usage?.completion_tokens).toBe(0);
  });

  it("flushes held-back text when the answer ends without a match", async () => {
    const request = { messages: ask("Tell me about rice"), seed: 4, max_tokens: 30 };
    const full = await collectChat(engine, request);
    const stopped = await collectChat(engine, { ...request, stop: [full.text.slice(-2) + "\u0000"] });
    expect(stopped.text).toBe(full.text);
    expect(stopped.finishReason).toBe("length");
  });
});

describe("local engine: chunks", () => {
  it("streams chat chunks like OpenAI: role first, deltas, finish, then usage alone", async () => {
    const { chunks, usage } = await collectChat(engine, { model: "my-model", messages: ask("Hello"), max_tokens: 12, seed: 1 });
    const first = chunks[0]!;
    expect(first.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(first.id).toMatch(/^chatcmpl-[A-Za-z0-9]+$/);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: first.id, object: "chat.completion.chunk", model: "my-model" });
      expect(Math.abs(chunk.created - Date.now() / 1000)).toBeLessThan(5);
    }
    const finish = chunks.at(-2)!;
    expect(finish.choices).toEqual([{ index: 0, delta: {}, finish_reason: "length", logprobs: null }]);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(usage);
    for (const chunk of chunks.slice(1, -2)) expect(countTokens(chunk.choices[0]!.delta.content!)).toBeLessThanOrEqual(8);
  });

  it("streams text_completion chunks that continue the prompt", async () => {
    const { chunks, text } = await collectCompletion(engine, { model: "m", prompt: "The GPU", max_tokens: 10, seed: 2 });
    expect(chunks[0]!.id).toMatch(/^cmpl-/);
    expect(chunks.every((chunk) => chunk.object === "text_completion" && chunk.model === "m")).toBe(true);
    // A continuation: a spaced word or punctuation attached to the prompt's last word.
    expect(text).toMatch(/^[ .,;:!?\n]/);
    expect(chunks.at(-2)!.choices[0]).toEqual({ index: 0, text: "", finish_reason: "length", logprobs: null });
    expect(chunks.at(-1)!.choices).toEqual([]);
  });
});

describe("local engine: pacing and abort", () => {
  it("paces tokens at the configured rate", async () => {
    const paced = createLocalEngine({ tokensPerSecond: 50 });
    const started = performance.now();
    const arrivals: number[] = [];
    for await (const chunk of paced.chat({ model: "m", messages: ask("Go"), max_tokens: 20, seed: 1 }, { signal: new AbortController().signal })) {
      if (chunk.choices[0]?.delta.content) arrivals.push(performance.now() - started);
    }
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(arrivals[0]).toBeLessThan(200);
  });

  it("stops at once on abort and leaves no timer behind", async () => {
    const paced = createLocalEngine({ tokensPerSecond: 5 });
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    const baseline = timers();
    const controller = new AbortController();
    const iterator = paced.chat({ model: "m", messages: ask("Go"), seed: 1 }, { signal: controller.signal })[Symbol.asyncIterator]();
    await iterator.next(); // role chunk
    const pending = iterator.next(); // waits ~200 ms for its token
    await new Promise((resolve) => setTimeout(resolve, 20));
    const abortedAt = performance.now();
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    expect(performance.now() - abortedAt).toBeLessThan(50);
    expect(timers()).toBe(baseline);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it("refuses to start with an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collectChat(engine, { messages: ask("Hi") }, controller.signal)).rejects.toThrow(/abort/i);
  });
});
