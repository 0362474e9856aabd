import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/load-config.js';
import type { Database } from '../../db/database.js';
import type { JobDefinition, JobQueue } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { cleanupAbandonedUploadsJob } from './cleanup-abandoned-uploads.job.js';
import { documentViewsRoutes } from './document-views.routes.js';
import { createDocumentViewService } from './document-views.service.js';
import { documentsRoutes } from './documents.routes.js';
import { createDocumentSetService } from './documents-bulk.service.js';
import { createDocumentService } from './documents.service.js';
import { purgeTrashJob } from './purge-trash.job.js';
import { deleteUserJob } from './delete-user.job.js';
import { sweepObjectsJob } from './sweep-objects.job.js';
import { sweepTempFilesJob } from './sweep-temp-files.job.js';
import { createUploadGate } from './upload-gate.js';

export interface DocumentsModuleDeps {
  config: Pick<
    Config,
    | 'uploadUrlTtlSeconds'
    | 'pendingUploadTtlSeconds'
    | 'cleanupIntervalSeconds'
    | 'maxPendingUploads'
    | 'maxUploadBytes'
    | 'uploadMultipartThresholdBytes'
    | 'undeclaredUploadMaxBytes'
    | 'trashRetentionDays'
  >;
  db: Database;
  blobs: BlobStore;
  queue: JobQueue;
  log?: { warn(obj: object, msg?: string): void };
}

/** Wires the documents capability: its service, its routes and its jobs, for runtime.ts. */
export function createDocumentsModule(deps: DocumentsModuleDeps) {
  const { db, blobs, log } = deps;
  const settings = {
    uploadUrlTtlSeconds: deps.config.uploadUrlTtlSeconds,
    pendingUploadTtlSeconds: deps.config.pendingUploadTtlSeconds,
    cleanupIntervalSeconds: deps.config.cleanupIntervalSeconds,
    maxPendingUploads: deps.config.maxPendingUploads,
    maxUploadBytes: deps.config.maxUploadBytes,
    undeclaredUploadMaxBytes: deps.config.undeclaredUploadMaxBytes,
    trashRetentionDays: deps.config.trashRetentionDays,
  };
  const service = createDocumentService({ db, blobs, queue: deps.queue, settings, log });
  const setService = createDocumentSetService({ db, blobs, queue: deps.queue, log });
  const views = createDocumentViewService({ db, blobs, settings });
  // extract-and-classify (queued here) is defined and registered by the classification module.
  const jobs: JobDefinition<never>[] = [
    cleanupAbandonedUploadsJob({ db, blobs, settings, log }),
    sweepObjectsJob({ db, blobs, settings, log }),
    sweepTempFilesJob({ blobs, settings }),
    purgeTrashJob({ db, blobs, settings, log }),
    deleteUserJob({ db, blobs, log }),
  ];
  return {
    service,
    jobs,
    /** Closes the storage URLs of uploads whose document is no longer pending. */
    uploadGate: createUploadGate(db),
    routes: async (app: FastifyInstance) => {
      await app.register(documentsRoutes, {
        service,
        setService,
        uploadOptions: {
          multipart_threshold_bytes: deps.config.uploadMultipartThresholdBytes,
          max_upload_bytes: deps.config.maxUploadBytes,
        },
      });
      await app.register(documentViewsRoutes, { service: views });
    },
  };
}
