import type { DisplayStatus } from './document-status';

export function StatusBadge({ status }: { status: DisplayStatus }) {
  return (
    <span className={`badge badge-${status.key}`} data-status={status.key}>
      {status.settling ? <span className="badge-pulse" aria-hidden="true" /> : null}
      {status.label}
    </span>
  );
}
