import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, describeConfig, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('when nothing is set, then the embedded defaults of SPEC §1 apply', () => {
    const c = loadConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.storageBackend, 'local');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.defaultQuotaBytes, 104857600);
    assert.equal(c.uploadUrlTtlSeconds, 900);
    assert.equal(c.pendingUploadTtlSeconds, 3600);
    assert.equal(c.cleanupIntervalSeconds, 1800);
    assert.equal(c.role, 'all');
    assert.equal(c.registration, 'open');
    assert.match(c.dataDir, /\/data$/);
  });

  for (const [variable, value] of [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['STORAGE_BACKEND', 'ftp'],
    ['DATABASE_URL', 'nonsense'],
    ['DATABASE_URL', 'mysql://x/y'],
    ['ROLE', 'boss'],
    ['DEFAULT_QUOTA_BYTES', '-1'],
    ['S3_FORCE_PATH_STYLE', 'maybe'],
  ] as const) {
    it(`when ${variable}=${value}, then loading fails naming ${variable}`, () => {
      assert.throws(
        () => loadConfig({ [variable]: value }),
        (e: unknown) => e instanceof ConfigError && e.variable === variable && e.message.includes(variable),
      );
    });
  }

  it('when TRUST_PROXY=true, then exactly one proxy hop is trusted; a number is a hop count; a list names the proxies', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadConfig({ TRUST_PROXY: '0' }).trustProxy, false);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.1, 172.16.0.0/12,loopback' }).trustProxy, [
      '10.0.0.1',
      '172.16.0.0/12',
      'loopback',
    ]);
    for (const bad of ['everyone', '10.0.0.1; rm', '99']) {
      assert.throws(() => loadConfig({ TRUST_PROXY: bad }), (e: unknown) => e instanceof ConfigError && e.variable === 'TRUST_PROXY', bad);
    }
  });

  it('when a secret variable is bad, then its value is not echoed', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres-ish secret' }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes('secret') && e.message.includes('DATABASE_URL'),
    );
  });

  it('when STORAGE_BACKEND=s3 has no endpoint, then loading fails naming S3_ENDPOINT', () => {
    assert.throws(
      () => loadConfig({ STORAGE_BACKEND: 's3' }),
      (e: unknown) => e instanceof ConfigError && e.variable === 'S3_ENDPOINT',
    );
  });

  it('the help table lists every variable of SPEC §1', () => {
    const table = describeConfig();
    for (const v of [
      'PORT',
      'DATA_DIR',
      'DATABASE_URL',
      'STORAGE_BACKEND',
      'S3_ENDPOINT',
      'S3_PUBLIC_ENDPOINT',
      'S3_BUCKET',
      'S3_REGION',
      'S3_ACCESS_KEY',
      'S3_SECRET_KEY',
      'S3_FORCE_PATH_STYLE',
      'PUBLIC_URL',
      'CORS_ORIGINS',
      'SMTP_URL',
      'MAIL_FROM',
      'DEFAULT_QUOTA_BYTES',
      'UPLOAD_URL_TTL_SECONDS',
      'PENDING_UPLOAD_TTL_SECONDS',
      'CLEANUP_INTERVAL_SECONDS',
      'ROLE',
      'REGISTRATION',
      'LOG_LEVEL',
    ]) {
      assert.match(table, new RegExp(`^${v}\\s`, 'm'), v);
    }
  });
});
