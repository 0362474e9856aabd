import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { databaseKinds, httpClient, startTestApp } from '../test-support/test-app.js';
import { startTestS3Server } from '../test-support/s3-server.js';

describe('GET /api/health', () => {
  for (const db of databaseKinds()) {
    it(`when ${db} and the disk are up, then 200 ok`, async () => {
      const app = await startTestApp({ db });
      try {
        const r = await httpClient(app.baseUrl)('GET', '/api/health');
        assert.equal(r.status, 200);
        assert.deepEqual(r.body, { status: 'ok', database: 'ok', storage: 'ok' });
      } finally {
        await app.close();
      }
    });
  }

  it('when STORAGE_BACKEND=s3 and the S3 server is up, then 200; when it is stopped, then 503 naming storage', async () => {
    const s3 = await startTestS3Server();
    const app = await startTestApp({ s3 });
    try {
      const req = httpClient(app.baseUrl);
      const up = await req('GET', '/api/health');
      assert.equal(up.status, 200, up.text);
      assert.equal(up.body.storage, 'ok');
      await s3.stop();
      const down = await req('GET', '/api/health');
      assert.equal(down.status, 503);
      assert.deepEqual(down.body, { status: 'degraded', database: 'ok', storage: 'down' });
    } finally {
      await app.close();
      await s3.stop().catch(() => {});
    }
  });
});
