/**
 * The model catalog: a versioned file (default-catalog.yaml, or the operator's CATALOG_FILE),
 * validated on start and seeded into the `models` table. The gateway reads it with `listModels` /
 * `getModel`; the console with `listCatalogModels` / `getCatalogModel`.
 */
export { MODEL_ENDPOINTS, MODEL_ID_PATTERN, MODEL_STATUSES, modelIdSchema, validateCatalog } from "./catalog-file";
export type { Catalog, CatalogEntry, CatalogIssue } from "./catalog-file";
export { CatalogError, DEFAULT_CATALOG_FILE, loadCatalog, parseCatalog } from "./load-catalog";
export { getCatalogModel, listCatalogModels, toModelView, type ModelView } from "./model-views";
export { getModel, listModels, type CatalogModel } from "./models";
export { formatUsdPerMillion, nanoPerTokenToUsdPerMillion, usdPerMillionToNanoPerToken } from "./prices";
export { seedCatalog, type SeedResult } from "./seed-catalog";
