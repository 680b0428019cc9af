import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { validateCatalog, type Catalog, type CatalogIssue } from "./catalog-file";

/** The catalog that ships with the console; CATALOG_FILE replaces it. */
export const DEFAULT_CATALOG_FILE = path.join(process.cwd(), "server/services/catalog/default-catalog.yaml");

export type CatalogFormat = "json" | "yaml";

/**
 * A catalog that cannot be used. The message lists every issue, one per line, each starting with
 * where it came from and the field's path: `CATALOG_FILE models[3].pricing.input_per_million: must be ≥ 0`.
 */
export class CatalogError extends Error {
  constructor(
    message: string,
    readonly issues: CatalogIssue[],
  ) {
    super(message);
    this.name = "CatalogError";
  }
}

/** "json" for .json, "yaml" for .yaml/.yml, null for anything else. */
export function catalogFormatOf(file: string): CatalogFormat | null {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".json") return "json";
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  return null;
}

function fail(source: string, heading: string, issues: CatalogIssue[]): never {
  const lines = issues.map((issue) => `  ${source}${issue.path ? ` ${issue.path}` : ""}: ${issue.message}`);
  throw new CatalogError(`${heading}:\n${lines.join("\n")}`, issues);
}

/** What differs between the catalogs that are read this way: the model catalog, the compute catalog. */
export interface CatalogKind<T> {
  /** "model catalog", "compute catalog": used in messages. */
  name: string;
  /** What the top level must be, e.g. "a mapping with a `models` list". */
  shape: string;
  validate(data: unknown): { ok: true; value: T } | { ok: false; issues: CatalogIssue[] };
}

/**
 * Parses and validates catalog text. `source` starts every issue line: the setting's name (e.g.
 * "CATALOG_FILE") for an operator's file, so the message names the setting to look at.
 */
export function parseCatalogText<T>(kind: CatalogKind<T>, text: string, options: { format: CatalogFormat; source: string; file?: string }): T {
  const heading = `Invalid ${kind.name}${options.file ? ` in ${options.file}` : ""}`;
  let data: unknown;
  try {
    data = options.format === "json" ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const reason = (error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)).replace(/:\s*$/, "");
    fail(options.source, heading, [{ path: "", message: `is not valid ${options.format === "json" ? "JSON" : "YAML"}: ${reason}` }]);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    fail(options.source, heading, [{ path: "", message: `must be ${kind.shape}` }]);
  }
  const result = kind.validate(data);
  if (!result.ok) fail(options.source, heading, result.issues);
  return result.value;
}

/**
 * Reads a catalog: `file` (an operator's setting, relative to the working directory; JSON when it
 * ends in .json, YAML for .yaml/.yml) or the default file. Throws CatalogError.
 */
export function readCatalogFile<T>(kind: CatalogKind<T>, options: { file?: string; setting: string; defaultFile: string }): T {
  const file = options.file ? path.resolve(options.file) : options.defaultFile;
  const source = options.file ? options.setting : path.relative(process.cwd(), options.defaultFile);
  const format = catalogFormatOf(file);
  if (!format) fail(source, `Cannot load the ${kind.name} ${file}`, [{ path: "", message: "must end in .json, .yaml or .yml" }]);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String((error as Error).message);
    fail(source, `Cannot load the ${kind.name} ${file}`, [{ path: "", message: `cannot be read (${reason})` }]);
  }
  return parseCatalogText(kind, text, { format, source, file });
}

const MODEL_CATALOG: CatalogKind<Catalog> = {
  name: "model catalog",
  shape: "a mapping with a `models` list",
  validate(data) {
    const result = validateCatalog(data);
    return result.ok ? { ok: true, value: result.catalog } : result;
  },
};

export function parseCatalog(text: string, options: { format: CatalogFormat; source: string; file?: string }): Catalog {
  return parseCatalogText(MODEL_CATALOG, text, options);
}

/** The model catalog: CATALOG_FILE, or the default catalog. Throws CatalogError. */
export function loadCatalog(catalogFile?: string): Catalog {
  return readCatalogFile(MODEL_CATALOG, { file: catalogFile, setting: "CATALOG_FILE", defaultFile: DEFAULT_CATALOG_FILE });
}
