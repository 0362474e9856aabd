import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../api/api-error';
import { documentsApi } from '../../api/documents.api';
import type { DocumentItem, DocumentQuery } from '../../api/types';
import { plural } from '../../components/format';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { LoadingBlock } from '../../components/Spinner';
import { useToast } from '../../components/Toasts';
import { useQuota } from '../quota/quota-context';
import { useAutoClassify } from '../settings/use-auto-classify';
import { useTopics } from '../topics/use-topics';
import { useUploads } from '../upload/upload-context';
import { UploadPanel } from '../upload/UploadPanel';
import { useFileDrop } from '../upload/use-file-drop';
import { ShareDialog } from '../shares/ShareDialog';
import { classificationMark, displayStatus } from './document-status';
import { DeleteDialog, RenameDialog, TopicsDialog } from './DocumentDialogs';
import { DocumentFilters, type Filters } from './DocumentFilters';
import { DocumentRow, type DocumentAction } from './DocumentRow';
import { useDocumentList } from './use-document-list';

const PAGE_SIZE = 20;
const RECLASSIFY_PATIENCE_MS = 3 * 60_000;

type OpenDialog = { kind: 'share' | 'rename' | 'topics' | 'delete'; doc: DocumentItem } | null;

export function DocumentsPage() {
  const [params, setParams] = useSearchParams();
  const filters: Filters = { q: params.get('q') ?? '', topic: params.get('topic') ?? '', status: params.get('status') ?? '' };
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const uploads = useUploads();
  const quota = useQuota();
  const toast = useToast();
  const { topics } = useTopics();
  const autoClassify = useAutoClassify();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  // Documents asked to classify again, with what they looked like when asked.
  const [reclassifying, setReclassifying] = useState(() => new Map<string, { mark: string; at: number }>());
  const fileInput = useRef<HTMLInputElement>(null);

  const query = useMemo<DocumentQuery>(
    () => ({
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
      q: filters.q || undefined,
      topic_id: filters.topic || undefined,
      status: (filters.status || undefined) as DocumentQuery['status'],
    }),
    [page, filters.q, filters.topic, filters.status],
  );

  // Keyed on the ids, not the items: progress ticks must not restart the list's polling timer.
  const uploadingKey = uploads.items
    .map((i) => i.documentId)
    .filter((id): id is string => id !== null)
    .join(',');
  const uploadingHere = useMemo(() => new Set(uploadingKey ? uploadingKey.split(',') : []), [uploadingKey]);
  const statusOf = useCallback(
    (doc: DocumentItem) =>
      displayStatus(doc, { autoClassify, reclassifying: reclassifying.has(doc.id), uploadingHere: uploadingHere.has(doc.id) }),
    [autoClassify, reclassifying, uploadingHere],
  );
  const needsPolling = useCallback((items: DocumentItem[]) => items.some((d) => statusOf(d).settling), [statusOf]);
  const list = useDocumentList(query, { refreshKey: uploads.confirmedCount, needsPolling });

  // A reclassify is over once the document's classification has changed and settled.
  useEffect(() => {
    if (!list.page || reclassifying.size === 0) return;
    const next = new Map(reclassifying);
    for (const [id, entry] of reclassifying) {
      const doc = list.page.items.find((d) => d.id === id);
      const settled =
        doc && classificationMark(doc) !== entry.mark && (doc.status === 'classified' || doc.status === 'classification_failed');
      if (!doc || settled || Date.now() - entry.at > RECLASSIFY_PATIENCE_MS) next.delete(id);
    }
    if (next.size !== reclassifying.size) setReclassifying(next);
  }, [list.page, reclassifying]);

  const setFilters = (next: Partial<Filters> & { page?: number }) => {
    const merged = { ...filters, page: 1, ...next };
    const p = new URLSearchParams();
    if (merged.q) p.set('q', merged.q);
    if (merged.topic) p.set('topic', merged.topic);
    if (merged.status) p.set('status', merged.status);
    if (merged.page > 1) p.set('page', String(merged.page));
    setParams(p, { replace: next.page === undefined && 'q' in next });
  };

  const dragging = useFileDrop(uploads.add);
  const pageHeading = () => document.querySelector<HTMLElement>('.page-title');

  const onAction = async (action: DocumentAction, doc: DocumentItem) => {
    if (action === 'share' || action === 'rename' || action === 'topics' || action === 'delete')
      return setDialog({ kind: action, doc });
    try {
      if (action === 'download') {
        const link = await documentsApi.downloadUrl(doc.id);
        const a = document.createElement('a');
        a.href = link.url;
        a.rel = 'noopener';
        a.download = doc.filename;
        document.body.append(a);
        a.click();
        a.remove();
      } else if (action === 'reclassify') {
        await documentsApi.classify(doc.id);
        setReclassifying((m) => new Map(m).set(doc.id, { mark: classificationMark(doc), at: Date.now() }));
        toast(`Classifying ${doc.filename} again`);
        list.reload();
      }
    } catch (e) {
      toast(e instanceof ApiError ? e.message : 'That did not work. Try again.', 'error');
    }
  };

  const closeDialog = () => setDialog(null);
  const items = list.page?.items ?? [];
  const total = list.page?.total ?? 0;
  const filtered = Boolean(filters.q || filters.topic || filters.status);

  return (
    <div className="page documents-page">
      <PageHeader
        title="Documents"
        subtitle={list.page ? (filtered ? 'Filtered view' : `${plural(total, 'document')}`) : ' '}
        actions={
          <button type="button" className="button button-primary" onClick={() => fileInput.current?.click()}>
            <Icon name="upload" size={18} /> Upload files
          </button>
        }
      />
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        aria-label="Choose files to upload"
        data-testid="file-input"
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          if (files.length) uploads.add(files);
          e.currentTarget.value = '';
        }}
      />

      <UploadPanel />

      <section className="card documents-card" aria-labelledby="documents-list-title">
        <h2 id="documents-list-title" className="visually-hidden">
          Your documents
        </h2>
        <DocumentFilters filters={filters} topics={topics ?? []} onChange={setFilters} />
        {list.error ? (
          <div className="inline-error" role="alert">
            {list.error}{' '}
            <button type="button" className="link-button" onClick={list.reload}>
              Try again
            </button>
          </div>
        ) : null}
        {filters.q && list.page ? (
          <p className="results-line" aria-live="polite">
            {plural(total, 'result')} for “{filters.q}”
          </p>
        ) : null}
        {!list.page && list.loading ? (
          <LoadingBlock label="Loading documents…" />
        ) : items.length === 0 ? (
          filtered ? (
            <div className="empty">
              <p className="empty-title">Nothing matches</p>
              <p className="muted">Try other words, or clear the filters.</p>
            </div>
          ) : (
            <div className="empty empty-drop">
              <span className="empty-icon" aria-hidden="true">
                <Icon name="upload" size={28} />
              </span>
              <p className="empty-title">Drop files anywhere on this page</p>
              <p className="muted">
                PDFs, Word documents, text, Markdown, CSV, HTML — they are read and filed under your topics.
              </p>
              <button type="button" className="button button-secondary" onClick={() => fileInput.current?.click()}>
                Choose files
              </button>
            </div>
          )
        ) : (
          <>
            <div className="doc-head" aria-hidden="true">
              <span>Name</span>
              <span>Status</span>
              <span>Topics</span>
              <span>Size</span>
              <span>Added</span>
              <span />
            </div>
            <ul className="doc-list" aria-busy={list.loading || undefined}>
              {items.map((doc) => (
                <DocumentRow key={doc.id} doc={doc} status={statusOf(doc)} onAction={onAction} />
              ))}
            </ul>
          </>
        )}
        <Pagination
          label="Document pages"
          offset={query.offset ?? 0}
          limit={PAGE_SIZE}
          total={total}
          onPage={(offset) => setFilters({ ...filters, page: offset / PAGE_SIZE + 1 })}
        />
      </section>

      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          <div className="drop-overlay-inner">
            <Icon name="upload" size={32} />
            <p>Drop files to upload</p>
          </div>
        </div>
      ) : null}

      {dialog?.kind === 'share' ? (
        <ShareDialog doc={dialog.doc} onClose={closeDialog} fallbackFocus={pageHeading} onChanged={list.reload} />
      ) : dialog?.kind === 'rename' ? (
        <RenameDialog
          doc={dialog.doc}
          onClose={closeDialog}
          fallbackFocus={pageHeading}
          onDone={(updated) => {
            closeDialog();
            toast(`Renamed to ${updated?.filename ?? ''}`, 'success');
            list.reload();
          }}
        />
      ) : dialog?.kind === 'topics' ? (
        <TopicsDialog
          doc={dialog.doc}
          topics={topics ?? []}
          onClose={closeDialog}
          fallbackFocus={pageHeading}
          onDone={() => {
            closeDialog();
            toast('Topics saved', 'success');
            list.reload();
          }}
        />
      ) : dialog?.kind === 'delete' ? (
        <DeleteDialog
          doc={dialog.doc}
          onClose={closeDialog}
          fallbackFocus={pageHeading}
          onDone={() => {
            const name = dialog.doc.filename;
            closeDialog();
            toast(`Deleted ${name}`, 'success');
            list.reload();
            void quota.reload();
          }}
        />
      ) : null}
    </div>
  );
}
