import { useState } from 'react';
import type { BulkAction, Topic } from '../../api/types';
import { plural } from '../../components/format';

/** What can be done to the selected documents, and "select all N matching". */
export function BulkBar(props: {
  count: number;
  total: number;
  allMatching: boolean;
  pageAllSelected: boolean;
  inTrash: boolean;
  topics: Topic[];
  onSelectAllMatching: () => void;
  onClear: () => void;
  run: (action: BulkAction, topicIds?: string[]) => Promise<void>;
}) {
  const [topic, setTopic] = useState('');
  const [busy, setBusy] = useState(false);
  const go = (action: BulkAction, topicIds?: string[]) => async () => {
    setBusy(true);
    try {
      await props.run(action, topicIds);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="bulk-bar" role="region" aria-label="Selected documents">
      <span className="bulk-count" aria-live="polite">
        {plural(props.count, 'document')} selected
        {props.pageAllSelected && !props.allMatching && props.total > props.count ? (
          <>
            {' · '}
            <button type="button" className="link-button bulk-all" onClick={props.onSelectAllMatching}>
              Select all {Math.min(props.total, 500).toLocaleString()} matching
            </button>
          </>
        ) : null}
      </span>
      {props.inTrash ? (
        <>
          <button type="button" className="button button-secondary button-small" disabled={busy} onClick={go('restore')}>
            Restore
          </button>
          <button type="button" className="button button-danger button-small" disabled={busy} onClick={go('delete')}>
            Delete for good
          </button>
        </>
      ) : (
        <>
          <label className="visually-hidden" htmlFor="bulk-topic">
            Topic to add
          </label>
          <select id="bulk-topic" value={topic} onChange={(e) => setTopic(e.target.value)}>
            <option value="">Choose a topic…</option>
            {props.topics.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <button type="button" className="button button-secondary button-small" disabled={busy || !topic} onClick={go('add_topics', [topic])}>
            Add topic
          </button>
          <button type="button" className="button button-secondary button-small" disabled={busy || !topic} onClick={go('set_topics', [topic])}>
            Set as only topic
          </button>
          <button type="button" className="button button-secondary button-small" disabled={busy} onClick={go('reclassify')}>
            Reclassify
          </button>
          <button type="button" className="button button-danger button-small" disabled={busy} onClick={go('trash')}>
            Move to trash
          </button>
        </>
      )}
      <button type="button" className="button button-ghost button-small" onClick={props.onClear}>
        Clear selection
      </button>
    </div>
  );
}
