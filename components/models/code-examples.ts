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
  const endpoint = mainEndpoint(model.endpoints);
  const maxTokens = Math.max(1, Math.min(256, model.maxOutputTokens));
  const id = JSON.stringify(model.id);
  const url = JSON.stringify(baseUrl);

  if (endpoint === "embeddings") {
    return [
      {
        language: "curl",
        label: "curl",
        code: [
          `curl ${baseUrl}/embeddings \\`,
          `  -H "Authorization: Bearer $${API_KEY_ENV}" \\`,
          `  -H "Content-Type: application/json" \\`,
          `  -d '{`,
          `    "model": ${id},`,
          `    "input": ${JSON.stringify(EMBEDDING_INPUT)}`,
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
          `response = client.embeddings.create(`,
          `    model=${id},`,
          `    input=${JSON.stringify(EMBEDDING_INPUT)},`,
          `)`,
          `vector = response.data[0].embedding`,
          `print(len(vector), vector[:5])`,
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
          `const response = await client.embeddings.create({`,
          `  model: ${id},`,
          `  input: ${JSON.stringify(EMBEDDING_INPUT)},`,
          `});`,
          `const vector = response.data[0].embedding;`,
          `console.log(vector.length, vector.slice(0, 5));`,
        ].join("\n"),
      },
    ];
  }

  if (endpoint === "completions") {
    return [
      {
        language: "curl",
        label: "curl",
        code: [
          `curl ${baseUrl}/completions \\`,
          `  -H "Authorization: Bearer $${API_KEY_ENV}" \\`,
          `  -H "Content-Type: application/json" \\`,
          `  -d '{`,
          `    "model": ${id},`,
          `    "prompt": ${JSON.stringify(COMPLETION_PROMPT)},`,
          `    "max_tokens": ${maxTokens}`,
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
          `response = client.completions.create(`,
          `    model=${id},`,
          `    prompt=${JSON.stringify(COMPLETION_PROMPT)},`,
          `    max_tokens=${maxTokens},`,
          `)`,
          `print(response.choices[0].text)`,
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
          `const response = await client.completions.create({`,
          `  model: ${id},`,
          `  prompt: ${JSON.stringify(COMPLETION_PROMPT)},`,
          `  max_tokens: ${maxTokens},`,
          `});`,
          `console.log(response.choices[0].text);`,
        ].join("\n"),
      },
    ];
  }

  return [
    {
      language: "curl",
      label: "curl",
      code: [
        `curl ${baseUrl}/chat/completions \\`,
        `  -H "Authorization: Bearer $${API_KEY_ENV}" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d '{`,
        `    "model": ${id},`,
        `    "messages": [{"role": "user", "content": ${JSON.stringify(CHAT_PROMPT)}}],`,
        `    "max_tokens": ${maxTokens}`,
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
        `response = client.chat.completions.create(`,
        `    model=${id},`,
        `    messages=[{"role": "user", "content": ${JSON.stringify(CHAT_PROMPT)}}],`,
        `    max_tokens=${maxTokens},`,
        `)`,
        `print(response.choices[0].message.content)`,
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
        `const response = await client.chat.completions.create({`,
        `  model: ${id},`,
        `  messages: [{ role: "user", content: ${JSON.stringify(CHAT_PROMPT)} }],`,
        `  max_tokens: ${maxTokens},`,
        `});`,
        `console.log(response.choices[0].message.content);`,
      ].join("\n"),
    },
  ];
}
