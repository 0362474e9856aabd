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
import { withNamedComponents } from './openapi-components.js';

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
      '/api/topics',
      '/api/settings',
      '/api/admin/users',
    ]) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
  });

  it('when a collection is registered at its prefix, then its path has no trailing slash (SPEC names /api/topics)', () => {
    const slashed = Object.keys(doc.paths ?? {}).filter((p) => p.endsWith('/'));
    assert.deepEqual(slashed, []);
  });

  it('when a route schema has a title, then the document names it as a component and the route refers to it', () => {
    const schemas = doc.components?.schemas ?? {};
    for (const name of ['Document', 'DocumentPage', 'Topic', 'Settings', 'AdminUser', 'ShareLink', 'Me', 'Error']) {
      assert.ok(schemas[name], `component ${name}`);
    }
    type Operation = { responses: Record<string, { content: Record<string, { schema: unknown }> }> };
    const get = (doc.paths?.['/api/documents/{id}'] as { get: Operation }).get;
    assert.deepEqual(get.responses['200']!.content['application/json']!.schema, { $ref: '#/components/schemas/Document' });
    assert.deepEqual(get.responses['404']!.content['application/json']!.schema, { $ref: '#/components/schemas/Error' });
  });
});

describe('withNamedComponents', () => {
  const shape = (extra: object) => ({ type: 'object', title: 'Thing', properties: { a: { type: 'string' }, ...extra } });

  it('when two different schemas carry one title, then it refuses rather than merge them', () => {
    const doc = { paths: { '/a': { get: { x: shape({}) } }, '/b': { get: { x: shape({ b: { type: 'string' } }) } } } };
    assert.throws(() => withNamedComponents(doc), /two different schemas are titled Thing/);
  });

  it('when it names components, then the routes’ own schema objects are left untouched', () => {
    const thing = shape({});
    const doc = { paths: { '/a': { get: { x: thing } } } };
    const out = withNamedComponents(doc);
    assert.deepEqual(out.paths['/a'].get.x, { $ref: '#/components/schemas/Thing' });
    assert.equal(doc.paths['/a'].get.x, thing);
    assert.equal(thing.title, 'Thing');
  });
});
