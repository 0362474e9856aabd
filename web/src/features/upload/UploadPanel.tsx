import { useEffect, useRef, useState } from 'react';
import { formatBytes } from '../../components/format';
import { Icon } from '../../components/Icon';
import { ProgressBar } from '../../components/ProgressBar';
import { isActiveStep, isFinishedStep, useUploads, type UploadItem } from './upload-context';

/** The upload rows: preparing → uploading n% → confirming → done, with cancel and retry. */
export function UploadPanel() {
  const { items, cancel, retry, dismiss: forget, clearFinished } = useUploads();
  const announcement = useFinishedAnnouncement(items);
  const listRef = useRef<HTMLUListElement>(null);
  // Collapsed, the panel keeps only what needs the user (running or failed uploads, at most
  // three) so a big batch does not push the list down the page.
  const [expanded, setExpanded] = useState(false);
  // The row and its button go away: focus the next row's button, or the page heading.
  const dismiss = (id: number) => {
    const rows = [...(listRef.current?.querySelectorAll<HTMLElement>('.upload-row') ?? [])];
    const at = items.findIndex((i) => i.id === id);
    const next = rows[at + 1] ?? rows[at - 1];
    forget(id);
    requestAnimationFrame(() => {
      const target = next?.isConnected ? next.querySelector<HTMLElement>('.upload-actions button') : null;
      (target ?? document.querySelector<HTMLElement>('.page-title'))?.focus();
    });
  };
  if (items.length === 0)
    return (
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    );
  const done = items.filter((i) => i.step === 'done').length;
  const anyFinished = items.some((i) => isFinishedStep(i.step));
  const collapsible = items.length > 3;
  const shown = !collapsible || expanded ? items : items.filter((i) => i.step !== 'done').slice(0, 3);
  return (
    <section className="card uploads" aria-labelledby="uploads-title">
      <header className="uploads-head">
        <h2 id="uploads-title" className="section-title">
          Uploads
        </h2>
        <span className="muted uploads-count">
          {done} of {items.length} done
        </span>
        {collapsible ? (
          <button
            type="button"
            className="button button-ghost button-small"
            aria-expanded={expanded}
            aria-controls="upload-list"
            onClick={() => setExpanded((e) => !e)}
          >
            {expanded ? 'Show less' : `Show all ${items.length}`}
          </button>
        ) : null}
        {anyFinished ? (
          <button
            type="button"
            className="button button-ghost button-small"
            onClick={() => {
              clearFinished();
              requestAnimationFrame(() => document.querySelector<HTMLElement>('.page-title')?.focus());
            }}
          >
            Clear finished
          </button>
        ) : null}
      </header>
      <ul className="upload-list" id="upload-list" ref={listRef}>
        {shown.map((item) => (
          <UploadRow key={item.id} item={item} onCancel={cancel} onRetry={retry} onDismiss={dismiss} />
        ))}
      </ul>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </section>
  );
}

function UploadRow(props: {
  item: UploadItem;
  onCancel: (id: number) => void;
  onRetry: (id: number) => void;
  onDismiss: (id: number) => void;
}) {
  const { item } = props;
  const percent = item.size > 0 ? Math.floor((item.loaded / item.size) * 100) : item.step === 'uploading' ? 0 : 100;
  const showBar = item.step === 'uploading' || item.step === 'confirming' || item.step === 'done';
  const fraction = item.step === 'uploading' ? percent / 100 : showBar ? 1 : 0;
  return (
    <li className={`upload-row upload-${item.step}`} data-upload-row={item.name}>
      <span className="upload-icon" aria-hidden="true">
        <Icon name={item.step === 'done' ? 'check' : item.step === 'failed' ? 'alert' : 'file'} />
      </span>
      <div className="upload-main">
        <span className="upload-name" title={item.name}>
          {item.name}
        </span>
        <span className="upload-status" role={item.step === 'failed' ? 'alert' : undefined}>
          {item.step === 'failed' ? item.error : `${formatBytes(item.size)} · ${stepText(item, percent)}`}
        </span>
      </div>
      <div className="upload-progress">
        <ProgressBar
          value={fraction}
          label={`Upload of ${item.name}`}
          valueText={stepText(item, percent)}
          tone={item.step === 'done' ? 'success' : 'normal'}
          hidden={!showBar}
        />
      </div>
      <div className="upload-actions">
        {item.step === 'queued' || item.step === 'preparing' || item.step === 'uploading' ? (
          <button
            type="button"
            className="button button-ghost button-small"
            onClick={() => props.onCancel(item.id)}
            aria-label={`Cancel ${item.name}`}
          >
            Cancel
          </button>
        ) : item.step === 'failed' || item.step === 'cancelled' ? (
          <>
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => props.onRetry(item.id)}
              aria-label={`Retry ${item.name}`}
            >
              Retry
            </button>
            <button
              type="button"
              className="icon-button"
              onClick={() => props.onDismiss(item.id)}
              aria-label={`Remove ${item.name} from the list`}
            >
              <Icon name="x" size={16} />
            </button>
          </>
        ) : item.step === 'done' ? (
          <button
            type="button"
            className="icon-button"
            onClick={() => props.onDismiss(item.id)}
            aria-label={`Remove ${item.name} from the list`}
          >
            <Icon name="x" size={16} />
          </button>
        ) : null}
      </div>
    </li>
  );
}

function stepText(item: UploadItem, percent: number): string {
  switch (item.step) {
    case 'queued':
      return 'Waiting…';
    case 'preparing':
      return 'Preparing…';
    case 'uploading':
      return item.retryAt !== null ? `Uploading ${percent}% · connection lost, retrying…` : `Uploading ${percent}%`;
    case 'confirming':
      return 'Confirming…';
    case 'done':
      return 'Done';
    case 'cancelled':
      return 'Cancelled';
    case 'failed':
      return item.error ?? 'Failed';
  }
}

/** Announces each file that finishes (not every percent) to screen readers. */
function useFinishedAnnouncement(items: UploadItem[]): string {
  const [message, setMessage] = useState('');
  const seen = useRef(new Map<number, string>());
  useEffect(() => {
    const news: string[] = [];
    for (const item of items) {
      const before = seen.current.get(item.id);
      if (before !== item.step && !isActiveStep(item.step) && item.step !== 'queued') {
        if (item.step === 'done') news.push(`${item.name} uploaded.`);
        if (item.step === 'failed') news.push(item.error ?? `${item.name} failed.`);
      }
      seen.current.set(item.id, item.step);
    }
    if (news.length) setMessage(news.join(' '));
  }, [items]);
  return message;
}
