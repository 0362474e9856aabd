import type { SortKey, SortValue } from '../../api/types';

/**
 * A sortable column heading: a button that sorts by the column ascending, then descending.
 * The default order (newest first) is `-created_at`.
 */
export function SortHeader(props: { label: string; field: SortKey; sort: SortValue | ''; onSort: (s: SortValue) => void }) {
  const current = props.sort || '-created_at';
  const active = current === props.field || current === `-${props.field}`;
  const descending = current.startsWith('-');
  const next: SortValue = active && !descending ? `-${props.field}` : active ? props.field : props.field === 'created_at' ? '-created_at' : props.field;
  const state = active ? (descending ? 'descending' : 'ascending') : 'not sorted';
  return (
    <span>
      <button
        type="button"
        className="sort-button"
        aria-pressed={active}
        aria-label={`Sort by ${props.label.toLowerCase()} (${state})`}
        onClick={() => props.onSort(next)}
      >
        {props.label}
        {active ? <span aria-hidden="true">{descending ? '↓' : '↑'}</span> : null}
      </button>
    </span>
  );
}
