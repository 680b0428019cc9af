#!/usr/bin/env node
// Small PostgreSQL chores for the test harness, with the project's own `pg` client (psql may not
// be installed where the tests run).
//
//   node scripts/pg-admin.mjs ping   <server-url>          exit 0 when the server answers
//   node scripts/pg-admin.mjs create <server-url> <name>   create database <name>, print its URL
//   node scripts/pg-admin.mjs drop   <server-url> <name>   drop database <name> if it exists
import pg from "pg";

const [command, serverUrl, name] = process.argv.slice(2);

function usage(message) {
  console.error(`pg-admin: ${message}\nusage: node scripts/pg-admin.mjs ping|create|drop <server-url> [name]`);
  process.exit(2);
}

if (!serverUrl || !/^postgres(ql)?:\/\//.test(serverUrl)) usage("a postgres:// server URL is required");
if (command !== "ping" && !/^[a-z_][a-z0-9_]{0,62}$/.test(name ?? "")) {
  usage("a database name of lowercase letters, digits and underscores is required");
}

/** The server URL with another database in its path. */
function databaseUrl(database) {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function redacted(url) {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
try {
  await client.connect();
  if (command === "ping") {
    await client.query("select 1");
  } else if (command === "create") {
    await client.query(`create database "${name}"`);
    console.log(databaseUrl(name));
  } else if (command === "drop") {
    await client.query(`drop database if exists "${name}" with (force)`);
  } else {
    usage(`unknown command "${command}"`);
  }
} catch (error) {
  console.error(`pg-admin ${command}: ${redacted(serverUrl)}: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => undefined);
}
