import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { Database } from '../db/database.js';
import type { BlobStore } from '../storage/blob-store.js';

const Check = Type.Union([Type.Literal('ok'), Type.Literal('down')]);
const HealthBody = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Check,
  storage: Check,
});

const TIMEOUT_MS = 3000;

async function probe(fn: () => Promise<unknown>): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS)))]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsync<{ db: Database; blobs: BlobStore }> = async (app, { db, blobs }) => {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness of the API, its database and its storage',
        response: { 200: HealthBody, 503: HealthBody },
      },
    },
    async (_req, reply) => {
      const [database, storage] = await Promise.all([probe(() => db.query('SELECT 1')), probe(() => blobs.ping())]);
      const ok = database === 'ok' && storage === 'ok';
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', database, storage });
    },
  );
};
