import type { ModelEndpoint } from "@/server/db/schema/models";

/** The environment variable the examples read the API key from. */
export const API_KEY_ENV = "COMPUTE_CONSOLE_API_KEY";

export type ExampleLanguage = "curl" | "python" | "typescript";

export interface CodeExample {
  language: ExampleLanguage;
  label: string;
  code: string;
}

interface ExampleModel {
  id: string;
  endpoints: readonly ModelEndpoint[];
  maxOutputTokens: number;
}

/** The endpoint an example shows: chat when the model has it, else embeddings, else completions. */
export function mainEndpoint(endpoints: readonly ModelEndpoint[]): ModelEndpoint {
  if (endpoints.includes("chat")) return "chat";
  if (endpoints.includes("embeddings")) return "embeddings";
  return "completions";
}

const CHAT_PROMPT = "Explain in two sentences what a context window is.";
const COMPLETION_PROMPT = "The three most important things about GPUs are";
const EMBEDDING_INPUT = "The quick brown fox jumps over the lazy dog.";

/**
 * Ready-to-run examples (curl, Python and TypeScript with the official `openai` clients) for the
 * model's main endpoint against `baseUrl` (e.g. https://console.example.com/api/v1).
 */
export function codeExamples(model: ExampleModel, baseUrl: string): CodeExample[] {
  const maxTokens = Math.max(1, Math.min(256, model.maxOutputTokens));
  const id = JSON.stringify(model.id);
  const url = JSON.stringify(baseUrl);
  const request = requestFor(mainEndpoint(model.endpoints), maxTokens);
  // The three languages differ only in syntax: each renders the same request fields.
  return [
    {
      language: "curl",
      label: "curl",
      code: [
        `curl ${baseUrl}/${request.path} \\`,
        `  -H "Authorization: Bearer $${API_KEY_ENV}" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d '{`,
        ...[`"model": ${id}`, ...request.curl].map((field, i, all) => `    ${field}${i < all.length - 1 ? "," : ""}`),
        `  }'`,
      ].join("\n"),
    },
    {
      language: "python",
      label: "Python",
      code: [
        `import os`,
        `from openai import OpenAI`,
        ``,
        `client = OpenAI(`,
        `    base_url=${url},`,
        `    api_key=os.environ["${API_KEY_ENV}"],`,
        `)`,
        ``,
        `response = client.${request.method}.create(`,
        `    model=${id},`,
        ...request.python.map((field) => `    ${field},`),
        `)`,
        ...request.pythonResult,
      ].join("\n"),
    },
    {
      language: "typescript",
      label: "TypeScript",
      code: [
        `import OpenAI from "openai";`,
        ``,
        `const client = new OpenAI({`,
        `  baseURL: ${url},`,
        `  apiKey: process.env.${API_KEY_ENV},`,
        `});`,
        ``,
        `const response = await client.${request.method}.create({`,
        `  model: ${id},`,
        ...request.typescript.map((field) => `  ${field},`),
        `});`,
        ...request.typescriptResult,
      ].join("\n"),
    },
  ];
}

interface ExampleRequest {
  path: string;
  /** The client's resource, e.g. `chat.completions`. */
  method: string;
  curl: string[];
  python: string[];
  pythonResult: string[];
  typescript: string[];
  typescriptResult: string[];
}

function requestFor(endpoint: ModelEndpoint, maxTokens: number): ExampleRequest {
  if (endpoint === "embeddings") {
    const input = JSON.stringify(EMBEDDING_INPUT);
    return {
      path: "embeddings",
      method: "embeddings",
      curl: [`"input": ${input}`],
      python: [`input=${input}`],
      pythonResult: [`vector = response.data[0].embedding`, `print(len(vector), vector[:5])`],
      typescript: [`input: ${input}`],
      typescriptResult: [`const vector = response.data[0].embedding;`, `console.log(vector.length, vector.slice(0, 5));`],
    };
  }
  if (endpoint === "completions") {
    const prompt = JSON.stringify(COMPLETION_PROMPT);
    return {
      path: "completions",
      method: "completions",
      curl: [`"prompt": ${prompt}`, `"max_tokens": ${maxTokens}`],
      python: [`prompt=${prompt}`, `max_tokens=${maxTokens}`],
      pythonResult: [`print(response.choices[0].text)`],
      typescript: [`prompt: ${prompt}`, `max_tokens: ${maxTokens}`],
      typescriptResult: [`console.log(response.choices[0].text);`],
    };
  }
  const content = JSON.stringify(CHAT_PROMPT);
  return {
    path: "chat/completions",
    method: "chat.completions",
    curl: [`"messages": [{"role": "user", "content": ${content}}]`, `"max_tokens": ${maxTokens}`],
    python: [`messages=[{"role": "user", "content": ${content}}]`, `max_tokens=${maxTokens}`],
    pythonResult: [`print(response.choices[0].message.content)`],
    typescript: [`messages: [{ role: "user", content: ${content} }]`, `max_tokens: ${maxTokens}`],
    typescriptResult: [`console.log(response.choices[0].message.content);`],
  };
}
