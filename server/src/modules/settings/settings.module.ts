import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/load-config.js';
import type { Secrets } from '../../config/secrets.js';
import type { Database } from '../../db/database.js';
import { createCryptoBox } from '../auth/crypto-box.js';
import { settingsRoutes } from './settings.routes.js';
import { createSettingsService } from './settings.service.js';

/** Wires the settings capability for runtime.ts. */
export function createSettingsModule(deps: {
  config: Pick<Config, 'aiAllowPrivateUrls'>;
  secrets: Pick<Secrets, 'encryptionKey'>;
  db: Database;
}) {
  const service = createSettingsService({
    db: deps.db,
    box: createCryptoBox(deps.secrets.encryptionKey),
    allowPrivateUrls: deps.config.aiAllowPrivateUrls,
  });
  return {
    service,
    routes: async (app: FastifyInstance) => {
      await app.register(settingsRoutes, { prefix: '/api/settings', service });
    },
  };
}
