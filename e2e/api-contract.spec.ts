import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { endpoints } from '../web/src/api/endpoints.ts';
import { startApp, type AppServer } from './support/app-server.js';

/**
 * The web client's hand-written API types are checked against the OpenAPI document the
 * running server generates from its route schemas: every endpoint the client calls must
 * exist with its method, and every response field the UI reads must be in the success
 * response schema.
 */
type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
};
type Operation = { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> };
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const normalise = (p: string) => p.replace(/\/+$/, '') || '/';

function resolve(doc: OpenApi, s: Schema | undefined): Schema | undefined {
  if (s?.$ref) return resolve(doc, doc.components?.schemas?.[s.$ref.split('/').pop()!]);
  return s;
}

/** Whether `path` (a.b, items[].x, [].x) names a property somewhere in the schema's variants. */
function hasField(doc: OpenApi, schema: Schema | undefined, path: string): boolean {
  const s = resolve(doc, schema);
  if (!s) return false;
  for (const variants of [s.anyOf, s.oneOf, s.allOf]) {
    if (variants?.some((v) => hasField(doc, v, path))) return true;
  }
  if (path === '') return true;
  if (path.startsWith('[]')) return hasField(doc, s.items, path.slice(2).replace(/^\./, ''));
  const [head, ...rest] = path.split('.');
  const array = head!.endsWith('[]');
  const name = array ? head!.slice(0, -2) : head!;
  const prop = s.properties?.[name];
  if (!prop) return false;
  const next = rest.join('.');
  return array ? hasField(doc, resolve(doc, prop)?.items, next) : hasField(doc, prop, next);
}

describe('the web client against the server’s OpenAPI document', () => {
  let app: AppServer;
  let doc: OpenApi;

  before(async () => {
    app = await startApp();
    const r = await fetch(`${app.baseUrl}/api/docs/json`);
    assert.equal(r.status, 200, 'GET /api/docs/json');
    doc = (await r.json()) as OpenApi;
  });

  after(async () => {
    await app?.stop();
  });

  for (const [name, ep] of Object.entries(endpoints)) {
    it(`when the client calls ${name} (${ep.method} ${ep.path}), then the server documents it and every field the UI reads`, () => {
      const paths = Object.fromEntries(Object.entries(doc.paths).map(([p, v]) => [normalise(p), v]));
      const item = paths[normalise(ep.path)];
      assert.ok(item, `${ep.path} is not in /api/docs/json (paths: ${Object.keys(doc.paths).join(', ')})`);
      const op = item[ep.method.toLowerCase()];
      assert.ok(op, `${ep.method} ${ep.path} is not in /api/docs/json (methods: ${Object.keys(item).join(', ')})`);
      const reads = 'reads' in ep ? (ep.reads as readonly string[]) : [];
      if (reads.length === 0) return;
      const success = Object.entries(op.responses ?? {}).find(([status]) => /^2\d\d$/.test(status) && status !== '204');
      assert.ok(success, `${ep.method} ${ep.path} documents no 2xx JSON response`);
      const schema = success[1].content?.['application/json']?.schema;
      const missing = reads.filter((f) => !hasField(doc, schema, f));
      assert.deepEqual(missing, [], `${ep.method} ${ep.path}: the UI reads fields the ${success[0]} response schema lacks`);
    });
  }
});
