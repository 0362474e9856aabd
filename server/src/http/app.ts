import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/load-config.js';
import type { Database } from '../db/database.js';
import type { BlobStore } from '../storage/blob-store.js';
import { installErrorHandler, renderFrameworkError } from './error-handler.js';
import { installValidators } from './validation.js';
import { healthRoutes } from './health.routes.js';
import { loggerOptions } from './logger.js';
import { webRoutes } from './web.routes.js';

export interface AppDeps {
  config: Pick<Config, 'logLevel' | 'corsOrigins' | 'publicUrl' | 'trustProxy'>;
  db: Database;
  blobs: BlobStore;
  /** Feature routes, registered after the shared plumbing; main.ts builds them from services. */
  features?: Array<(app: FastifyInstance) => Promise<void>>;
  webDist?: string;
  logStream?: NodeJS.WritableStream;
}

const JSON_BODY_LIMIT = 256 * 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(deps.config.logLevel, deps.logStream),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: deps.config.trustProxy,
    frameworkErrors: renderFrameworkError,
  });
  installErrorHandler(app);
  installValidators(app);

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });

  await app.register(cors, corsOptions(deps.config.corsOrigins));

  await app.register(swagger, {
    openapi: {
      info: { title: 'DocuVault API', version: '0.1.0', description: 'Self-hosted multi-user document vault' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
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
