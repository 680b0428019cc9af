/** What several benchmarks share: a catalog of bench models, a team with a key, and percentiles. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Db } from "../server/db";
import { loadCatalog, seedCatalog } from "../server/services/catalog";
import { signUp } from "../server/services/auth/sign-up";
import type { ServiceContext } from "../server/services/context";
import { createKey } from "../server/services/keys/create-key";
import { enterTeam } from "../server/services/teams/team-access";

export interface BenchModel {
  id: string;
  description: string;
  endpoints: Array<"chat" | "completions">;
  backend: Record<string, string>;
}

/** Writes a catalog of `models` (priced like a small open-weight model) to `dir` and seeds it. */
export async function seedBenchCatalog(db: Db, dir: string, models: BenchModel[]): Promise<string> {
  const file = path.join(dir, "catalog.json");
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      models: models.map((model) => ({
        id: model.id,
        display_name: model.id,
        family: "Bench",
        description: model.description,
        context_window: 8192,
        max_output_tokens: 1024,
        modalities: ["text"],
        endpoints: model.endpoints,
        pricing: { input_per_million: 0.18, output_per_million: 0.18 },
        status: "available",
        backends: [model.backend],
      })),
    }),
  );
  await seedCatalog(db, loadCatalog(file), new Date());
  return file;
}

/** Signs up a person with a team and returns the secret of an `inference` key with no limits of its own. */
export async function createBenchKey(db: Db): Promise<string> {
  const ctx: ServiceContext = {
    db,
    actor: { type: "anonymous" },
    request: { ip: null, userAgent: "bench" },
    now: () => new Date(),
    log: { info() {}, warn() {}, error() {} },
  };
  const { userId, team } = await signUp(ctx, { name: "Bench", email: `bench-${Date.now()}@example.com`, password: "benchmark password" });
  const teamCtx = await enterTeam({ ...ctx, actor: { type: "user", userId } }, { teamId: team.id });
  const { secret } = await createKey(teamCtx, { name: "bench", scopes: ["inference"] } as never);
  return secret;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (x: number, digits = 2) => Number(x.toFixed(digits));

export function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) };
}
