import type { Database } from '../../db/database.js';
import { JobNames } from '../../jobs/job-names.js';
import { defineJob, type JobContext } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { ObjectNotFoundError } from '../../storage/storage-errors.js';
import type { ExtractAndClassifyPayload } from '../documents/document-jobs.js';
import type { ProviderSettings } from '../settings/settings.service.js';
import { classificationRepository as repo, type JobDocumentRow } from './classification.repository.js';
import { makeDerivedObjectKey } from '../documents/object-key.js';
import type { ExtractedDocument } from './extraction/extract-document.js';
import type { ExtractionLimits } from './extraction/extraction-limits.js';
import { ExtractionError, longestExtractionMs } from './extraction/extraction-limits.js';
import type { ExtractionPool } from './extraction/extraction-pool.js';
import { fileKind } from './extraction/file-kind.js';
import { hashObject, readCapped } from './extraction/read-capped.js';
import type { LocalClassifier } from './local/local-classifier.service.js';
import type { AiProvider, AiProviderConfig } from './providers/ai-provider.js';
import { createAnthropicProvider } from './providers/anthropic-provider.js';
import { createOpenAiProvider } from './providers/openai-provider.js';
import { ProviderError } from './providers/provider-errors.js';

export const RETRY_LIMIT = 8;

/** "Lease 2024.final.pdf" → "Lease 2024.final"; a name that is only an extension stays. */
export function nameWithoutExtension(filename: string): string {
  return filename.replace(/\.[A-Za-z0-9]{1,8}$/, '') || filename;
}
export const RETRY_DELAY_SECONDS = 2;

export interface ExtractAndClassifyDeps {
  db: Database;
  blobs: BlobStore;
  pool: ExtractionPool;
  limits: ExtractionLimits;
  local: LocalClassifier;
  providerSettings(userId: string): Promise<ProviderSettings>;
  allowPrivateUrls: boolean;
  providerTimeoutMs: number;
  log?: { warn(obj: object, msg?: string): void };
  /** Tests: providers by name (the real ones otherwise). */
  providers?: Partial<Record<'openai' | 'anthropic', (c: AiProviderConfig) => AiProvider>>;
}

/**
 * extract-and-classify, queued at confirm and by POST /documents/{id}/classify:
 *
 * 1. read the object as a stream, at most `limits.maxBytes`, and extract its text in the
 *    extraction processes (bounded time, OS-enforced memory, pages, inflated bytes and characters). A file
 *    that cannot be read ends `classification_failed` with a plain error;
 * 2. store the text (search) and the local classifier's features (learning) — always,
 *    whatever the provider, so search and manual filing work everywhere;
 * 3. classify with the user's provider. `local`: in the same transaction. `openai` /
 *    `anthropic`: an HTTP call outside any transaction, then the result in one.
 *    `none`, or automatic classification switched off for an upload: the text is stored and
 *    nothing is classified — a new document stays `uploaded` (no topics, nothing claimed),
 *    a classified one keeps its topics;
 * 4. the automatic topics are replaced by the new ones, unless the user filed the document
 *    by hand: manual topics override the classifier, so none are added then. The document
 *    ends `classified` (error cleared) or `classification_failed` (error kept).
 *
 * Transient provider errors (429, 5xx, timeouts) throw, and the job runner retries with
 * exponential backoff; on the last attempt they end the document as failed instead. Every
 * step recomputes from the object and the database, so a second run leaves the same result.
 */
