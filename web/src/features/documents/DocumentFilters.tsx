import { useEffect, useId, useRef, useState } from 'react';
import type { Topic } from '../../api/types';
import { Icon } from '../../components/Icon';
import { STATUS_FILTERS } from './document-status';

export interface Filters {
  q: string;
  topic: string;
  status: string;
  /** Type family (pdf, image, …) or ''. */
  type: string;
  /** YYYY-MM-DD or ''. */
  from: string;
  to: string;
}

export const NO_FILTERS = { q: '', topic: '', status: '', type: '', from: '', to: '' };

const TYPE_FAMILIES: Array<{ value: string; label: string }> = [
  { value: '', label: 'Any type' },
  { value: 'pdf', label: 'PDF' },
  { value: 'office', label: 'Office documents' },
  { value: 'text', label: 'Text' },
  { value: 'image', label: 'Images' },
  { value: 'archive', label: 'Archives' },
  { value: 'audio', label: 'Audio' },
  { value: 'video', label: 'Video' },
  { value: 'other', label: 'Other' },
];

const SEARCH_DELAY_MS = 300;

/** Search (as you type, debounced), topic, status, type and date filters. */
export function DocumentFilters(props: { filters: Filters; topics: Topic[]; onChange: (next: Partial<Filters>) => void }) {
  const { filters, onChange } = props;
  const [text, setText] = useState(filters.q);
  const id = useId();
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  // The URL can change under us (back button, a topic chip): follow it.
  useEffect(() => setText(filters.q), [filters.q]);
  useEffect(() => {
    if (text.trim() === filters.q) return;
    const t = setTimeout(() => onChangeRef.current({ q: text.trim() }), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [text, filters.q]);

  const active = filters.q || filters.topic || filters.status || filters.type || filters.from || filters.to;
  return (
    <div className="toolbar" role="search">
      <div className="search-box">
        <label htmlFor={`${id}-q`} className="visually-hidden">
          Search documents
        </label>
        <Icon name="search" size={16} className="search-icon" />
        <input
          id={`${id}-q`}
          type="search"
          placeholder="Search names and contents"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onChange({ q: text.trim() });
          }}
          maxLength={500}
          autoComplete="off"
        />
      </div>
      <div className="toolbar-filters">
        <label htmlFor={`${id}-topic`} className="visually-hidden">
          Topic
        </label>
        <select id={`${id}-topic`} value={filters.topic} onChange={(e) => onChange({ topic: e.target.value })}>
          <option value="">All topics</option>
          {props.topics.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-status`} className="visually-hidden">
          Status
        </label>
        <select id={`${id}-status`} value={filters.status} onChange={(e) => onChange({ status: e.target.value })}>
          {STATUS_FILTERS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-type`} className="visually-hidden">
          Type
        </label>
        <select id={`${id}-type`} value={filters.type} onChange={(e) => onChange({ type: e.target.value })}>
          {TYPE_FAMILIES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
        <div className="toolbar-dates">
          <label>
            From
            <input type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => onChange({ from: e.target.value })} />
          </label>
          <label>
            To
            <input type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => onChange({ to: e.target.value })} />
          </label>
        </div>
        {active ? (
          <button
            type="button"
            className="button button-ghost button-small"
            onClick={() => {
              setText('');
              onChange({ ...NO_FILTERS });
            }}
          >
            Clear
          </button>
        ) : null}
      </div>
    </div>
  );
}
