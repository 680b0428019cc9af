import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase } from "../client";

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh database on the server named by `serverUrl`; dropped by `drop()`. */
export async function createFreshDatabase(serverUrl: string, options: { prefix: string; template?: string }) {
  const name = `${options.prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await admin(serverUrl, (c) => c.query(`create database "${name}"${options.template ? ` template "${options.template}"` : ""}`));
  return {
    name,
    url: withDatabase(serverUrl, name),
    drop: () => admin(serverUrl, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => {}),
  };
}

export async function createTemplateDatabase(serverUrl: string) {
  const template = await createFreshDatabase(serverUrl, { prefix: "cc_template" });
  const database = await openDatabase({ databaseUrl: template.url });
  await database.close();
  return template;
}
