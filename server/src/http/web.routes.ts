import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Serves the built web UI: hashed assets cached for a year, index.html never cached, both
 * compressed (brotli or gzip, as the browser accepts), and every other GET outside /api
 * answered with index.html so client-side routes survive a reload. Source maps are never
 * served, even when a build made them.
 */
export const webRoutes: FastifyPluginAsync<{ webDist: string }> = async (app, { webDist }) => {
  const index = join(webDist, 'index.html');
  if (!existsSync(index)) {
    app.log.warn({ webDist }, 'web UI is not built; run `npm run build`');
    return;
  }
  // Inside this plugin only: the API's answers and the storage downloads are left alone.
  await app.register(compress, { encodings: ['br', 'gzip'] });
  await app.register(fastifyStatic, {
    root: webDist,
    wildcard: false,
    index: false,
    allowedPath: (pathname) => !pathname.endsWith('.map'),
    // Our setHeaders decides; @fastify/static's own header would overwrite it with max-age=0.
    cacheControl: false,
    setHeaders(res, path) {
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, (req, reply) => {
    if (req.url.startsWith('/api/') || req.url.startsWith('/assets/')) {
      return reply.status(404).send({ detail: `Not found: GET ${req.url.split('?')[0]}`, code: 'not_found' });
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
};
