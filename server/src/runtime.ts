import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preparePrivateDataDir } from './config/data-dir.js';
import type { Config } from './config/load-config.js';
import { loadSecrets, type Secrets } from './config/secrets.js';
import { createDatabase } from './db/create-database.js';
import type { Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { buildApp } from './http/app.js';
import { JobRegistry, type JobDefinition, type JobQueue } from './jobs/job-registry.js';
import { JobRunner } from './jobs/job-runner.js';
import type { BlobStore } from './storage/blob-store.js';
import { diskStorageRoutes } from './storage/disk-storage.routes.js';
import { createBlobStore, type BlobStoreOptions } from './storage/index.js';
import { createMailTransport } from './mail/mail-transport.js';
import { createAdminModule } from './modules/admin/admin.module.js';
import { createAccountsModule } from './modules/auth/auth.module.js';
import { createClassificationModule } from './modules/classification/classification.module.js';
import { createDocumentsModule } from './modules/documents/documents.module.js';
import { createSettingsModule } from './modules/settings/settings.module.js';
import { createSharesModule } from './modules/shares/shares.module.js';
import { createTopicsModule } from './modules/topics/topics.module.js';

export class StartupError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'StartupError';
  }
}

export interface Runtime {
  config: Config;
  secrets: Secrets;
  db: Database;
  blobs: BlobStore;
  jobs: JobRunner;
  /** Present when the role serves HTTP (api, all). */
  app?: FastifyInstance;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logStream?: NodeJS.WritableStream;
  /** Extra job definitions (tests); the product's own come from the modules. */
  extraJobs?: JobDefinition<never>[];
  /** Extra routes (tests), registered after the product's own. */
  extraRoutes?: (app: FastifyInstance) => Promise<void>;
}

const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Until the HTTP app's logger exists (and in worker-only processes). */
const consoleLogger = {
  info: (o: object, m?: string) => console.log(m ?? '', o),
  warn: (o: object, m?: string) => console.warn(m ?? '', o),
  error: (o: object, m?: string) => console.error(m ?? '', o),
};

function blobStoreConfig(config: Config, secrets: Secrets): BlobStoreOptions {
  return config.storageBackend === 's3'
    ? {
        backend: 's3',
        endpoint: config.s3Endpoint!,
        publicEndpoint: config.s3PublicEndpoint,
        bucket: config.s3Bucket,
        region: config.s3Region,
        accessKeyId: config.s3AccessKey!,
        secretAccessKey: config.s3SecretKey!,
        forcePathStyle: config.s3ForcePathStyle,
        signingKey: secrets.urlSigningKey,
        publicBaseUrl: config.publicUrl,
      }
    : {
        backend: 'local',
        rootDir: join(config.dataDir, 'files'),
        signingKey: secrets.urlSigningKey,
        publicBaseUrl: config.publicUrl,
      };
}

/** Builds everything from the config: adapters, then services, then the app and workers. */
export async function startRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
  const { tightened } = preparePrivateDataDir(config.dataDir);
  if (tightened > 0) {
    consoleLogger.warn(
      { dataDir: config.dataDir, entries: tightened },
      'DATA_DIR was readable by other users: made it and everything under it private to this user (0700 directories, 0600 files)',
    );
  }
  const secrets = loadSecrets({ dataDir: config.dataDir, secretKey: config.secretKey });

  let db: Database;
  try {
    db = await createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
  } catch (e) {
    throw new StartupError(
      config.databaseUrl ? 'DATABASE_URL' : 'DATA_DIR',
      `cannot open the database (${(e as Error).message})`,
    );
  }
  let app: FastifyInstance | undefined;
  let jobs: JobRunner | undefined;
  try {
    await migrate(db);

    const blobs = createBlobStore(blobStoreConfig(config, secrets));

    // Modules queue jobs through this; the runner exists before any request or job runs.
    const queue: JobQueue = {
      send: (name, data, o) => {
        if (!jobs) throw new Error('the job queue is not started yet');
        return jobs.send(name, data, o);
      },
      insertSql: (name, data, params, when) => {
        if (!jobs) throw new Error('the job queue is not started yet');
        return jobs.insertSql(name, data, params, when);
      },
    };
    const log = { warn: (o: object, m?: string) => (app?.log ?? consoleLogger).warn(o, m) };
    const accounts = createAccountsModule({
      config,
      secrets,
      db,
      mail: createMailTransport({ smtpUrl: config.smtpUrl, outboxDir: join(config.dataDir, 'outbox'), from: config.mailFrom }),
      queue,
    });
    const documents = createDocumentsModule({ config, db, blobs, queue, log });
    const admin = createAdminModule({ db, queue, defaultQuotaBytes: config.defaultQuotaBytes });
    const topics = createTopicsModule({ db });
    const shares = createSharesModule({ config, secrets, db, blobs, queue });
    const settings = createSettingsModule({ config, secrets, db });
    const classification = createClassificationModule({ config, db, blobs, settings: settings.service, log });
    const registry = new JobRegistry([...accounts.jobs, ...documents.jobs, ...classification.jobs, ...(opts.extraJobs ?? [])]);

    if (config.role !== 'worker') {
      app = await buildApp({
        config,
        db,
        blobs,
        logStream: opts.logStream,
        webDist: WEB_DIST,
        features: [
          accounts.routes, // first: it decorates `authenticate`
          admin.routes,
          async (a) => {
            await a.register(diskStorageRoutes, { store: blobs, gate: documents.uploadGate });
          },
          documents.routes,
          shares.routes,
          topics.routes,
          settings.routes,
          ...(opts.extraRoutes ? [opts.extraRoutes] : []),
        ],
      });
    }
    const logger = app?.log ?? consoleLogger;
    const runner = new JobRunner({ db, registry, logger });
    jobs = runner;
    await runner.start();
    if (config.role !== 'api') await runner.work();
    let closing: Promise<void> | undefined;
    return {
      config,
      secrets,
      db,
      blobs,
      jobs: runner,
      app,
      // Once, however often it is called: the pool of node-postgres cannot be ended twice.
      close() {
        closing ??= (async () => {
          await app?.close();
          await runner.stop();
          await classification.close(); // the idle text-extraction processes
          await db.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    await app?.close().catch(() => {});
    await jobs?.stop().catch(() => {});
    await db.close().catch(() => {});
    throw e;
  }
}
