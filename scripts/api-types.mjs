#!/usr/bin/env node
// `npm run api:types`: regenerates web/src/api/generated/openapi.ts from the OpenAPI
// document the server's route schemas make, built in-process (no server, no database to run).
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { buildOpenApiDocument, webApiTypesSource, WEB_API_TYPES_FILE } =
  await import('../server/src/test-support/web-api-types.ts');
const source = await webApiTypesSource(await buildOpenApiDocument());
writeFileSync(WEB_API_TYPES_FILE, source);
console.log(`wrote ${WEB_API_TYPES_FILE}`);
