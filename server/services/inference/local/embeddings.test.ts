import { describe, expect, it } from "vitest";
import { EngineError } from "../types";
import { cosineSimilarity } from "./embeddings";
import { createLocalEngine } from "./engine";
import { countTokens } from "./tokenizer";

const signal = new AbortController().signal;
const engine = createLocalEngine({ embeddingDimensions: 768 });
const norm = (vector: number[]) => Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));

describe("local engine: embeddings", () => {
  it("returns one L2-normalised vector per input, of the configured dimension, and counts tokens", async () => {
    const input = ["The GPU streams its weights from memory.", "Knead the dough, then let it rise.", "!"];
    const { vectors, promptTokens } = await engine.embed({ model: "e", input }, { signal });
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toHaveLength(768);
      expect(norm(vector)).toBeCloseTo(1, 10);
    }
    expect(promptTokens).toBe(input.reduce((sum, text) => sum + countTokens(text), 0));
  });

  it("is deterministic", async () => {
    const a = await engine.embed({ model: "e", input: ["same text"] }, { signal });
    const b = await createLocalEngine().embed({ model: "e", input: ["same text"] }, { signal });
    expect(b.vectors[0]).toEqual(a.vectors[0]);
  });

  it("honours dimensions up to the configured maximum", async () => {
    const { vectors } = await engine.embed({ model: "e", input: ["short"], dimensions: 256 }, { signal });
    expect(vectors[0]).toHaveLength(256);
    expect(norm(vectors[0]!)).toBeCloseTo(1, 10);
    await expect(engine.embed({ model: "e", input: ["x"], dimensions: 769 }, { signal })).rejects.toBeInstanceOf(EngineError);
    await expect(engine.embed({ model: "e", input: ["x"], dimensions: 0 }, { signal })).rejects.toMatchObject({ status: 400 });
  });

  it("places similar texts closer than unrelated ones", async () => {
    const [query, similar, unrelated] = (
      await engine.embed(
        {
          model: "e",
          input: [
            "GPUs run matrix multiplication kernels very quickly.",
            "A GPU runs matrix multiplications in fast kernels.",
            "We baked sourdough bread with rye flour this morning.",
          ],
        },
        { signal },
      )
    ).vectors as [number[], number[], number[]];
    expect(cosineSimilarity(query, similar)).toBeGreaterThan(cosineSimilarity(query, unrelated) + 0.2);
  });

  it("gives empty text a unit vector too", async () => {
    const { vectors, promptTokens } = await engine.embed({ model: "e", input: [""] }, { signal });
    expect(norm(vectors[0]!)).toBeCloseTo(1, 10);
    expect(promptTokens).toBe(0);
  });
});
