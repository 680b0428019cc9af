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

/**
 * Parses and validates catalog text. `source` starts every issue line: "CATALOG_FILE" for an
 * operator's file, so the message names the setting to look at.
 */
export function parseCatalog(text: string, options: { format: CatalogFormat; source: string; file?: string }): Catalog {
  const heading = `Invalid model catalog${options.file ? ` in ${options.file}` : ""}`;
  let data: unknown;
  try {
    data = options.format === "json" ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const reason = (error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)).replace(/:\s*$/, "");
    fail(options.source, heading, [{ path: "", message: `is not valid ${options.format === "json" ? "JSON" : "YAML"}: ${reason}` }]);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    fail(options.source, heading, [{ path: "", message: "must be a mapping with a `models` list" }]);
  }
  const result = validateCatalog(data);
  if (!result.ok) fail(options.source, heading, result.issues);
  return result.catalog;
}

/**
 * Reads the catalog: `catalogFile` (the CATALOG_FILE setting, relative to the working directory;
 * JSON when it ends in .json, YAML for .yaml/.yml) or the default catalog. Throws CatalogError.
 */
export function loadCatalog(catalogFile?: string): Catalog {
  const file = catalogFile ? path.resolve(catalogFile) : DEFAULT_CATALOG_FILE;
  const source = catalogFile ? "CATALOG_FILE" : path.relative(process.cwd(), DEFAULT_CATALOG_FILE);
  const format = catalogFormatOf(file);
  if (!format) fail(source, `Cannot load the model catalog ${file}`, [{ path: "", message: "must end in .json, .yaml or .yml" }]);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String((error as Error).message);
    fail(source, `Cannot load the model catalog ${file}`, [{ path: "", message: `cannot be read (${reason})` }]);
  }
  return parseCatalog(text, { format, source, file });
}
