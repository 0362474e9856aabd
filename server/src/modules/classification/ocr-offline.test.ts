import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brownFiles, brownText, makeScan, wordAccuracy } from './scan-fixtures.test.js';

const RUNNER = fileURLToPath(new URL('../../test-support/ocr-offline-run.ts', import.meta.url));

/** Whether this machine can give a process a network namespace of its own (root, or user namespaces). */
function canUnshareNetwork(): boolean {
  try {
    execFileSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('tesseract.js offline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-offline-'));
  const source = brownText(brownFiles('lore')[3]!, { words: 120 });
  before(async () => writeFileSync(join(dir, 'scan.pdf'), await makeScan([source], 'pdf')));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'when a scanned PDF is read by tesseract.js in a process with no network at all, then its text is read and nothing is written to the working directory',
    { skip: canUnshareNetwork() ? false : 'this machine cannot unshare the network namespace (needs root or user namespaces)' },
    async () => {
      const cwd = process.cwd();
      const before = new Set(readdirSync(cwd));
      // The extraction processes started inside inherit the namespace: no interface but a
      // loopback that is down. A download of language data or of the wasm core would fail.
      const { stdout } = await promisify(execFile)(
        'unshare',
        ['-n', process.execPath, '--import', 'tsx', RUNNER, join(dir, 'scan.pdf'), 'pdf'],
        { cwd, maxBuffer: 10 * 1024 * 1024 },
      );
      const result = JSON.parse(stdout);
      assert.equal(result.ok, true, result.error);
      assert.equal(result.ocr, true);
      const accuracy = wordAccuracy(source, result.text);
      assert.ok(accuracy >= 0.95, `word accuracy ${(accuracy * 100).toFixed(1)}%`);
      const added = readdirSync(cwd).filter((f) => !before.has(f));
      assert.deepEqual(added, [], 'no cache or language data written to the working directory');
      assert.ok(!existsSync(join(cwd, 'eng.traineddata')));
    },
  );
});
