import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { loadConfig } from '../config/load-config.js';
import { startRuntime } from '../runtime.js';

/**
 * The web's API types are generated from the OpenAPI document the route schemas make
 * (schemas → routes → OpenAPI → web/src/api/generated/openapi.ts) and committed; `npm run
 * api:types` rewrites the file, web-api-types.test.ts fails when it is stale.
 */
export const WEB_API_TYPES_FILE = new URL('../../../web/src/api/generated/openapi.ts', import.meta.url).pathname;
export const REGENERATE_COMMAND = 'npm run api:types';

/** The app's OpenAPI document, built in-process: the real runtime on a throwaway PGlite, no port. */
export async function buildOpenApiDocument(): Promise<OpenAPI3> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dv-openapi-'));
  // Every log line goes nowhere: a script's output is the file it writes.
  const logStream = new PassThrough().resume();
  const runtime = await startRuntime(loadConfig({ DATA_DIR: dataDir, ROLE: 'api', LOG_LEVEL: 'warn', PORT: '1' }), { logStream });
  try {
    const app = runtime.app!;
    await app.ready();
    return app.swagger() as OpenAPI3;
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const HEADER = `/**
 * GENERATED from the server's OpenAPI document (its route schemas) by openapi-typescript.
 * Do not edit: change the schemas in server/src/modules/<cap>/<cap>.schemas.ts, then run
 * \`${REGENERATE_COMMAND}\`. server/src/http/web-api-types.test.ts fails when this file is stale.
 */

`;

/** The text of web/src/api/generated/openapi.ts for this document. */
export async function webApiTypesSource(doc: OpenAPI3): Promise<string> {
  const ast = await openapiTS(doc, { alphabetize: false, exportType: true });
  return HEADER + astToString(ast);
}
