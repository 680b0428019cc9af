import type { TestProject } from "vitest/node";
import { createTemplateDatabase } from "./postgres";

/**
 * On PostgreSQL (TEST_DATABASE_URL set) one migrated template database is made per run and every
 * test file clones it; on PGlite every test file migrates its own in-memory database.
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const template = await createTemplateDatabase(url);
  project.provide("templateDatabase", template.name);
  return () => template.drop();
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
