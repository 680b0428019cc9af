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
  return renderExamples(model.id, requestFor(mainEndpoint(model.endpoints), maxTokens), baseUrl);
}

// A type, not an interface: it must fit the index signature of an example value.
export type ChatExampleMessage = {
  role: "system" | "user" | "assistant";
  content: string;
};

/**
 * Examples for exactly one chat request, e.g. the playground's current one: its messages, then its
 * parameters in the order given (undefined and null parameters are left out).
 */
export function chatRequestExamples(
  request: { model: string; messages: ChatExampleMessage[]; params: Record<string, number | string | readonly string[] | null | undefined> },
  baseUrl: string,
): CodeExample[] {
  const params = Object.entries(request.params).filter(([, value]) => value !== undefined && value !== null) as Field[];
  return renderExamples(request.model, { ...CHAT, fields: [["messages", request.messages], ...params] }, baseUrl);
}

type Value = string | number | boolean | null | readonly Value[] | { readonly [key: string]: Value };
type Field = [name: string, value: Value];

interface ExampleRequest {
  path: string;
  /** The client's resource, e.g. `chat.completions`. */
  method: string;
  fields: Field[];
  pythonResult: string[];
  typescriptResult: string[];
}

/**
 * A value as a literal of the example's language. Lists of objects (messages) get one item per
 * line so that a long conversation stays readable; everything else is written inline.
 */
function literal(value: Value, language: ExampleLanguage, indent: string): string {
  const step = language === "python" ? "    " : "  ";
  if (value === null) return language === "python" ? "None" : "null";
  if (typeof value === "boolean") return language === "python" ? (value ? "True" : "False") : String(value);
  if (typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = (value as readonly Value[]).map((item) => literal(item, language, indent + step));
    if (!value.some((item) => item !== null && typeof item === "object")) return `[${items.join(", ")}]`;
    return `[\n${items.map((item) => `${indent}${step}${item}`).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, Value>).map(([key, v]) => {
    const name = language === "typescript" && /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
    return `${name}: ${literal(v, language, indent)}`;
  });
  return language === "typescript" ? `{ ${entries.join(", ")} }` : `{${entries.join(", ")}}`;
}

/** Single quotes end a single-quoted shell word; each becomes '\'' so any text survives. */
const shellQuoted = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

function renderExamples(modelId: string, request: ExampleRequest, baseUrl: string): CodeExample[] {
  const id = JSON.stringify(modelId);
  const url = JSON.stringify(baseUrl);
  const bodyFields: Field[] = [["model", modelId], ...request.fields];
  // The three languages differ only in syntax: each renders the same request fields.
  return [
    {
      language: "curl",
      label: "curl",
      code: [
        `curl ${baseUrl}/${request.path} \\`,
        `  -H "Authorization: Bearer $${API_KEY_ENV}" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d ${shellQuoted(`{\n${bodyFields.map(([name, value]) => `    ${JSON.stringify(name)}: ${literal(value, "curl", "    ")}`).join(",\n")}\n  }`)}`,
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
        ...request.fields.map(([name, value]) => `    ${name}=${literal(value, "python", "    ")},`),
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
        ...request.fields.map(([name, value]) => `  ${name}: ${literal(value, "typescript", "  ")},`),
        `});`,
        ...request.typescriptResult,
      ].join("\n"),
    },
  ];
}

const CHAT = {
  path: "chat/completions",
  method: "chat.completions",
  pythonResult: [`print(response.choices[0].message.content)`],
  typescriptResult: [`console.log(response.choices[0].message.content);`],
};

function requestFor(endpoint: ModelEndpoint, maxTokens: number): ExampleRequest {
  if (endpoint === "embeddings") {
    return {
      path: "embeddings",
      method: "embeddings",
      fields: [["input", EMBEDDING_INPUT]],
      pythonResult: [`vector = response.data[0].embedding`, `print(len(vector), vector[:5])`],
      typescriptResult: [`const vector = response.data[0].embedding;`, `console.log(vector.length, vector.slice(0, 5));`],
    };
  }
  if (endpoint === "completions") {
    return {
      path: "completions",
      method: "completions",
      fields: [
        ["prompt", COMPLETION_PROMPT],
        ["max_tokens", maxTokens],
      ],
      pythonResult: [`print(response.choices[0].text)`],
      typescriptResult: [`console.log(response.choices[0].text);`],
    };
  }
  return {
    ...CHAT,
    fields: [
      ["messages", [{ role: "user", content: CHAT_PROMPT }]],
      ["max_tokens", maxTokens],
    ],
  };
}
