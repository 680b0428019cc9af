import { describe, expect, it } from "vitest";
import { mulberry32 } from "./rng";
import { StopMatcher } from "./stop";
import { countChatTokens, countTokens, messageText } from "./tokenizer";

describe("token counting", () => {
  it("counts o200k_base BPE tokens", () => {
    expect(countTokens("")).toBe(0);
    expect(countTokens("hello world")).toBe(2);
    expect(countTokens("The quick brown fox jumps over the lazy dog.")).toBe(10);
  });

  it("counts special-token markers in user text as plain text instead of throwing", () => {
    expect(countTokens("a <|endoftext|> b")).toBeGreaterThan(3);
  });

  it("adds OpenAI's per-message overhead for chats", () => {
    const messages = [
      { role: "system" as const, content: "Be brief." },
      { role: "user" as const, content: "hello world", name: "ann" },
    ];
    const expected = 3 + (3 + 1 + countTokens("Be brief.")) + (3 + 1 + 2 + 1 + countTokens("ann"));
    expect(countChatTokens(messages)).toBe(expected);
  });

  it("reads the text of content parts", () => {
    expect(messageText([{ type: "text", text: "a" }, { type: "image_url" }, { type: "text", text: "b" }])).toBe("ab");
    expect(messageText(null)).toBe("");
  });
});

describe("stop matcher", () => {
  it("holds back a possible prefix and releases it when it turns out not to be one", () => {
    const matcher = new StopMatcher(["END"]);
    expect(matcher.push("the E")).toBe("the ");
    expect(matcher.push("x")).toBe("Ex");
    expect(matcher.push(" E")).toBe(" ");
    expect(matcher.push("N")).toBe("");
    expect(matcher.push("D and more")).toBe("");
    expect(matcher.stopped).toBe(true);
  });

  it("stops at the sequence that is complete first, as a token-by-token generator would", () => {
    expect(new StopMatcher(["cd", "b"]).push("abcd")).toBe("a");
    expect(new StopMatcher(["abcd", "c"]).push("xabcd")).toBe("xab");
    expect(new StopMatcher(["abc", "bc"]).push("xabcd")).toBe("x");
  });

  it("ignores empty stop sequences and flushes what it held", () => {
    const matcher = new StopMatcher(["", "xyz"]);
    expect(matcher.active).toBe(true);
    expect(matcher.push("abx")).toBe("ab");
    expect(matcher.flush()).toBe("x");
    expect(new StopMatcher([""]).active).toBe(false);
  });

  it("agrees with a whole-text search however the text is cut into chunks", () => {
    const rng = mulberry32(1);
    const letters = "aab ";
    const pick = (length: number) => Array.from({ length }, () => letters[Math.floor(rng() * letters.length)]).join("");
    for (let round = 0; round < 2000; round++) {
      const text = pick(1 + Math.floor(rng() * 30));
      const stops = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(1 + Math.floor(rng() * 4)));
      const matcher = new StopMatcher(stops);
      let sent = "";
      for (let at = 0; at < text.length && !matcher.stopped; ) {
        const size = 1 + Math.floor(rng() * 4);
        sent += matcher.push(text.slice(at, at + size));
        at += size;
      }
      if (!matcher.stopped) sent += matcher.flush();
      // Reference: the occurrence that ends first (then the longest) cuts the text at its start.
      const hits = stops
        .map((stop) => ({ start: text.indexOf(stop), end: text.indexOf(stop) + stop.length }))
        .filter((hit) => hit.start >= 0)
        .sort((x, y) => x.end - y.end || x.start - y.start);
      expect(sent).toBe(hits.length > 0 ? text.slice(0, hits[0]!.start) : text);
    }
  });
});
