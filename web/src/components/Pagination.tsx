import { Icon } from './Icon';

export const PAGE_SIZES = [20, 50, 100, 200];

/** The page numbers to show: first, last, and the current one with its neighbours; gaps as null. */
export function pageNumbers(current: number, count: number): (number | null)[] {
  const want = new Set([1, count, current - 1, current, current + 1].filter((n) => n >= 1 && n <= count));
  const sorted = [...want].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((n, i) => {
    if (i > 0 && n - sorted[i - 1]! > 1) out.push(null);
    out.push(n);
  });
  return out;
}

/** Numbered pages, Previous/Next and the page size. */
export function Pagination(props: {
  offset: number;
  limit: number;
  total: number;
  onPage: (offset: number) => void;
  onLimit?: (limit: number) => void;
  label: string;
}) {
  const { offset, limit, total } = props;
  if (total === 0) return null;
  const count = Math.max(1, Math.ceil(total / limit));
  const current = Math.floor(offset / limit) + 1;
  const first = offset + 1;
  const last = Math.min(total, offset + limit);
  return (
    <nav className="pagination" aria-label={props.label}>
      <span className="muted">
        {first.toLocaleString()}–{last.toLocaleString()} of {total.toLocaleString()}
      </span>
      {props.onLimit ? (
        <label className="page-size">
          <span>Per page</span>
          <select value={limit} onChange={(e) => props.onLimit!(Number(e.target.value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {count > 1 ? (
        <div className="pagination-buttons">
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={current === 1}
            onClick={() => props.onPage(Math.max(0, offset - limit))}
            aria-label="Previous page"
          >
            <Icon name="chevronLeft" size={16} />
          </button>
          {pageNumbers(current, count).map((n, i) =>
            n === null ? (
              <span key={`gap-${i}`} className="page-gap" aria-hidden="true">
                …
              </span>
            ) : (
              <button
                key={n}
                type="button"
                className={`button button-small ${n === current ? 'button-primary' : 'button-secondary'}`}
                aria-current={n === current ? 'page' : undefined}
                aria-label={`Page ${n}`}
                onClick={() => props.onPage((n - 1) * limit)}
              >
                {n}
              </button>
            ),
          )}
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={current === count}
            onClick={() => props.onPage(offset + limit)}
            aria-label="Next page"
          >
            <Icon name="chevronRight" size={16} />
          </button>
        </div>
      ) : null}
    </nav>
  );
}
