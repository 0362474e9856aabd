import { useCallback, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../api/api-error';
import { documentsApi } from '../../api/documents.api';
import type { DocumentItem, SortValue } from '../../api/types';
import { plural } from '../../components/format';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { LoadingBlock } from '../../components/Spinner';
import { useToast } from '../../components/Toasts';
import { useQuota } from '../quota/quota-context';
import { useTopics } from '../topics/use-topics';
import { useUploads } from '../upload/upload-context';
import { UploadPanel } from '../upload/UploadPanel';
import { useFileDrop } from '../upload/use-file-drop';
import { ShareDialog } from '../shares/ShareDialog';
import { BulkBar } from './BulkBar';
import { displayStatus } from './document-status';
import { DeleteDialog, RenameDialog, TopicsDialog } from './DocumentDialogs';
import { DocumentFilters, NO_FILTERS, type Filters } from './DocumentFilters';
import { DocumentRow, type DocumentAction } from './DocumentRow';
import { SortHeader } from './SortHeader';
import { prefetchDocumentList, useDocumentList } from './use-document-list';
import { FILTER_KEYS, paramsOf, queryOf, viewOf, type ListView } from './list-view';
import { useStableCallback } from '../../components/use-stable-callback';
import { useSelection } from './use-selection';

type OpenDialog = { kind: 'share' | 'rename' | 'topics' | 'delete'; doc: DocumentItem } | null;

/** The documents list and the trash (`?in=trash`): filters, sorting, pages and selection live in the URL. */
export function DocumentsPage() {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => viewOf(params), [params]);
  const { filters, page, pageSize, sort, inTrash } = view;
  const uploads = useUploads();
  const quota = useQuota();
  const toast = useToast();
  const { topics } = useTopics();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const query = useMemo(() => queryOf(view), [view]);

  const uploadingKey = uploads.items
    .map((i) => i.documentId)
    .filter((id): id is string => id !== null)
    .join(',');
  const uploadingHere = useMemo(() => new Set(uploadingKey ? uploadingKey.split(',') : []), [uploadingKey]);
  const statusOf = useCallback((doc: DocumentItem) => displayStatus(doc, { uploadingHere: uploadingHere.has(doc.id) }), [uploadingHere]);
  // Poll only while the server says something is in flight.
  const needsPolling = useCallback((items: DocumentItem[]) => items.some((d) => d.processing), []);
  const list = useDocumentList(query, { refreshKey: uploads.confirmedCount, needsPolling });
  const items = list.page?.items ?? [];
  const total = list.page?.total ?? 0;
  const pageIds = useMemo(() => items.map((d) => d.id), [items]);
  const selection = useSelection(pageIds);
  const queryKey = JSON.stringify({ ...query, limit: undefined, offset: undefined });
  const lastQueryKey = useRef(queryKey);
  if (lastQueryKey.current !== queryKey) {
    lastQueryKey.current = queryKey;
    if (selection.ids.size > 0) queueMicrotask(selection.clear);
  }

  const setView = (next: Partial<Filters> & { page?: number; size?: number; sort?: SortValue | ''; in?: 'trash' | '' }) => {
    const { page: nextPage, size, sort: nextSort, in: where, ...nextFilters } = next;
    const target: ListView = {
      filters: { ...filters, ...nextFilters },
      page: nextPage ?? 1,
      pageSize: size ?? pageSize,
      sort: nextSort ?? sort,
      inTrash: where === undefined ? inTrash : where === 'trash',
    };
    // The list is asked for now, not after the next render: a click starts its request.
    prefetchDocumentList(queryOf(target));
    setParams(paramsOf(target), { replace: next.page === undefined && 'q' in next });
    if (next.page !== undefined) {
      // A new page starts at its top, with focus on the list's heading.
      requestAnimationFrame(() => {
        window.scrollTo({ top: 0 });
        document.querySelector<HTMLElement>('.page-title')?.focus({ preventScroll: true });
      });
    }
  };

  const dragging = useFileDrop(uploads.add);
  const pageHeading = () => document.querySelector<HTMLElement>('.page-title');
  const failed = (e: unknown) => toast(e instanceof ApiError ? e.message : 'That did not work. Try again.', 'error');

  const moveToTrash = async (docs: DocumentItem[]) => {
    const ids = docs.map((d) => d.id);
    await documentsApi.bulk({ ids, action: 'trash' });
    list.reload();
    const label = docs.length === 1 ? docs[0]!.filename : plural(docs.length, 'document');
    toast(`Moved ${label} to the trash`, 'success', {
      label: 'Undo',
      onClick: () => {
        void documentsApi
          .bulk({ ids, action: 'restore' })
          .then(() => {
            toast(`Restored ${label}`, 'success');
            list.reload();
          })
          .catch(failed);
      },
    });
  };

  // One identity for every render: the rows are memoised, and re-render only when their own
  // document, status or selection changes (a page of 200 is not redrawn when the query moves).
  const onSelect = useStableCallback(selection.toggle);
  const onRowAction = useStableCallback((action: DocumentAction, doc: DocumentItem) => void onAction(action, doc));
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
        toast(`Classifying ${doc.filename} again`);
        list.reload();
      } else if (action === 'trash') {
        await moveToTrash([doc]);
      } else if (action === 'restore') {
        await documentsApi.restore(doc.id);
        toast(`Restored ${doc.filename}`, 'success');
        list.reload();
      }
    } catch (e) {
      failed(e);
    }
  };

  /** The ids an action applies to: the ticked ones, or every document matching the filter (≤ 500). */
  const selectedIds = async (): Promise<string[]> => {
    if (!selection.allMatching) return [...selection.ids];
    const ids: string[] = [];
    for (let offset = 0; offset < Math.min(total, 500); offset += 200) {
      const p = await documentsApi.list({ ...query, limit: 200, offset });
      ids.push(...p.items.map((d) => d.id));
    }
    return ids.slice(0, 500);
  };

  const closeDialog = () => setDialog(null);
  const filtered = FILTER_KEYS.some((k) => filters[k]);
  const hasTopics = (topics?.length ?? 0) > 0;
  const title = inTrash ? 'Trash' : 'Documents';
  const count = list.page
    ? inTrash
      ? `${plural(total, 'document')} in the trash · deleted for good after 30 days`
      : filtered
        ? `${plural(total, 'document')} match`
        : plural(total, 'document')
    : ' ';

  return (
    <div className="page documents-page">
      <PageHeader
        title={title}
        subtitle={count}
        actions={
          <>
            <Link className="button button-secondary" to={inTrash ? '/' : '/?in=trash'}>
              <Icon name={inTrash ? 'folder' : 'trash'} size={18} /> {inTrash ? 'All documents' : 'Trash'}
            </Link>
            {inTrash ? null : (
              <button type="button" className="button button-primary" onClick={() => fileInput.current?.click()}>
                <Icon name="upload" size={18} /> Upload files
              </button>
            )}
          </>
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

      {inTrash ? null : <UploadPanel />}

      <section className="card documents-card" aria-labelledby="documents-list-title">
        <h2 id="documents-list-title" className="visually-hidden">
          {inTrash ? 'Documents in the trash' : 'Your documents'}
        </h2>
        <DocumentFilters filters={filters} topics={topics ?? []} onChange={(f) => setView(f)} />
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
        {selection.ids.size > 0 ? (
          <BulkBar
            count={selection.allMatching ? Math.min(total, 500) : selection.ids.size}
            total={total}
            allMatching={selection.allMatching}
            pageAllSelected={selection.pageState === 'all'}
            inTrash={inTrash}
            topics={topics ?? []}
            onSelectAllMatching={selection.selectAllMatching}
            onClear={selection.clear}
            run={async (action, topicIds) => {
              try {
                const ids = await selectedIds();
                if (action === 'trash') {
                  const docs = items.filter((d) => ids.includes(d.id));
                  await moveToTrash(docs.length === ids.length ? docs : ids.map((id) => ({ id, filename: '' }) as DocumentItem));
                } else {
                  const r = await documentsApi.bulk({ ids, action, topic_ids: topicIds });
                  toast(`${plural(r.affected, 'document')} updated`, 'success');
                  list.reload();
                  if (action === 'delete') void quota.reload();
                }
                selection.clear();
              } catch (e) {
                failed(e);
              }
            }}
          />
        ) : null}
        {!list.page && list.loading ? (
          <LoadingBlock label="Loading documents…" />
        ) : items.length === 0 ? (
          filtered || inTrash ? (
            <div className="empty">
              <p className="empty-title">{inTrash && !filtered ? 'The trash is empty' : 'Nothing matches'}</p>
              {filtered ? <p className="muted">Try other words, or clear the filters.</p> : null}
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
            <div className="doc-head">
              <span>
                <input
                  type="checkbox"
                  aria-label="Select all on this page"
                  checked={selection.pageState === 'all'}
                  ref={(el) => {
                    if (el) el.indeterminate = selection.pageState === 'some';
                  }}
                  onChange={(e) => selection.setPage(e.currentTarget.checked)}
                />
              </span>
              <SortHeader label="Name" field="filename" sort={sort} onSort={(s) => setView({ sort: s })} />
              <span aria-hidden="true">Status</span>
              <span aria-hidden="true">Topics</span>
              <SortHeader label="Size" field="size_bytes" sort={sort} onSort={(s) => setView({ sort: s })} />
              <SortHeader label="Added" field="created_at" sort={sort} onSort={(s) => setView({ sort: s })} />
              <span />
            </div>
            <ul className="doc-list" aria-busy={list.loading || undefined}>
              {items.map((doc) => (
                <DocumentRow
                  key={doc.id}
                  doc={doc}
                  status={statusOf(doc)}
                  selected={selection.ids.has(doc.id)}
                  hasTopics={hasTopics}
                  onSelect={onSelect}
                  onAction={onRowAction}
                />
              ))}
            </ul>
          </>
        )}
        <Pagination
          label="Document pages"
          offset={query.offset ?? 0}
          limit={pageSize}
          total={total}
          onPage={(offset) => setView({ page: offset / pageSize + 1 })}
          onLimit={(size) => setView({ size })}
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
            toast(`Deleted ${name} for good`, 'success');
            list.reload();
            void quota.reload();
          }}
        />
      ) : null}
    </div>
  );
}
