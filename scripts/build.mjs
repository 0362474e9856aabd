#!/usr/bin/env node
// Builds what `npm start` needs: the server (tsc, incremental) and the web UI (Vite),
// each only when its sources are newer than its output unless --force is given.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function stale(output, inputs) {
  if (force || !existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return inputs.some((i) => newestMtime(join(root, i)) > built);
}

function run(cmd, args, cwd) {
  execFileSync(cmd, args, { cwd, stdio: 'inherit' });
}

const serverMarker = join(root, 'server/dist/main.js');
if (stale(serverMarker, ['server/src', 'server/tsconfig.json', 'tsconfig.base.json'])) {
  console.log('building server…');
  run(bin('tsc'), ['-p', 'server/tsconfig.json'], root);
  mkdirSync(join(root, 'server/dist/db/migrations'), { recursive: true });
  cpSync(join(root, 'server/src/db/migrations'), join(root, 'server/dist/db/migrations'), { recursive: true });
  // tsc leaves an unchanged file's mtime alone; touch the marker so the next check is cheap.
  const now = new Date();
  (await import('node:fs')).utimesSync(serverMarker, now, now);
}

const webMarker = join(root, 'web/dist/index.html');
if (stale(webMarker, ['web/src', 'web/index.html', 'web/vite.config.ts', 'web/public'])) {
  console.log('building web UI…');
  run(bin('vite'), ['build', '--logLevel', 'warn'], join(root, 'web'));
}
