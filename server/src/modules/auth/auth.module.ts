import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { hkdfSync } from 'node:crypto';
import type { Config } from '../../config/load-config.js';
import type { Secrets } from '../../config/secrets.js';
import type { Database } from '../../db/database.js';
import type { JobDefinition, JobQueue } from '../../jobs/job-registry.js';
import type { MailTransport } from '../../mail/mail-transport.js';
import { securityAlertJob } from '../../mail/send-security-alert.job.js';
import { adminRoutes } from '../admin/admin.routes.js';
import { createAdminService } from '../admin/admin.service.js';
import { findUserById } from './auth.repository.js';
import { authRoutes } from './auth.routes.js';
import { createAuthService } from './auth.service.js';
import { createAuthenticate } from './authenticate.js';
import { createCryptoBox } from './crypto-box.js';
import { warmUpPasswordHashing } from './password.js';
import { purgeAuthStateJob } from './purge-auth-state.job.js';
import { createThrottle, type ThrottleLimits } from './throttle.js';
import { createTokenSigner } from './tokens.js';

export interface AccountsModuleDeps {
  config: Pick<Config, 'registration' | 'defaultQuotaBytes' | 'publicUrl'>;
  secrets: Pick<Secrets, 'jwtKey' | 'encryptionKey'>;
  db: Database;
  queue: JobQueue;
  mail: MailTransport;
  throttleLimits?: Partial<ThrottleLimits>;
  clock?: () => Date;
}

export interface AccountsModule {
  /** A feature for buildApp: decorates `authenticate` on the root instance, then the routes. Register it first. */
  routes: (app: FastifyInstance) => Promise<void>;
  /** The security-alert mail job and the throttle-purge job, for the job registry. */
  jobs: JobDefinition<never>[];
}

/** Accounts, sessions, 2FA, admin and their alert mail, wired from the adapters. */
export function createAccountsModule(deps: AccountsModuleDeps): AccountsModule {
  const { db, config } = deps;
  const backupCodeKey = Buffer.from(hkdfSync('sha256', deps.secrets.encryptionKey, 'docuvault', 'backup-codes', 32));
  const authService = createAuthService({
    db,
    queue: deps.queue,
    signer: createTokenSigner(deps.secrets.jwtKey, deps.clock),
    box: createCryptoBox(deps.secrets.encryptionKey),
    backupCodeKey,
    throttle: createThrottle({ db, limits: deps.throttleLimits }),
    registration: config.registration,
    defaultQuotaBytes: config.defaultQuotaBytes,
    clock: deps.clock,
  });
  const adminService = createAdminService({ db, queue: deps.queue, clock: deps.clock });

  return {
    async routes(app) {
      // Global on purpose: @fastify/cookie is wrapped with fastify-plugin.
      await app.register(cookie);
      // Decorated on the root instance, so every feature registered later sees it.
      app.decorate('authenticate', createAuthenticate(authService));
      await app.register(authRoutes, {
        prefix: '/api/auth',
        service: authService,
        secureCookie: config.publicUrl?.startsWith('https:') ?? false,
      });
      await app.register(adminRoutes, { prefix: '/api/admin', service: adminService });
      void warmUpPasswordHashing();
    },
    jobs: [
      securityAlertJob({
        mail: deps.mail,
        findRecipient: async (userId) => (await findUserById(db, userId))?.email ?? null,
        appUrl: config.publicUrl,
      }),
      purgeAuthStateJob(db),
    ] as JobDefinition<never>[],
  };
}
