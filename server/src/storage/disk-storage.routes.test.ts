import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import { installErrorHandler } from '../http/error-handler.js';
import { createDiskBlobStore } from './disk-blob-store.js';
import { diskStorageRoutes } from './disk-storage.routes.js';
import { PARTIAL_DIR } from './safe-path.js';

const parent = await mkdtemp(path.join(tmpdir(), 'docuvault-disk-routes-'));
const rootDir = path.join(parent, 'files');
const store = createDiskBlobStore({ rootDir, signingKey: randomBytes(32) });
const app = Fastify({ bodyLimit: 1024 });
installErrorHandler(app);
await app.register(diskStorageRoutes, { store });
const origin = await app.listen({ port: 0, host: '127.0.0.1' });
after(async () => {
  await app.close();
  await rm(parent, { recursive: true, force: true });
});

const at = (url: string) => new URL(url, origin);
const tempFiles = () => readdir(path.join(rootDir, PARTIAL_DIR)).catch(() => []);

/** A chunked body: no Content-Length, so the bound can only be enforced while streaming. */
function chunked(chunks: Buffer[]): RequestInit {
  return { body: Readable.toWeb(Readable.from(chunks)) as ReadableStream, duplex: 'half' } as RequestInit;
}

describe('disk storage routes', () => {
  it('when an upload URL is used a second time, then 409 and the first bytes stay', async () => {
    const key = `${randomUUID()}/once.txt`;
    const up = await store.presignUpload({ key, contentType: 'text/plain', ttlSeconds: 60, maxBytes: 1_000_000 });
    assert.equal((await fetch(at(up.url), { method: 'PUT', headers: up.headers, body: 'a' })).status, 204);
    const again = await fetch(at(up.url), { method: 'PUT', headers: up.headers, body: 'much bigger second body' });
    assert.equal(again.status, 409);
    assert.equal((await again.json()).code, 'upload_url_used');
    assert.equal((await store.stat({ key }))?.size, 1);
    assert.deepEqual(await tempFiles(), []);
  });

  it('when two uploads race for one URL, then exactly one is stored', async () => {
    const key = `${randomUUID()}/race.txt`;
    const up = await store.presignUpload({ key, contentType: 'text/plain', ttlSeconds: 60, maxBytes: 1_000_000 });
    const results = await Promise.all(
      ['first body', 'second body!'].map((body) => fetch(at(up.url), { method: 'PUT', headers: up.headers, body })),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [204, 409]);
    assert.ok([10, 12].includes((await store.stat({ key }))!.size));
  });

  it('when an upload URL path is rewritten to climb out of the root, then 403 and nothing is written', async () => {
    const up = await store.presignUpload({ key: 'x/y', contentType: 'text/plain', ttlSeconds: 60 });
    const url = at(up.url).href.replace('/upload/x/y', '/upload/..%2F..%2Fescaped');
    const r = await fetch(url, { method: 'PUT', headers: up.headers, body: 'hi' });
    assert.equal(r.status, 403);
    // ../../escaped from <parent>/files would land in the temp dir itself.
    assert.ok(!(await readdir(path.dirname(parent))).includes('escaped'));
    assert.ok(!(await readdir(parent)).includes('escaped'));
  });

  it('when a chunked upload goes over maxBytes, then 413, nothing is stored and no temp file is left', async () => {
    const key = `${randomUUID()}/big.bin`;
    const up = await store.presignUpload({ key, contentType: 'application/octet-stream', ttlSeconds: 60, maxBytes: 100_000 });
    const chunks = Array.from({ length: 40 }, () => randomBytes(16 * 1024));
    const r = await fetch(at(up.url), { method: 'PUT', headers: up.headers, ...chunked(chunks) });
    assert.equal(r.status, 413);
    assert.equal((await r.json()).code, 'payload_too_large');
    assert.equal(await store.stat({ key }), null);
    assert.deepEqual(await tempFiles(), []);
  });

  it('when Content-Length announces more than the bound, then 413 before the body is read', async () => {
    const key = `${randomUUID()}/big.bin`;
    const up = await store.presignUpload({ key, contentType: 'text/plain', ttlSeconds: 60, maxBytes: 10 });
    const r = await fetch(at(up.url), { method: 'PUT', headers: up.headers, body: 'x'.repeat(11) });
    assert.equal(r.status, 413);
    assert.equal(await store.stat({ key }), null);
  });

  it('when a chunked body is shorter or longer than the exact bound, then 400 or 413 and nothing is stored', async () => {
    const key = `${randomUUID()}/exact.bin`;
    const up = await store.presignUpload({ key, contentType: 'text/plain', ttlSeconds: 60, exactBytes: 10 });
    const short = await fetch(at(up.url), { method: 'PUT', headers: up.headers, ...chunked([Buffer.from('12345')]) });
    assert.equal(short.status, 400);
    assert.equal((await short.json()).code, 'upload_size_mismatch');
    const long = await fetch(at(up.url), {
      method: 'PUT',
      headers: up.headers,
      ...chunked([Buffer.from('12345'), Buffer.from('678901')]),
    });
    assert.equal(long.status, 413);
    await long.arrayBuffer();
    assert.equal(await store.stat({ key }), null);
    assert.deepEqual(await tempFiles(), []);
  });

  it('when the upload is far larger than the app JSON body limit but within its bound, then it is stored', async () => {
    const key = `${randomUUID()}/large.bin`;
    const bytes = randomBytes(2 * 1024 * 1024);
    const up = await store.presignUpload({ key, contentType: 'application/json', ttlSeconds: 60, exactBytes: bytes.length });
    const r = await fetch(at(up.url), { method: 'PUT', headers: up.headers, body: bytes });
    assert.equal(r.status, 204, await r.text());
    assert.equal((await store.stat({ key }))?.size, bytes.length);
  });

  it('when the client goes away mid-upload, then nothing is stored and no temp file is left', async () => {
    const key = `${randomUUID()}/aborted.bin`;
    const up = await store.presignUpload({ key, contentType: 'text/plain', ttlSeconds: 60, exactBytes: 50_000 });
    const u = at(up.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(u.port), u.hostname, () => {
        socket.write(
          `PUT ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: text/plain\r\nContent-Length: 50000\r\n\r\n`,
        );
        socket.write('x'.repeat(20_000), () => setTimeout(() => socket.destroy(), 100));
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    for (let i = 0; i < 50 && (await tempFiles()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await tempFiles(), []);
    assert.equal(await store.stat({ key }), null);
  });

  it('when the key is long (three UUIDs and an extension), then upload and download both work', async () => {
    const key = `${randomUUID()}/${randomUUID()}/${randomUUID()}.pdf`;
    const up = await store.presignUpload({ key, contentType: 'application/pdf', ttlSeconds: 60, exactBytes: 5 });
    assert.equal((await fetch(at(up.url), { method: 'PUT', headers: up.headers, body: 'hello' })).status, 204);
    const down = await store.presignDownload({ key, filename: 'a.pdf', ttlSeconds: 60 });
    assert.equal(await (await fetch(at(down.url))).text(), 'hello');
  });

  it('when the upload has no Content-Type, then 403', async () => {
    const key = `${randomUUID()}/f`;
    const up = await store.presignUpload({ key, contentType: 'text/plain', ttlSeconds: 60 });
    const r = await fetch(at(up.url), { method: 'PUT', body: new Uint8Array([1, 2, 3]) });
    assert.equal(r.status, 403);
    assert.equal(await store.stat({ key }), null);
  });

  it('when a query field is missing, duplicated or not a number, then 403 with a detail', async () => {
    const key = `${randomUUID()}/f`;
    const up = await store.presignUpload({ key, contentType: 'text/plain', ttlSeconds: 60, maxBytes: 10 });
    const variants = [
      (q: URLSearchParams) => q.delete('sig'),
      (q: URLSearchParams) => q.delete('expires'),
      (q: URLSearchParams) => q.set('expires', '1e99'),
      (q: URLSearchParams) => q.set('max', '-1'),
      (q: URLSearchParams) => q.set('exact', '3'),
    ];
    for (const change of variants) {
      const u = at(up.url);
      change(u.searchParams);
      const r = await fetch(u, { method: 'PUT', headers: up.headers, body: 'abc' });
      assert.equal(r.status, 403, u.search);
      assert.equal(typeof (await r.json()).detail, 'string');
    }
    assert.equal(await store.stat({ key }), null);
  });

  it('when a download URL has expired, then 403 url_expired', async () => {
    const key = `${randomUUID()}/file.txt`;
    await store.put({ key, body: Buffer.from('x') });
    const down = await store.presignDownload({ key, filename: 'f.txt', ttlSeconds: 1 });
    await new Promise((r) => setTimeout(r, 2100));
    const r = await fetch(at(down.url));
    assert.equal(r.status, 403);
    assert.equal((await r.json()).code, 'url_expired');
  });

  it('when a download URL is used for another key or another filename, then 403', async () => {
    const key = `${randomUUID()}/file.txt`;
    await store.put({ key, body: Buffer.from('x') });
    const down = await store.presignDownload({ key, filename: 'f.txt', ttlSeconds: 60 });
    const otherKey = at(down.url);
    otherKey.pathname = otherKey.pathname.replace('file.txt', 'other.txt');
    assert.equal((await fetch(otherKey)).status, 403);
    const otherName = at(down.url);
    otherName.searchParams.set('filename', 'evil.html');
    assert.equal((await fetch(otherName)).status, 403);
  });

  it('when an upload is refused early, then the connection is closed instead of reading the rest of the body', async () => {
    const up = await store.presignUpload({ key: `${randomUUID()}/f`, contentType: 'text/plain', ttlSeconds: 60, maxBytes: 10 });
    const r = await fetch(at(up.url), { method: 'PUT', headers: up.headers, body: 'x'.repeat(5000) });
    assert.equal(r.status, 413);
    assert.equal(r.headers.get('connection'), 'close');
  });
});
