import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.js';
import type { JobQueue } from '../../jobs/job-registry.js';
import { adminRoutes } from './admin.routes.js';
import { createAdminService } from './admin.service.js';

/** Wires user administration for runtime.ts; register it after the accounts module (it needs `authenticate`). */
export function createAdminModule(deps: { db: Database; queue: JobQueue; defaultQuotaBytes: number }) {
  const service = createAdminService(deps);
  return {
    service,
    routes: async (app: FastifyInstance) => {
      await app.register(adminRoutes, { prefix: '/api/admin', service });
    },
  };
}
