import { Icon } from './Icon';

export function Pagination(props: {
  offset: number;
  limit: number;
  total: number;
  onPage: (offset: number) => void;
  label: string;
}) {
  const { offset, limit, total } = props;
  if (total <= limit && offset === 0) return null;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(total, offset + limit);
  return (
    <nav className="pagination" aria-label={props.label}>
      <span className="muted">
        {first}–{last} of {total.toLocaleString()}
      </span>
      <div className="pagination-buttons">
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={offset === 0}
          onClick={() => props.onPage(Math.max(0, offset - limit))}
        >
          <Icon name="chevronLeft" size={16} /> Previous
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={last >= total}
          onClick={() => props.onPage(offset + limit)}
        >
          Next <Icon name="chevronRight" size={16} />
        </button>
      </div>
    </nav>
  );
}
