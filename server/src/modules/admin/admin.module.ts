import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.js';
import { adminRoutes } from './admin.routes.js';
import { createAdminService } from './admin.service.js';

/** Wires user administration for runtime.ts; register it after the accounts module (it needs `authenticate`). */
export function createAdminModule(deps: { db: Database }) {
  const service = createAdminService({ db: deps.db });
  return {
    service,
    routes: async (app: FastifyInstance) => {
      await app.register(adminRoutes, { prefix: '/api/admin', service });
    },
  };
}