export function extractAndClassifyJob(deps: ExtractAndClassifyDeps) {
  const { db } = deps;

  async function extract(doc: JobDocumentRow): Promise<ExtractedDocument> {
    const kind = fileKind(doc.content_type, doc.filename);
    if (kind === 'none') return { text: '', ocr: false, pages: null, truncated: false, thumbnail: null };
    const stream = await deps.blobs.get({ key: doc.object_key });
    const mb = Math.round(deps.limits.maxBytes / 1024 / 1024);
    const bytes = await readCapped(stream, {
      maxBytes: deps.limits.maxBytes,
      // Text files: the beginning is text enough. A PDF or DOCX cut short is corrupt.
      truncate: kind === 'text' || kind === 'html',
      tooLarge: `The file is larger than ${mb} MB; its text is not extracted`,
    });
    return deps.pool.extract(kind, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      owner: doc.user_id,
    });
  }

  function provider(s: ProviderSettings): AiProvider {
    const config: AiProviderConfig = {
      model: s.model,
      baseUrl: s.baseUrl,
      apiKey: s.apiKey,
      allowPrivateUrls: deps.allowPrivateUrls,
      timeoutMs: deps.providerTimeoutMs,
    };
    const make =
      s.provider === 'anthropic'
        ? (deps.providers?.anthropic ?? createAnthropicProvider)
        : (deps.providers?.openai ?? createOpenAiProvider);
    return make(config);
  }

  async function fail(where: { id: string; userId: string }, error: string): Promise<void> {
    await db.transaction(async (tx) => {
      const doc = await repo.findDocument(tx, where, { lock: true });
      if (doc && doc.status !== 'pending') await repo.markFailed(tx, where, error);
    });
  }

  async function run(data: ExtractAndClassifyPayload, ctx: JobContext): Promise<void> {
    const where = { id: data.documentId, userId: data.userId };
    const doc = await repo.findDocument(db, where);
    // Deleted meanwhile, or not confirmed (never queued so): nothing to do. A trashed
    // document is not classified (restoring one that was never read queues it again).
    if (!doc || doc.status === 'pending' || doc.trashed_at) return;

    let extracted: ExtractedDocument;
    try {
      if (!doc.sha256) await repo.saveSha256(db, where, await hashObject(deps.blobs, doc.object_key));
      extracted = await extract(doc);
    } catch (e) {
      if (e instanceof ExtractionError) return fail(where, e.message);
      if (e instanceof ObjectNotFoundError) return fail(where, 'The file is missing from storage');
      throw e; // storage unreachable, a thread that did not start: retried
    }
    const { text } = extracted;
    // The name counts as words of the document, its extension does not: ".txt" or ".pdf" is
    // in many examples of every topic, and an empty or unreadable file would be filed on it.
    const searchable = `${nameWithoutExtension(doc.filename)}\n${text}`;
    let settings: ProviderSettings;
    try {
      settings = await deps.providerSettings(data.userId);
    } catch (e) {
      // The key was sealed under another SECRET_KEY (or the row was tampered with).
      deps.log?.warn({ err: e, documentId: doc.id }, 'classification settings unreadable');
      return fail(
        where,
        'Your classification settings could not be read (the stored API key cannot be decrypted); save them again',
      );
    }
    const classify = settings.provider !== 'none' && (settings.autoClassify || data.requested === true);

    // Bytes first, row second: a thumbnail no row names (the document deleted meanwhile, a
    // crash before the commit) is removed here or by the object sweep.
    const thumbnailKey = extracted.thumbnail
      ? makeDerivedObjectKey({ userId: doc.user_id, documentId: doc.id, ext: 'webp' })
      : null;
    if (thumbnailKey) {
      await deps.blobs.put({ key: thumbnailKey, body: Buffer.from(extracted.thumbnail!), contentType: 'image/webp' });
    }
    let replacedThumbnail: string | null = null;
    let savedThumbnail = false;
    const removeQuietly = (key: string | null) =>
      key ? deps.blobs.delete({ key }).catch((err) => deps.log?.warn({ err, key }, 'could not remove a thumbnail')) : undefined;

    // The text's search passages first, a few per statement, so that a long text never holds
    // the (embedded) database long; then text and features in one transaction, in which the
    // text's word vector is assembled from the passages'; for the local provider, the result too.
    await repo.savePassages(db, where, text === '' ? null : text);
    const localPicks = await db
      .transaction(async (tx) => {
        const locked = await repo.findDocument(tx, where, { lock: true });
        if (!locked || locked.status === 'pending') return null;
        await repo.saveText(tx, where, text === '' ? null : text, extracted);
        replacedThumbnail = await repo.replaceThumbnail(tx, where, thumbnailKey);
        savedThumbnail = true;
        const picks = await deps.local.learnAndClassify(tx, { documentId: doc.id, userId: data.userId, text: searchable });
        if (!classify) {
          await repo.markExtracted(tx, where);
          return null;
        }
        if (settings.provider !== 'local') return null;
        await finish(tx, where, picks);
        return picks;
      })
      .catch(async (e) => {
        savedThumbnail = false;
        await removeQuietly(thumbnailKey);
        throw e;
      });
    await removeQuietly(savedThumbnail ? replacedThumbnail : thumbnailKey);
    if (localPicks || !classify || settings.provider === 'local') return;

    let picks: { topicId: string; confidence: number }[];
    try {
      const topics = (
        await db.query<{ id: string; name: string; description: string }>(
          'SELECT id, name, description FROM topics WHERE user_id = $1 ORDER BY lower(name)',
          [data.userId],
        )
      ).rows;
      picks = await provider(settings).classify({ filename: doc.filename, text, topics });
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      if (e.transient && ctx.retryCount < RETRY_LIMIT) throw e; // the runner retries with backoff
      return fail(where, e.transient ? `${e.message} (gave up after ${ctx.retryCount + 1} attempts)` : e.message);
    }
    await db.transaction(async (tx) => {
      const locked = await repo.findDocument(tx, where, { lock: true });
      if (locked && locked.status !== 'pending') await finish(tx, where, picks);
    });
  }

  /**
   * The picks minus the topics the user took this document out of. A user without any
   * topic has nothing to be classified into: the document stays `uploaded` (the UI asks
   * for topics) instead of claiming "classified, no topics".
   */
  async function finish(
    tx: Parameters<typeof repo.replaceAutoTopics>[0],
    where: { id: string; userId: string },
    picks: { topicId: string; confidence: number }[],
  ) {
    if (!(await repo.userHasTopics(tx, where.userId))) {
      await repo.replaceAutoTopics(tx, where, []);
      await repo.markExtracted(tx, where);
      return;
    }
    const manual = await repo.hasManualTopics(tx, where);
    const rejected = await repo.rejectedTopicIds(tx, where);
    await repo.replaceAutoTopics(tx, where, manual ? [] : picks.filter((p) => !rejected.has(p.topicId)));
    await repo.markClassified(tx, where);
  }

  return defineJob<ExtractAndClassifyPayload>({
    name: JobNames.extractAndClassify,
    retryLimit: RETRY_LIMIT,
    retryDelaySeconds: RETRY_DELAY_SECONDS,
    // Extraction is bounded by limits.timeoutMs (plus a page's time per OCR page) and a
    // provider call by providerTimeoutMs.
    expireInSeconds: Math.ceil(longestExtractionMs(deps.limits) / 1000) + 15 * 60,
    // Four at once per worker process, one user at most three of them (fair-worker.ts);
    // one job waiting per document (ten reclassify requests queue one job).
    batchSize: 4,
    fairBy: 'userId',
    queuedOncePer: (data) => data.documentId,
    handler: run,
  });
}
