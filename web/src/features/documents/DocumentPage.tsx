import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, hasCode } from '../../api/api-error';
import { documentViewsApi } from '../../api/document-views.api';
import { documentsApi } from '../../api/documents.api';
import { topicsApi } from '../../api/topics.api';
import type { DocumentItem, DocumentText, Topic } from '../../api/types';
import { formatBytes, formatDateTime } from '../../components/format';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { LoadingBlock } from '../../components/Spinner';
import { useToast } from '../../components/Toasts';
import { useQuota } from '../quota/quota-context';
import { DeleteDialog, RenameDialog, TopicsDialog } from './DocumentDialogs';
import { DocumentPreview } from './DocumentPreview';
import { displayStatus } from './document-status';
import { withReadingText } from './reading-text';
import { StatusBadge } from './StatusBadge';
import { Thumbnail } from './Thumbnail';

const POLL_MS = [1000, 1500, 2500, 4000, 6000, 10_000];

/**
 * One document (`/documents/:id`, from a row's name or thumbnail): the file itself, what is
 * known of it, its topics with where they came from, the text that was read from it (saying
 * when OCR read it), and everything that can be done with it.
 */
export function DocumentPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const quota = useQuota();
  const [doc, setDoc] = useState<DocumentItem | null>(null);
  const [missing, setMissing] = useState(false);
  const [text, setText] = useState<DocumentText | null>(null);
  const [topics, setTopics] = useState<Topic[]>([]);
  const [dialog, setDialog] = useState<'rename' | 'topics' | 'delete' | null>(null);
  const [tick, setTick] = useState(0);

  const load = useCallback(async () => {
    try {
      const d = await documentsApi.get(id);
      setDoc(d);
      return d;
    } catch (e) {
      if (hasCode(e, 'not_found')) setMissing(true);
      return null;
    }
  }, [id]);

  useEffect(() => {
    void load();
    topicsApi
      .list()
      .then(setTopics)
      .catch(() => {});
  }, [load]);

  // Only what the server says: "Classifying" (or "Reading text…") while it reports a job for it (`processing`).
  const status = doc ? withReadingText(doc, displayStatus(doc, { uploadingHere: false })) : null;
  const settling = status?.settling ?? false;

  // While the server works on the document, look again with backoff.
  useEffect(() => {
    if (!settling) return;
    const timer = setTimeout(
      async () => {
        await load();
        setTick((t) => t + 1);
      },
      POLL_MS[Math.min(tick, POLL_MS.length - 1)],
    );
    return () => clearTimeout(timer);
  }, [settling, tick, load]);

  // The text once there is something to read (again after each classification).
  const textVersion = doc ? `${doc.id}|${doc.status}|${doc.classified_at ?? ''}` : '';
  useEffect(() => {
    if (!doc || doc.status === 'pending') return;
    let live = true;
    documentViewsApi
      .text(doc.id)
      .then((t) => live && setText(t))
      .catch(() => {});
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [textVersion]);

  if (missing) {
    return (
      <div className="page">
        <PageHeader title="Document not found" subtitle={<Link to="/">Back to your documents</Link>} />
      </div>
    );
  }
  if (!doc || !status) return <LoadingBlock label="Loading the document…" />;

  const ready = doc.status !== 'pending';
  const download = async () => {
    try {
      const link = await documentsApi.downloadUrl(doc.id);
      const a = document.createElement('a');
      a.href = link.url;
      a.rel = 'noopener';
      a.download = doc.filename;
      document.body.append(a);
      a.click();
      a.remove();
    } catch (e) {
      toast(e instanceof ApiError ? e.message : 'The download could not start. Try again.', 'error');
    }
  };
  const reclassify = async () => {
    try {
      await documentsApi.classify(doc.id);
      setTick(0);
      // The job is queued now: the document comes back with `processing` set, and polling starts.
      await load();
      toast(`Classifying ${doc.filename} again`);
    } catch (e) {
      toast(e instanceof ApiError ? e.message : 'That did not work. Try again.', 'error');
    }
  };
  const heading = () => document.querySelector<HTMLElement>('.page-title');
  const inTrash = doc.trashed_at !== null;
  // As in the list: Delete moves the document to the trash, with Undo; only a document
  // already in the trash can be deleted for good (after a confirmation).
  const moveToTrash = async () => {
    try {
      await documentsApi.trash(doc.id);
    } catch (e) {
      toast(e instanceof ApiError ? e.message : 'That did not work. Try again.', 'error');
      return;
    }
    navigate('/');
    toast(`Moved ${doc.filename} to the trash`, 'success', {
      label: 'Undo',
      onClick: () => {
        void documentsApi
          .restore(doc.id)
          .then(() => {
            toast(`Restored ${doc.filename}`, 'success');
            navigate(`/documents/${encodeURIComponent(doc.id)}`);
          })
          .catch((e) => toast(e instanceof ApiError ? e.message : 'That did not work. Try again.', 'error'));
      },
    });
  };
  const restore = async () => {
    try {
      await documentsApi.restore(doc.id);
      await load();
      toast(`Restored ${doc.filename}`, 'success');
    } catch (e) {
      toast(e instanceof ApiError ? e.message : 'That did not work. Try again.', 'error');
    }
  };

  return (
    <div className="page document-page">
      <p className="breadcrumb">
        <Link to="/">
          <span aria-hidden="true">← </span>Documents
        </Link>
      </p>
      <PageHeader
        title={doc.filename}
        subtitle={<StatusBadge status={status} />}
        actions={
          <>
            <button type="button" className="button button-secondary" onClick={download} disabled={!ready}>
              <Icon name="download" size={16} /> Download
            </button>
            <button type="button" className="button button-secondary" onClick={() => setDialog('rename')}>
              <Icon name="edit" size={16} /> Rename
            </button>
            <button
              type="button"
              className="button button-secondary"
              onClick={reclassify}
              disabled={!ready || settling || inTrash}
            >
              <Icon name="refresh" size={16} /> Reclassify
            </button>
            {inTrash ? (
              <>
                <button type="button" className="button button-secondary" onClick={restore}>
                  <Icon name="refresh" size={16} /> Restore
                </button>
                <button type="button" className="button button-danger" onClick={() => setDialog('delete')}>
                  <Icon name="trash" size={16} /> Delete for good
                </button>
              </>
            ) : (
              <button type="button" className="button button-danger" onClick={moveToTrash}>
                <Icon name="trash" size={16} /> Move to trash
              </button>
            )}
          </>
        }
      />
      {status.key === 'failed' && doc.error ? (
        <p className="doc-error document-error" role="alert">
          <Icon name="alert" size={16} /> {doc.error}
        </p>
      ) : null}

      <div className="document-layout">
        <section className="card card-padded document-preview" aria-labelledby="preview-heading">
          <h2 id="preview-heading" className="section-title">
            Preview
          </h2>
          <DocumentPreview doc={doc} />
        </section>

        <div className="document-side">
          <section className="card card-padded" aria-labelledby="details-heading">
            <h2 id="details-heading" className="section-title">
              Details
            </h2>
            <div className="document-details">
              <Thumbnail doc={doc} size="large" />
              <dl className="facts">
                <dt>Size</dt>
                <dd>{ready ? formatBytes(doc.size_bytes) : '—'}</dd>
                <dt>Type</dt>
                <dd>{doc.content_type}</dd>
                {text?.pages ? (
                  <>
                    <dt>Pages</dt>
                    <dd>{text.pages}</dd>
                  </>
                ) : null}
                <dt>Uploaded</dt>
                <dd>{formatDateTime(doc.confirmed_at ?? doc.created_at)}</dd>
                <dt>Classified</dt>
                <dd>{doc.classified_at ? formatDateTime(doc.classified_at) : '—'}</dd>
              </dl>
            </div>
          </section>

          <section className="card card-padded" aria-labelledby="topics-heading">
            <div className="card-head">
              <h2 id="topics-heading" className="section-title">
                Topics
              </h2>
              <button type="button" className="button button-secondary button-small" onClick={() => setDialog('topics')}>
                <Icon name="tag" size={16} /> Change topics
              </button>
            </div>
            {doc.topics.length ? (
              <ul className="topic-list">
                {doc.topics.map((t) => (
                  <li key={t.id} className="topic-line">
                    <Link to={`/?topic=${encodeURIComponent(t.id)}`} className={`chip chip-${t.source}`}>
                      {t.name}
                    </Link>
                    <span className="muted">
                      {t.source === 'manual'
                        ? 'Filed by you'
                        : `Filed automatically${t.confidence != null ? `, ${Math.round(t.confidence * 100)}% sure` : ''}`}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{settling ? 'Topics come once the text is read.' : 'No topics yet.'}</p>
            )}
          </section>
        </div>
      </div>

      <section className="card card-padded document-text" aria-labelledby="text-heading">
        <div className="card-head">
          <h2 id="text-heading" className="section-title">
            Text
          </h2>
          {text?.ocr ? (
            <span className="badge badge-ocr" title="This text was read from the image of the pages (OCR)">
              Read by OCR
            </span>
          ) : null}
        </div>
        {settling ? (
          <p className="muted" role="status">
            {status.label === 'Reading text…' ? 'Reading text…' : 'Working on it…'}
          </p>
        ) : text && text.text ? (
          <>
            <pre className="extracted-text" tabIndex={0} aria-label="Extracted text">
              {text.text}
            </pre>
            {text.truncated ? <p className="muted">Only the beginning of this document was read (it is very long).</p> : null}
          </>
        ) : (
          <p className="muted">No text was found in this document.</p>
        )}
      </section>

      {dialog === 'rename' ? (
        <RenameDialog
          doc={doc}
          onClose={() => setDialog(null)}
          onDone={(d) => {
            if (d) setDoc(d);
            setDialog(null);
          }}
          fallbackFocus={heading}
        />
      ) : null}
      {dialog === 'topics' ? (
        <TopicsDialog
          doc={doc}
          topics={topics}
          onClose={() => setDialog(null)}
          onDone={(d) => {
            if (d) setDoc(d);
            setDialog(null);
            toast('Topics saved');
          }}
          fallbackFocus={heading}
        />
      ) : null}
      {dialog === 'delete' ? (
        <DeleteDialog
          doc={doc}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            quota.reload();
            toast(`${doc.filename} deleted for good`);
            navigate('/?in=trash');
          }}
          fallbackFocus={heading}
        />
      ) : null}
    </div>
  );
}
