import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/api-error';
import { documentsApi } from '../../api/documents.api';
import type { DocumentItem, Topic } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { Field, FormError } from '../../components/Field';
import { formatBytes } from '../../components/format';

interface DialogProps {
  doc: DocumentItem;
  onClose: () => void;
  onDone: (updated: DocumentItem | null) => void;
  fallbackFocus: () => HTMLElement | null;
}

const messageOf = (e: unknown) => (e instanceof ApiError ? e.message : 'Something went wrong. Try again.');

export function RenameDialog({ doc, onClose, onDone, fallbackFocus }: DialogProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const filename = String(new FormData(e.currentTarget).get('filename') ?? '').trim();
    if (!filename) return setError('Give the document a name.');
    setBusy(true);
    try {
      onDone(await documentsApi.update(doc.id, { filename }));
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title="Rename document" onClose={onClose} fallbackFocus={fallbackFocus}>
      <form className="stack" onSubmit={submit}>
        <FormError message={error} />
        <Field
          label="Name"
          name="filename"
          defaultValue={doc.filename}
          maxLength={255}
          required
          onFocus={(e) => {
            // Select the name without its extension, as file managers do.
            const dot = e.currentTarget.value.lastIndexOf('.');
            e.currentTarget.setSelectionRange(0, dot > 0 ? dot : e.currentTarget.value.length);
          }}
        />
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function TopicsDialog({ doc, topics, onClose, onDone, fallbackFocus }: DialogProps & { topics: Topic[] }) {
  // topic_ids makes the document's topics exactly these: an automatic topic left ticked
  // becomes the user's own, one unticked is removed for good (reclassifying does not bring
  // it back, and the classifier learns from it).
  const automatic = new Set(doc.topics.filter((t) => t.source === 'auto').map((t) => t.id));
  const [chosen, setChosen] = useState(() => new Set(doc.topics.map((t) => t.id)));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toggle = (id: string) =>
    setChosen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      onDone(await documentsApi.update(doc.id, { topic_ids: [...chosen] }));
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Set topics"
      description={
        <>
          Choose the topics for <strong>{doc.filename}</strong>. Topics you set by hand also teach the classifier.
        </>
      }
      onClose={onClose}
      fallbackFocus={fallbackFocus}
    >
      <form className="stack" onSubmit={submit}>
        <FormError message={error} />
        {topics.length === 0 ? (
          <p className="muted">
            You have no topics yet. <Link to="/topics">Create topics</Link> first.
          </p>
        ) : (
          <fieldset className="checklist">
            <legend className="visually-hidden">Topics</legend>
            {topics.map((t) => (
              <label key={t.id} className="check-row">
                <input
                  type="checkbox"
                  checked={chosen.has(t.id)}
                  onChange={() => toggle(t.id)}
                />
                <span>{t.name}</span>
                {automatic.has(t.id) ? (
                  <span className="muted check-hint">Filed automatically — untick if it is wrong</span>
                ) : t.description ? (
                  <span className="muted check-hint">{t.description}</span>
                ) : null}
              </label>
            ))}
          </fieldset>
        )}
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy || topics.length === 0}>
            {busy ? 'Saving…' : 'Save topics'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function DeleteDialog({ doc, onClose, onDone, fallbackFocus }: DialogProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await documentsApi.remove(doc.id);
      onDone(null);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Delete document?"
      description={
        <>
          <strong>{doc.filename}</strong> will be deleted for good
          {doc.status !== 'pending' ? <>, freeing {formatBytes(doc.size_bytes)}</> : null}.
        </>
      }
      onClose={onClose}
      fallbackFocus={fallbackFocus}
      initialFocus="[data-autofocus]"
    >
      <FormError message={error} />
      <div className="dialog-actions">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="button" className="button button-danger" onClick={confirm} disabled={busy}>
          {busy ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </Dialog>
  );
}
