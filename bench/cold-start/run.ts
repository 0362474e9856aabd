/**
 * How long the built server takes, as `npm start` runs it (its own process, embedded
 * PGlite, disk storage), from spawn to `/api/health` 200 with database and storage ok:
 * on a fresh DATA_DIR (database created, migrations, secrets generated) and on a restart
 * of the same DATA_DIR. Target: under 15 s on a fresh DATA_DIR. Prints figures only.
 *
 *   node --import tsx bench/cold-start/run.ts          # from the repository root
 *   BENCH_RUNS=3 node --import tsx bench/cold-start/run.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOnce, spawnServer, waitHealthy } from '../../server/src/test-support/spawn-server.js';
import { percentile } from '../support/bench-kit.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function timeToHealthy(dataDir: string): Promise<number> {
  const t0 = performance.now();
  const server = await spawnServer({ DATA_DIR: dataDir });
  try {
    await waitHealthy(server, 120_000);
    const health = (await (await fetch(`${server.baseUrl}/api/health`)).json()) as Record<string, string>;
    if (health.database !== 'ok' || health.storage !== 'ok') throw new Error(`unhealthy: ${JSON.stringify(health)}`);
    return performance.now() - t0;
  } finally {
    await server.stop();
  }
}

const stats = (xs: number[]) =>
  `median ${(percentile(xs, 50) / 1000).toFixed(2)} s, max ${(Math.max(...xs) / 1000).toFixed(2)} s`;

buildOnce();
const fresh: number[] = [];
const restart: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dv-cold-start-'));
  try {
    fresh.push(await timeToHealthy(dataDir));
    restart.push(await timeToHealthy(dataDir));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`\r  run ${i + 1} / ${RUNS}`);
}
console.log(`\nfresh DATA_DIR → healthy:  ${stats(fresh)}   (target < 15 s)`);
console.log(`restart → healthy:         ${stats(restart)}`);
