import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createFileWriter } from './disk-object-writer.js';

describe('the gathered file writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-writer-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Chunks as a socket hands them over: mostly 64 KiB, some tiny, some odd. */
  function chunksOf(bytes: Buffer): Buffer[] {
    const sizes = [65536, 1, 3, 16384, 65536, 7, 1000, 65536];
    const out: Buffer[] = [];
    for (let at = 0, i = 0; at < bytes.length; i++) {
      const n = Math.min(sizes[i % sizes.length]!, bytes.length - at);
      out.push(bytes.subarray(at, at + n));
      at += n;
    }
    return out;
  }

  it('when chunks of every size are written while earlier writes are in flight, then the file holds them in order', async () => {
    const bytes = randomBytes(5 * 1024 * 1024 + 12345);
    const file = join(dir, 'append.bin');
    const handle = await open(file, 'w');
    const writer = createFileWriter(handle, null);
    // Not awaiting every write, as copyBounded does not wait for the disk either.
    for (const chunk of chunksOf(bytes)) await writer.write(chunk);
    await writer.end();
    await handle.close();
    assert.ok(readFileSync(file).equals(bytes));
  });

  it('when 2,000 one-byte chunks arrive (more than one writev takes), then all are written', async () => {
    const bytes = randomBytes(2000);
    const file = join(dir, 'tiny.bin');
    const handle = await open(file, 'w');
    const writer = createFileWriter(handle, null);
    await Promise.all([...bytes].map((_, i) => writer.write(bytes.subarray(i, i + 1))));
    await writer.end();
    await handle.close();
    assert.ok(readFileSync(file).equals(bytes));
  });

  it('when a part is written at an offset, then the bytes before and after it are untouched', async () => {
    const file = join(dir, 'parts.bin');
    writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 0x2e));
    const part = randomBytes(1024 * 1024 + 17);
    const handle = await open(file, 'r+');
    const writer = createFileWriter(handle, 1024 * 1024);
    for (const chunk of chunksOf(part)) await writer.write(chunk);
    await writer.end();
    await handle.close();
    const got = readFileSync(file);
    assert.ok(got.subarray(1024 * 1024, 1024 * 1024 + part.length).equals(part));
    assert.ok(got.subarray(0, 1024 * 1024).every((b) => b === 0x2e));
    assert.ok(got.subarray(1024 * 1024 + part.length).every((b) => b === 0x2e));
  });

  it('when the disk refuses a write, then the error reaches the caller and settle() still returns', async () => {
    const file = join(dir, 'readonly.bin');
    writeFileSync(file, '');
    const handle = await open(file, 'r'); // writes fail with EBADF
    const writer = createFileWriter(handle, null);
    await assert.rejects(async () => {
      for (const chunk of chunksOf(randomBytes(512 * 1024))) await writer.write(chunk);
      await writer.end();
    }, /EBADF/);
    await writer.settle();
    await handle.close();
  });
});
