import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ObjectNotFoundError, StorageRefusedError } from './storage-errors.js';
import { createDiskBlobStore } from './disk-blob-store.js';
import { PARTIAL_DIR } from './safe-path.js';

const parent = await mkdtemp(path.join(tmpdir(), 'docuvault-disk-store-'));
const rootDir = path.join(parent, 'files');
const store = createDiskBlobStore({ rootDir, signingKey: randomBytes(32) });
after(() => rm(parent, { recursive: true, force: true }));

const isBadKey = (e: unknown) => e instanceof StorageRefusedError && e.reason === 'invalid_key';

describe('disk blob store', () => {
  it('when a key has .., is absolute, has NUL or a backslash, or names the temp dir, then every operation refuses it with 400', async () => {
    await store.put({ key: 'ok/object', body: Buffer.from('x') });
    for (const key of ['../outside', 'ok/../../outside', '/etc/passwd', 'a\u0000b', 'a\\b', `${PARTIAL_DIR}/x`, '']) {
      await assert.rejects(store.put({ key, body: Buffer.from('x') }), isBadKey, key);
      await assert.rejects(store.stat({ key }), isBadKey, key);
      await assert.rejects(store.get({ key }), isBadKey, key);
      await assert.rejects(store.delete({ key }), isBadKey, key);
      await assert.rejects(store.presignUpload({ key, contentType: 'text/plain', ttlSeconds: 60 }), isBadKey, key);
      await assert.rejects(store.presignDownload({ key, filename: 'f', ttlSeconds: 60 }), isBadKey, key);
    }
    assert.deepEqual((await readdir(parent)).sort(), ['files']);
  });

  it('when the root does not exist yet, then ping creates it and succeeds', async () => {
    const fresh = createDiskBlobStore({ rootDir: path.join(parent, 'later', 'files'), signingKey: randomBytes(32) });
    await fresh.ping();
    assert.deepEqual(await readdir(path.join(parent, 'later')), ['files']);
  });

  it('when a stray file sits in the temp directory, then list does not show it', async () => {
    await mkdir(path.join(rootDir, PARTIAL_DIR), { recursive: true });
    await writeFile(path.join(rootDir, PARTIAL_DIR, 'stray'), 'half an upload');
    const keys: string[] = [];
    for await (const o of store.list({})) keys.push(o.key);
    assert.ok(keys.length > 0);
    assert.ok(!keys.some((k) => k.includes(PARTIAL_DIR) || k.endsWith('stray')), keys.join(', '));
    await rm(path.join(rootDir, PARTIAL_DIR, 'stray'));
  });

  it('when temp files were left by writes that never finished, then the sweep removes only the old ones', async () => {
    const dir = path.join(rootDir, PARTIAL_DIR);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'old'), 'x');
    await writeFile(path.join(dir, 'recent'), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await utimes(path.join(dir, 'old'), twoDaysAgo, twoDaysAgo);
    assert.equal(await store.sweepTempFiles({ olderThan: new Date(Date.now() - 86_400_000) }), 1);
    assert.deepEqual(await readdir(dir), ['recent']);
    await rm(path.join(dir, 'recent'));
  });

  it('when a deleted object was the last in its directories, then those directories go too, and the root stays', async () => {
    const top = randomUUID();
    await store.put({ key: `${top}/doc/f`, body: Buffer.from('x') });
    await store.put({ key: `${top}/other/g`, body: Buffer.from('x') });
    await store.delete({ key: `${top}/doc/f` });
    assert.deepEqual(await readdir(path.join(rootDir, top)), ['other']);
    await store.delete({ key: `${top}/other/g` });
    assert.ok(!(await readdir(rootDir)).includes(top));
  });

  it('when a key names a directory rather than an object, then stat is null, get is 404 and delete does nothing', async () => {
    const top = randomUUID();
    await store.put({ key: `${top}/doc/f`, body: Buffer.from('x') });
    assert.equal(await store.stat({ key: `${top}/doc` }), null);
    await assert.rejects(store.get({ key: `${top}/doc` }), (e: unknown) => e instanceof ObjectNotFoundError);
    await store.delete({ key: `${top}/doc` });
    assert.equal((await store.stat({ key: `${top}/doc/f` }))?.size, 1);
  });

  it('when an object is put again, then the new bytes replace the old ones whole', async () => {
    const key = `${randomUUID()}/f`;
    await store.put({ key, body: Buffer.from('first version, longer') });
    await store.put({ key, body: Buffer.from('second') });
    assert.equal((await store.stat({ key }))?.size, 6);
  });

  it('when publicBaseUrl is set, then presigned URLs are absolute on it with each key segment encoded', async () => {
    const withBase = createDiskBlobStore({ rootDir, signingKey: randomBytes(32), publicBaseUrl: 'https://vault.example.org/' });
    const up = await withBase.presignUpload({
      key: 'u/d/ä b.pdf',
      contentType: 'application/pdf',
      ttlSeconds: 60,
      exactBytes: 3,
    });
    assert.match(
      up.url,
      /^https:\/\/vault\.example\.org\/api\/storage\/upload\/u\/d\/%C3%A4%20b\.pdf\?expires=\d+&exact=3&sig=[\w-]+$/,
    );
    const down = await withBase.presignDownload({ key: 'u/d/f.pdf', filename: 'f.pdf', ttlSeconds: 60 });
    assert.match(
      down.url,
      /^https:\/\/vault\.example\.org\/api\/storage\/download\/u\/d\/f\.pdf\?expires=\d+&filename=f\.pdf&sig=/,
    );
  });

  it('when both exactBytes and maxBytes or a bad TTL are given, then presigning fails loudly', async () => {
    await assert.rejects(store.presignUpload({ key: 'a', contentType: 't/t', ttlSeconds: 60, exactBytes: 1, maxBytes: 2 }));
    await assert.rejects(store.presignUpload({ key: 'a', contentType: 't/t', ttlSeconds: 0 }));
    await assert.rejects(store.presignUpload({ key: 'a', contentType: 't/t', ttlSeconds: 60, maxBytes: -1 }));
  });
});
