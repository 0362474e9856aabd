import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../server/src/test-support/free-port.ts';

export { freePort };

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(REPO_ROOT, 'server/dist/main.js');
const BUILD_LOCK = join(REPO_ROOT, 'e2e/artifacts/.build-lock');
// Generous: a fresh DATA_DIR on a busy 2-core machine can take a minute to migrate and build the web index.
const READY_TIMEOUT_MS = 150_000;

export interface AppServer {
  baseUrl: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Builds like `npm start` does (scripts/build.mjs, a no-op when up to date). Spec files
 * run in parallel, so the build is serialised with a lock directory: two Vite builds must
 * never write web/dist at once.
 */
export async function buildOnce(): Promise<void> {
  mkdirSync(join(REPO_ROOT, 'e2e/artifacts'), { recursive: true });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      // A lock left by a killed run is stale after 3 minutes.
      try {
        if (Date.now() - statSync(BUILD_LOCK).mtimeMs > 3 * 60_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`build lock ${BUILD_LOCK} held for too long`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`build failed:\n${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`);
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/**
 * The real server, as `npm start` runs it: its own process, a fresh DATA_DIR (embedded
 * PGlite, disk storage unless `env` says otherwise), a free port on 127.0.0.1.
 */
export async function startApp(env: Record<string, string> = {}): Promise<AppServer> {
  await buildOnce();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'docuvault-e2e-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited during start:\n${out}`);
    }
    try {
      const r = await fetch(`${baseUrl}/api/health`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > READY_TIMEOUT_MS) {
      await stop();
      throw new Error(`the server was not healthy within ${READY_TIMEOUT_MS} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { baseUrl, dataDir, output: () => out, stop };
}
