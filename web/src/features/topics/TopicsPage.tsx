import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError, hasCode } from '../../api/api-error';
import { topicsApi } from '../../api/topics.api';
import type { Topic } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { Field, FormError } from '../../components/Field';
import { plural } from '../../components/format';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { LoadingBlock } from '../../components/Spinner';
import { useToast } from '../../components/Toasts';
import { useTopics } from './use-topics';

const messageOf = (e: unknown, name?: string) =>
  hasCode(e, 'topic_exists') && name
    ? `You already have a topic called “${name}”.`
    : e instanceof ApiError
      ? e.message
      : 'Something went wrong. Try again.';

export function TopicsPage() {
  const { topics, error, reload } = useTopics();
  const toast = useToast();
  const [editing, setEditing] = useState<Topic | null>(null);
  const [deleting, setDeleting] = useState<Topic | null>(null);
  const heading = () => document.querySelector<HTMLElement>('.page-title');

  return (
    <div className="page">
      <PageHeader
        title="Topics"
        subtitle="Your documents are filed under these. Clear names and a few words of description help the classifier."
      />
      <section className="card card-padded stack" aria-labelledby="new-topic-title">
        <h2 id="new-topic-title" className="section-title">
          New topic
        </h2>
        <TopicForm
          submitLabel="Add topic"
          onSubmit={async (values) => {
            await topicsApi.create(values);
            toast(`Added ${values.name}`, 'success');
            await reload();
          }}
          resetAfter
        />
      </section>

      <section className="card" aria-labelledby="topic-list-title">
        <h2 id="topic-list-title" className="section-title card-padded-title">
          Your topics
        </h2>
        {error ? (
          <p className="inline-error" role="alert">
            {error}
          </p>
        ) : null}
        {topics === null ? (
          <LoadingBlock />
        ) : topics.length === 0 ? (
          <div className="empty">
            <p className="empty-title">No topics yet</p>
            <p className="muted">Add a few, such as “Invoices”, “Contracts” or “Health”.</p>
          </div>
        ) : (
          <ul className="topic-list">
            {topics.map((t) => (
              <li key={t.id} className="topic-row" data-topic={t.name}>
                <div className="topic-text">
                  <h3 className="topic-name">{t.name}</h3>
                  {t.description ? <p className="muted topic-description">{t.description}</p> : null}
                </div>
                <Link to={`/?topic=${encodeURIComponent(t.id)}`} className="topic-count">
                  {plural(t.document_count, 'document')}
                </Link>
                <div className="topic-actions">
                  <button
                    type="button"
                    className="button button-ghost button-small"
                    onClick={() => setEditing(t)}
                    aria-label={`Edit ${t.name}`}
                  >
                    <Icon name="edit" size={16} /> Edit
                  </button>
                  <button
                    type="button"
                    className="button button-ghost button-small button-ghost-danger"
                    onClick={() => setDeleting(t)}
                    aria-label={`Delete ${t.name}`}
                  >
                    <Icon name="trash" size={16} /> Delete
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      {editing ? (
        <Dialog title={`Edit ${editing.name}`} onClose={() => setEditing(null)} fallbackFocus={heading}>
          <TopicForm
            initial={editing}
            submitLabel="Save"
            onCancel={() => setEditing(null)}
            onSubmit={async (values) => {
              await topicsApi.update(editing.id, values);
              setEditing(null);
              toast('Topic saved', 'success');
              await reload();
            }}
          />
        </Dialog>
      ) : null}
      {deleting ? (
        <DeleteTopicDialog
          topic={deleting}
          fallbackFocus={heading}
          onClose={() => setDeleting(null)}
          onDeleted={async () => {
            setDeleting(null);
            toast(`Deleted ${deleting.name}`, 'success');
            await reload();
          }}
        />
      ) : null}
    </div>
  );
}

function TopicForm(props: {
  initial?: Topic;
  submitLabel: string;
  onSubmit: (values: { name: string; description: string | null }) => Promise<void>;
  onCancel?: () => void;
  resetAfter?: boolean;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const description = String(data.get('description') ?? '').trim();
    if (!name) return setError('Give the topic a name.');
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit({ name, description: description || null });
      if (props.resetAfter) {
        form.reset();
        form.querySelector<HTMLInputElement>('input[name=name]')?.focus();
      }
    } catch (err) {
      setError(messageOf(err, name));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack topic-form" onSubmit={submit}>
      <FormError message={error} />
      <div className="form-row">
        <Field label="Name" name="name" defaultValue={props.initial?.name} maxLength={100} required />
        <div className="field field-grow">
          <label htmlFor={props.initial ? `desc-${props.initial.id}` : 'desc-new'}>Description (optional)</label>
          <textarea
            id={props.initial ? `desc-${props.initial.id}` : 'desc-new'}
            name="description"
            rows={2}
            maxLength={1000}
            defaultValue={props.initial?.description ?? ''}
            placeholder="What belongs here, in a few words"
          />
        </div>
      </div>
      <div className="dialog-actions">
        {props.onCancel ? (
          <button type="button" className="button button-secondary" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
}

function DeleteTopicDialog(props: {
  topic: Topic;
  onClose: () => void;
  onDeleted: () => void;
  fallbackFocus: () => HTMLElement | null;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      title="Delete topic?"
      description={
        <>
          <strong>{props.topic.name}</strong> goes away. Its {plural(props.topic.document_count, 'document')} stay in your vault.
        </>
      }
      onClose={props.onClose}
      fallbackFocus={props.fallbackFocus}
      initialFocus="[data-autofocus]"
    >
      <FormError message={error} />
      <div className="dialog-actions">
        <button type="button" className="button button-secondary" onClick={props.onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await topicsApi.remove(props.topic.id);
              props.onDeleted();
            } catch (e) {
              setError(messageOf(e));
              setBusy(false);
            }
          }}
        >
          {busy ? 'Deleting…' : 'Delete topic'}
        </button>
      </div>
    </Dialog>
  );
}
