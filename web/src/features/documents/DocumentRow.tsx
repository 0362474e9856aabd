import { memo, type MouseEvent } from 'react';
import { Link } from 'react-router';
import type { DocumentItem } from '../../api/types';
import { formatBytes, formatDate, formatDateTime } from '../../components/format';
import { Icon } from '../../components/Icon';
import { Menu, type MenuItem } from '../../components/Menu';
import type { DisplayStatus } from './document-status';
import { Snippet } from './Snippet';
import { withReadingText } from './reading-text';
import { StatusBadge } from './StatusBadge';
import { Thumbnail } from './Thumbnail';

export type DocumentAction = 'download' | 'share' | 'rename' | 'topics' | 'reclassify' | 'trash' | 'restore' | 'delete';

/** Why a document has no topics, in words: the user may need to create some first. */
function NoTopics(props: { status: DisplayStatus; hasTopics: boolean }) {
  if (props.status.key === 'classifying') return null;
  if (!props.hasTopics && props.status.key === 'uploaded') {
    return (
      <span className="muted doc-no-topics">
        <Link to="/topics">Create topics</Link> to sort it
      </span>
    );
  }
  return <span className="muted doc-no-topics">{props.status.key === 'classified' ? 'No matching topic' : 'No topics'}</span>;
}

interface RowProps {
  doc: DocumentItem;
  status: DisplayStatus;
  selected: boolean;
  hasTopics: boolean;
  onSelect: (id: string, opts: { range: boolean }) => void;
  onAction: (action: DocumentAction, doc: DocumentItem) => void;
}

/** One document of the list; drawn again only when what it shows changes. */
export const DocumentRow = memo(
  DocumentRowView,
  (a: RowProps, b: RowProps) =>
    a.doc === b.doc &&
    a.selected === b.selected &&
    a.hasTopics === b.hasTopics &&
    a.status.key === b.status.key &&
    a.status.label === b.status.label &&
    a.status.settling === b.status.settling &&
    a.onSelect === b.onSelect &&
    a.onAction === b.onAction,
);

function DocumentRowView(props: RowProps) {
  const { doc, status } = props;
  const ready = doc.status !== 'pending';
  const act = (a: DocumentAction) => () => props.onAction(a, doc);
  const inTrash = doc.trashed_at !== null;
  const items: MenuItem[] = inTrash
    ? [
        { label: 'Restore', icon: <Icon name="refresh" size={16} />, onSelect: act('restore') },
        { label: 'Delete for good', icon: <Icon name="trash" size={16} />, onSelect: act('delete'), tone: 'danger' },
      ]
    : [
        { label: 'Download', icon: <Icon name="download" size={16} />, onSelect: act('download'), disabled: !ready },
        { label: 'Share', icon: <Icon name="link" size={16} />, onSelect: act('share'), disabled: !ready },
        { label: 'Rename', icon: <Icon name="edit" size={16} />, onSelect: act('rename') },
        { label: 'Set topics', icon: <Icon name="tag" size={16} />, onSelect: act('topics') },
        { label: 'Reclassify', icon: <Icon name="refresh" size={16} />, onSelect: act('reclassify'), disabled: !ready || doc.processing },
        { label: 'Move to trash', icon: <Icon name="trash" size={16} />, onSelect: act('trash'), tone: 'danger' },
      ];
  return (
    <li className={`doc-row${props.selected ? ' is-selected' : ''}`} data-document-id={doc.id} data-filename={doc.filename}>
      <div className="doc-check">
        <input
          type="checkbox"
          aria-label={`Select ${doc.filename}`}
          checked={props.selected}
          onChange={() => {}}
          onClick={(e: MouseEvent<HTMLInputElement>) => props.onSelect(doc.id, { range: e.shiftKey })}
          onKeyDown={(e) => {
            // Space toggles natively (as a click); Shift+Space selects the range too.
            if (e.key === ' ' && e.shiftKey) {
              e.preventDefault();
              props.onSelect(doc.id, { range: true });
            }
          }}
        />
      </div>
      <div className="doc-main">
        <Link to={`/documents/${doc.id}`} className="doc-thumb-link" tabIndex={-1} aria-hidden="true">
          <Thumbnail doc={doc} />
        </Link>
        <div className="doc-text">
          <h3 className="doc-name" title={doc.filename}>
            <Link to={`/documents/${doc.id}`} className="doc-name-link">
              {doc.filename}
            </Link>
          </h3>
          {doc.shared ? (
            <span className="shared-mark" title="Anyone with one of its share links can download it">
              <Icon name="link" size={14} /> Shared
            </span>
          ) : null}
          {doc.duplicate_of ? (
            <p className="doc-duplicate">
              <Icon name="alert" size={14} /> Same file as an earlier upload
            </p>
          ) : null}
          {doc.snippet && doc.snippet.length > 0 ? <Snippet segments={doc.snippet} /> : null}
          {status.key === 'failed' && doc.error ? (
            <p className="doc-error">
              <Icon name="alert" size={14} /> {doc.error}
            </p>
          ) : null}
        </div>
      </div>
      <div className="doc-status">
        <StatusBadge status={withReadingText(doc, status)} />
      </div>
      <div className="doc-topics">
        {doc.topics.length ? (
          <ul className="chips" aria-label={`Topics of ${doc.filename}`}>
            {doc.topics.map((t) => (
              <li key={t.id}>
                <Link
                  to={`/?topic=${encodeURIComponent(t.id)}`}
                  className={`chip chip-${t.source}`}
                  title={
                    t.source === 'auto'
                      ? `Filed automatically${t.confidence != null ? ` (${Math.round(t.confidence * 100)}% sure)` : ''}`
                      : 'Filed by you'
                  }
                >
                  {t.name}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <NoTopics status={status} hasTopics={props.hasTopics} />
        )}
      </div>
      <div className="doc-size">{ready ? formatBytes(doc.size_bytes) : '—'}</div>
      <div className="doc-date">
        <time dateTime={doc.created_at} title={formatDateTime(doc.created_at)}>
          {formatDate(doc.created_at)}
        </time>
      </div>
      <div className="doc-actions">
        <Menu label={`Actions for ${doc.filename}`} items={items}>
          <Icon name="more" size={20} />
        </Menu>
      </div>
    </li>
  );
}
