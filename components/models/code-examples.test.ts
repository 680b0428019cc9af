import { describe, expect, it } from "vitest";
import { apiBaseUrl } from "./api-base-url";
import { execFileSync } from "node:child_process";
import { chatRequestExamples, codeExamples, mainEndpoint } from "./code-examples";
import { formatParameters, formatTokenCount } from "./format";

const BASE = "https://console.example.com/api/v1";

describe("codeExamples", () => {
  it("shows chat for chat models in curl, Python and TypeScript, with the model id, base URL and key placeholder", () => {
    const examples = codeExamples({ id: "meta-llama/llama-3.1-8b-instruct", endpoints: ["chat", "completions"], maxOutputTokens: 8192 }, BASE);
    expect(examples.map((e) => e.label)).toEqual(["curl", "Python", "TypeScript"]);
    const [curl, python, typescript] = examples.map((e) => e.code);
    expect(curl).toContain(`curl ${BASE}/chat/completions`);
    expect(curl).toContain('"model": "meta-llama/llama-3.1-8b-instruct"');
    expect(curl).toContain('-H "Authorization: Bearer $COMPUTE_CONSOLE_API_KEY"');
    expect(curl).toContain('"max_tokens": 256');
    expect(python).toContain(`base_url="${BASE}"`);
    expect(python).toContain('api_key=os.environ["COMPUTE_CONSOLE_API_KEY"]');
    expect(python).toContain("client.chat.completions.create(");
    expect(typescript).toContain(`baseURL: "${BASE}"`);
    expect(typescript).toContain("apiKey: process.env.COMPUTE_CONSOLE_API_KEY");
    expect(typescript).toContain('model: "meta-llama/llama-3.1-8b-instruct"');
  });

  it("the curl body is valid JSON", () => {
    const [curl] = codeExamples({ id: "a/b", endpoints: ["chat"], maxOutputTokens: 100 }, BASE);
    const body = /-d '([\s\S]*)'$/.exec(curl!.code)?.[1];
    expect(JSON.parse(body!)).toEqual({
      model: "a/b",
      messages: [{ role: "user", content: expect.any(String) }],
      max_tokens: 100,
    });
  });

  it("shows embeddings for embeddings models and completions for completion-only ones", () => {
    const [curl, python] = codeExamples({ id: "nomic-ai/nomic-embed-text-v1.5", endpoints: ["embeddings"], maxOutputTokens: 0 }, BASE);
    expect(curl?.code).toContain(`${BASE}/embeddings`);
    expect(python?.code).toContain("client.embeddings.create(");
    expect(mainEndpoint(["completions"])).toBe("completions");
    expect(codeExamples({ id: "x", endpoints: ["completions"], maxOutputTokens: 64 }, BASE)[0]?.code).toContain('"prompt"');
  });
});

describe("chatRequestExamples", () => {
  const request = {
    model: "local/chat",
    messages: [
      { role: "system" as const, content: "Answer like a pirate's parrot." },
      { role: "user" as const, content: 'Say "hi"\nand $HOME `twice`' },
    ],
    params: { temperature: 0.3, top_p: undefined, max_tokens: 64, stop: ["\n\n", "END"], seed: null, presence_penalty: 0.5 },
  };

  it("the curl command, run by a real shell, sends exactly the request as JSON", () => {
    const [curl] = chatRequestExamples(request, BASE);
    const quoted = /-d ('[\s\S]*')$/.exec(curl!.code)?.[1];
    const sent = execFileSync("bash", ["-c", `printf '%s' ${quoted}`], { encoding: "utf8" });
    expect(JSON.parse(sent)).toEqual({
      model: "local/chat",
      messages: request.messages,
      temperature: 0.3,
      max_tokens: 64,
      stop: ["\n\n", "END"],
      presence_penalty: 0.5,
    });
  });

  it("Python and TypeScript carry every message and set parameter, and leave out unset ones", () => {
    const [, python, typescript] = chatRequestExamples(request, BASE).map((e) => e.code);
    expect(python).toContain(`{"role": "user", "content": "Say \\"hi\\"\\nand $HOME \`twice\`"}`);
    expect(python).toContain("    temperature=0.3,\n    max_tokens=64,\n    stop=[\"\\n\\n\", \"END\"],\n    presence_penalty=0.5,\n)");
    expect(python).not.toContain("seed");
    expect(python).not.toContain("top_p");
    expect(typescript).toContain(`{ role: "system", content: "Answer like a pirate's parrot." }`);
    expect(typescript).toContain("  max_tokens: 64,\n");
  });
});

describe("apiBaseUrl", () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it("prefers PUBLIC_URL", () => {
    expect(apiBaseUrl("https://console.example.com/", headers({ host: "internal:3000" }))).toBe(BASE);
  });

  it("otherwise uses the forwarded proto and host, or the host header", () => {
    expect(apiBaseUrl(undefined, headers({ host: "10.0.0.5:3000", "x-forwarded-proto": "https", "x-forwarded-host": "console.example.com" }))).toBe(BASE);
    expect(apiBaseUrl(undefined, headers({ host: "127.0.0.1:3100" }))).toBe("http://127.0.0.1:3100/api/v1");
    expect(apiBaseUrl(undefined, headers({ host: "[::1]:3000", "x-forwarded-proto": "https,http" }))).toBe("https://[::1]:3000/api/v1");
  });

  it("never echoes a malformed host", () => {
    expect(apiBaseUrl(undefined, headers({ host: "evil.com/<script>" }))).toBe("http://localhost:3000/api/v1");
    expect(apiBaseUrl(undefined, headers({}))).toBe("http://localhost:3000/api/v1");
  });
});

describe("formatting", () => {
  it.each([
    [131072, "128K"],
    [32768, "32K"],
    [8192, "8K"],
    [200000, "200K"],
    [1048576, "1M"],
    [1500, "1,500"],
  ])("%d tokens → %s", (tokens, text) => expect(formatTokenCount(tokens)).toBe(text));

  it.each([
    [8, "8B"],
    [46.7, "46.7B"],
    [0.137, "137M"],
    [null, "—"],
  ])("%s billion parameters → %s", (b, text) => expect(formatParameters(b)).toBe(text));
});
