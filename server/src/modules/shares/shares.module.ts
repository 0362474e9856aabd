import type { FastifyInstance } from 'fastify';
import { hkdfSync } from 'node:crypto';
import type { Config } from '../../config/load-config.js';
import type { Secrets } from '../../config/secrets.js';
import type { Database } from '../../db/database.js';
import type { JobQueue } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { createThrottle, THROTTLE_WINDOW_SECONDS } from '../auth/throttle.js';
import { sharePageRoutes } from './share-page.routes.js';
import { createUnlockProof } from './share-token.js';
import { sharesRoutes } from './shares.routes.js';
import { createShareService } from './shares.service.js';

export interface SharesModuleDeps {
  config: Pick<Config, 'publicUrl' | 'shareUrlTtlSeconds' | 'shareDownloadsPerMinute'>;
  secrets: Pick<Secrets, 'encryptionKey'>;
  db: Database;
  blobs: BlobStore;
  queue: JobQueue;
}

/** Wires share links: the owner's API under /api and the public pages under /s/. */
export function createSharesModule(deps: SharesModuleDeps) {
  const { config, db, blobs } = deps;
  const cookieKey = Buffer.from(hkdfSync('sha256', deps.secrets.encryptionKey, 'docuvault', 'share-unlock-cookies', 32));
  const service = createShareService({
    db,
    blobs,
    queue: deps.queue,
    passwordThrottle: createThrottle({ db, windowSeconds: THROTTLE_WINDOW_SECONDS }),
    downloadThrottle: createThrottle({ db, windowSeconds: 60 }),
    proof: createUnlockProof(cookieKey),
    settings: { urlTtlSeconds: config.shareUrlTtlSeconds, downloadsPerMinute: config.shareDownloadsPerMinute },
  });

  // The download form is answered with a redirect to the storage URL; a browser checks
  // form-action against that target too, so the storage's origin is allowed when it is
  // not ours (S3). Found from a URL presigned locally, once.
  let origins: Promise<string[]> | undefined;
  const storageOrigins = () =>
    (origins ??= blobs
      .presignDownload({ key: 'share-page/origin-probe', filename: 'probe', ttlSeconds: 1 })
      .then(({ url }) => (/^https?:\/\//i.test(url) ? [new URL(url).origin] : []))
      .catch(() => []));

  return {
    service,
    routes: async (app: FastifyInstance) => {
      await app.register(sharesRoutes, { service, publicUrl: config.publicUrl });
      await app.register(sharePageRoutes, {
        service,
        secureCookie: config.publicUrl?.startsWith('https:') ?? false,
        storageOrigins,
      });
    },
  };
}
