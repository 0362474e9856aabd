import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { getTestS3 } from '../test-support/s3-server.js';
import { createS3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

const s3 = await getTestS3();
after(() => s3.stop());

const options: S3BlobStoreOptions = {
  endpoint: s3.endpoint,
  bucket: s3.bucket,
  region: s3.region,
  accessKeyId: s3.accessKeyId,
  secretAccessKey: s3.secretAccessKey,
  forcePathStyle: true,
};
const store = createS3BlobStore(options);
const onSwiftOnly = (why: string) => (s3.kind === 'swift' ? {} : { skip: `${s3.kind}: ${why}` });

describe(`s3 blob store (${s3.kind})`, () => {
  it('when a public endpoint is configured, then only presigned URLs use it and they work there', async () => {
    // The server-side endpoint is unreachable: presigning must not need it.
    const presignOnly = createS3BlobStore({ ...options, endpoint: 'http://127.0.0.1:9', publicEndpoint: s3.endpoint });
    const key = `${randomUUID()}/via-public.txt`;
    const up = await presignOnly.presignUpload({ key, contentType: 'text/plain', ttlSeconds: 60, exactBytes: 5 });
    assert.equal(new URL(up.url).origin, new URL(s3.endpoint).origin);
    const r = await fetch(up.url, { method: 'PUT', headers: up.headers, body: 'hello' });
    assert.equal(r.status, 200, await r.text());
    assert.equal((await store.stat({ key }))?.size, 5);
    await assert.rejects(presignOnly.stat({ key }));
  });

  it(
    'when more objects match than one list page holds (1000), then list follows the continuation',
    onSwiftOnly('answers 500 to listings over 1000 keys'),
    async () => {
      const prefix = `${randomUUID()}/`;
      const keys = Array.from({ length: 1005 }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(keys.slice(i, i + 50).map((key) => store.put({ key, body: Buffer.from('x') })));
      }
      const listed: string[] = [];
      for await (const o of store.list({ prefix })) listed.push(o.key);
      assert.deepEqual(listed.sort(), keys);
    },
  );

  it('when the bucket does not exist, then ping throws', async () => {
    await assert.rejects(createS3BlobStore({ ...options, bucket: `missing-${Date.now()}` }).ping());
  });

  it('when the credentials are wrong, then ping throws', onSwiftOnly('does not check credentials'), async () => {
    await assert.rejects(createS3BlobStore({ ...options, secretAccessKey: 'wrong' }).ping());
  });

  it('when the endpoint is unreachable, then ping throws', async () => {
    await assert.rejects(createS3BlobStore({ ...options, endpoint: 'http://127.0.0.1:9' }).ping());
  });
});
