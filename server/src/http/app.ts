import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/load-config.js';
import type { Database } from '../db/database.js';
import type { BlobStore } from '../storage/blob-store.js';
import { installErrorHandler, renderFrameworkError } from './error-handler.js';
import { installValidators } from './validation.js';
import { healthRoutes } from './health.routes.js';
import { withNamedComponents } from './openapi-components.js';
import { loggerOptions } from './logger.js';
import { registerSecurityHeaders, type SecurityHeadersConfig } from './security-headers.js';
import { webRoutes } from './web.routes.js';

export interface AppDeps {
  config: Pick<Config, 'logLevel' | 'corsOrigins' | 'publicUrl' | 'trustProxy'> & SecurityHeadersConfig;
  db: Database;
  blobs: BlobStore;
  /** Feature routes, registered after the shared plumbing; main.ts builds them from services. */
  features?: Array<(app: FastifyInstance) => Promise<void>>;
  webDist?: string;
  logStream?: NodeJS.WritableStream;
}

const JSON_BODY_LIMIT = 256 * 1024;

/**
 * TRUST_PROXY as Fastify takes it. A hop count N believes the last N entries of
 * X-Forwarded-For, the ones the proxies wrote (Fastify alone ignores a number); the
 * entries left of those were written by the client and never count.
 */
function proxyTrust(trust: Config['trustProxy']): FastifyServerOptions['trustProxy'] {
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return trust;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(deps.config.logLevel, deps.logStream),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: proxyTrust(deps.config.trustProxy),
    frameworkErrors: renderFrameworkError,
  });
  installErrorHandler(app);
  installValidators(app);

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerSecurityHeaders(app, deps.config);

  await app.register(cors, corsOptions(deps.config.corsOrigins));

  await app.register(swagger, {
    openapi: {
      info: { title: 'DocuVault API', version: '0.1.0', description: 'Self-hosted multi-user document vault' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transformObject: (o) => withNamedComponents('openapiObject' in o ? o.openapiObject : o.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  await app.register(healthRoutes, { db: deps.db, blobs: deps.blobs });
  for (const feature of deps.features ?? []) await feature(app);
  if (deps.webDist) await app.register(webRoutes, { webDist: deps.webDist });
  return app;
}

/**
 * CORS_ORIGINS (SPEC §7.1): pages on these origins may call the API and PUT to the
 * app-signed storage URLs (all under /api/) — the UI's dev server, an integrator's site
 * uploading with Uppy. Bearer tokens, not cookies, cross origins, so credentials stay off.
 * ETag is exposed because multipart clients send the parts' ETags back at completion.
 */
function corsOptions(origins: string[]) {
  const allowed = new Set(origins);
  const forApi = {
    origin: (origin: string | undefined, cb: (err: Error | null, allow: boolean) => void) =>
      cb(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    exposedHeaders: ['etag', 'x-request-id', 'retry-after', 'content-disposition'],
    credentials: false,
    maxAge: 600,
    strictPreflight: false,
  };
  return {
    hook: 'onRequest' as const,
    delegator: (req: { url?: string }, cb: (err: Error | null, options: object) => void) =>
      cb(null, allowed.size > 0 && (req.url ?? '').startsWith('/api/') ? forApi : { origin: false }),
  };
}
