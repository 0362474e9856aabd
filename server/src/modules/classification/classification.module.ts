import type { Config } from '../../config/load-config.js';
import type { Database } from '../../db/database.js';
import type { JobDefinition } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { SettingsService } from '../settings/settings.service.js';
import { extractAndClassifyJob, type ExtractAndClassifyDeps } from './extract-and-classify.job.js';
import { DEFAULT_EXTRACTION_LIMITS, type ExtractionLimits } from './extraction/extraction-limits.js';
import { createExtractionPool } from './extraction/extraction-pool.js';
import { createLocalClassifier } from './local/local-classifier.service.js';

export interface ClassificationModuleDeps {
  config: Pick<Config, 'aiAllowPrivateUrls' | 'ocrLanguages' | 'ocrMaxPages'>;
  db: Database;
  blobs: BlobStore;
  settings: Pick<SettingsService, 'providerSettings'>;
  log?: { warn(obj: object, msg?: string): void };
  limits?: Partial<ExtractionLimits>;
  providerTimeoutMs?: number;
  providers?: ExtractAndClassifyDeps['providers'];
}

/** Wires extraction, the local classifier, the AI providers and the extract-and-classify job, for runtime.ts. */
export function createClassificationModule(deps: ClassificationModuleDeps) {
  const limits: ExtractionLimits = {
    ...DEFAULT_EXTRACTION_LIMITS,
    ...deps.limits,
    ocr: {
      ...DEFAULT_EXTRACTION_LIMITS.ocr,
      languages: deps.config.ocrLanguages,
      maxPages: deps.config.ocrMaxPages,
      ...deps.limits?.ocr,
    },
  };
  const pool = createExtractionPool({ limits });
  const job = extractAndClassifyJob({
    db: deps.db,
    blobs: deps.blobs,
    pool,
    limits,
    local: createLocalClassifier(),
    providerSettings: (userId) => deps.settings.providerSettings(userId),
    allowPrivateUrls: deps.config.aiAllowPrivateUrls,
    providerTimeoutMs: deps.providerTimeoutMs ?? 60_000,
    log: deps.log,
    providers: deps.providers,
  });
  return {
    jobs: [job] as JobDefinition<never>[],
    close: () => pool.close(),
  };
}
