import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type { OpenAPI3 } from 'openapi-typescript';
import {
  REGENERATE_COMMAND,
  WEB_API_TYPES_FILE,
  buildOpenApiDocument,
  webApiTypesSource,
} from '../test-support/web-api-types.js';

describe('the web client types generated from the OpenAPI document', () => {
  let doc: OpenAPI3;
  before(async () => {
    doc = await buildOpenApiDocument();
  });

  it('when the route schemas change, then the committed web/src/api/generated/openapi.ts must be regenerated', async () => {
    const fresh = await webApiTypesSource(doc);
    const committed = readFileSync(WEB_API_TYPES_FILE, 'utf8');
    if (committed !== fresh) {
      const a = committed.split('\n');
      const b = fresh.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      assert.fail(
        `web/src/api/generated/openapi.ts is stale (first difference at line ${line + 1}: ` +
          `committed ${JSON.stringify(a[line])}, schemas say ${JSON.stringify(b[line])}). Run \`${REGENERATE_COMMAND}\` and commit the file.`,
      );
    }
  });

  it('when the document is generated, then every capability’s routes are in it', async () => {
    const paths = Object.keys(doc.paths ?? {});
    for (const p of [
      '/api/auth/me',
      '/api/documents',
      '/api/documents/{id}/text',
      '/api/topics/',
      '/api/settings/',
      '/api/admin/users',
    ]) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
  });
});
