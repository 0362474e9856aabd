import { Link } from 'react-router';
import type { DocumentItem } from '../../api/types';
import { formatBytes, formatDate, formatDateTime } from '../../components/format';
import { Icon } from '../../components/Icon';
import { Menu } from '../../components/Menu';
import type { DisplayStatus } from './document-status';
import { Snippet } from './Snippet';
import { withReadingText } from './reading-text';
import { StatusBadge } from './StatusBadge';
import { Thumbnail } from './Thumbnail';

export type DocumentAction = 'download' | 'share' | 'rename' | 'topics' | 'reclassify' | 'delete';

export function DocumentRow(props: {
  doc: DocumentItem;
  status: DisplayStatus;
  onAction: (action: DocumentAction, doc: DocumentItem) => void;
}) {
  const { doc, status } = props;
  const ready = doc.status !== 'pending';
  const act = (a: DocumentAction) => () => props.onAction(a, doc);
  return (
    <li className="doc-row" data-document-id={doc.id} data-filename={doc.filename}>
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
          {doc.snippet ? <Snippet text={doc.snippet} /> : null}
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
          <span className="muted doc-no-topics">{status.key === 'classifying' ? '' : 'No topics'}</span>
        )}
      </div>
      <div className="doc-size">{ready ? formatBytes(doc.size_bytes) : '—'}</div>
      <div className="doc-date">
        <time dateTime={doc.created_at} title={formatDateTime(doc.created_at)}>
          {formatDate(doc.created_at)}
        </time>
      </div>
      <div className="doc-actions">
        <Menu
          label={`Actions for ${doc.filename}`}
          items={[
            { label: 'Download', icon: <Icon name="download" size={16} />, onSelect: act('download'), disabled: !ready },
            { label: 'Share', icon: <Icon name="link" size={16} />, onSelect: act('share'), disabled: !ready },
            { label: 'Rename', icon: <Icon name="edit" size={16} />, onSelect: act('rename') },
            { label: 'Set topics', icon: <Icon name="tag" size={16} />, onSelect: act('topics') },
            { label: 'Reclassify', icon: <Icon name="refresh" size={16} />, onSelect: act('reclassify'), disabled: !ready },
            { label: 'Delete', icon: <Icon name="trash" size={16} />, onSelect: act('delete'), tone: 'danger' },
          ]}
        >
          <Icon name="more" size={20} />
        </Menu>
      </div>
    </li>
  );
}
