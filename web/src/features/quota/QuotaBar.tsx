import { formatBytes } from '../../components/format';
import { useQuota } from './quota-context';

const WARN_AT = 0.9;

/** Storage used of the limit; turns to a warning at 90 %. */
export function QuotaBar() {
  const { quota } = useQuota();
  const used = quota?.used_bytes ?? 0;
  const limit = quota?.limit_bytes ?? 0;
  const fraction = limit > 0 ? Math.min(1, used / limit) : used > 0 ? 1 : 0;
  const warning = quota !== null && fraction >= WARN_AT;
  const text = quota ? `${formatBytes(used)} of ${formatBytes(limit)}` : '…';
  return (
    <section className={`quota ${warning ? 'quota-warning' : ''}`} aria-labelledby="quota-title" data-testid="quota">
      <div className="quota-head">
        <h2 id="quota-title" className="quota-title">
          Storage
        </h2>
        <span className="quota-text">{text}</span>
      </div>
      <div
        className="bar quota-bar"
        role="meter"
        aria-labelledby="quota-title"
        aria-valuemin={0}
        aria-valuemax={Math.max(limit, 1)}
        aria-valuenow={Math.min(used, Math.max(limit, 1))}
        aria-valuetext={quota ? `${text} used` : 'Loading'}
        data-used={used}
        data-limit={limit}
      >
        <div className="bar-fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
      {warning ? (
        <p className="quota-note">
          {used >= limit ? 'Your storage is full.' : 'Almost full.'} Delete files or ask an administrator for more room.
        </p>
      ) : null}
    </section>
  );
}
