/**
 * The local engine's HTTP server for benchmarks, with a counter of the generations it served on a
 * side port, so that the gateway benchmark can show which requests reached the upstream.
 */
import { createServer } from "node:http";
import { startEngineServer } from "../server/engine-server/server";
import { createLocalEngine } from "../server/services/inference/local/engine";
import type { Engine } from "../server/services/inference/types";

const port = Number(process.env.ENGINE_PORT ?? 8088);
const statsPort = Number(process.env.ENGINE_STATS_PORT ?? port + 1);
const local = createLocalEngine({ tokensPerSecond: 0 });
let calls = 0;
const counting: Engine = {
  chat: (request, options) => (calls++, local.chat(request, options)),
  complete: (request, options) => (calls++, local.complete(request, options)),
  embed: (request, options) => (calls++, local.embed(request, options)),
};
void startEngineServer({ port, host: "127.0.0.1", engine: counting }).then(() => {
  createServer((_req, res) => res.end(JSON.stringify({ calls }))).listen(statsPort, "127.0.0.1");
  console.log(`bench engine on http://127.0.0.1:${port}, stats on ${statsPort}`);
});
