import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.js';
import { topicsRoutes } from './topics.routes.js';
import { createTopicService } from './topics.service.js';

/** Wires the topics capability for runtime.ts. */
export function createTopicsModule(deps: { db: Database }) {
  const service = createTopicService({ db: deps.db });
  return {
    service,
    routes: async (app: FastifyInstance) => {
      await app.register(topicsRoutes, { prefix: '/api/topics', service });
    },
  };
}
