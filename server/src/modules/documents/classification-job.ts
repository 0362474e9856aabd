import { defineJob } from '../../jobs/job-registry.js';
import { DocumentJobs, type ExtractAndClassifyPayload } from './document-jobs.js';

/**
 * PLACEHOLDER for issue 6 (extraction and classification), which replaces this module.
 * The job type exists now so that confirm and POST /{id}/classify can queue it inside
 * their transactions and the registry accepts it; until then a run changes nothing and
 * the document stays `uploaded`.
 */
export function extractAndClassifyJob() {
  return defineJob<ExtractAndClassifyPayload>({
    name: DocumentJobs.extractAndClassify,
    retryLimit: 5,
    handler: async () => {},
  });
}
