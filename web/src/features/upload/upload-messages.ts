import { ApiError, hasCode } from '../../api/api-error';
import { TransferError } from '../../api/upload-transfer';
import type { QuotaExceeded } from '../../api/types';
import { formatBytes } from '../../components/format';

export function isQuotaExceeded(e: unknown): e is ApiError & { detail: QuotaExceeded } {
  if (!(e instanceof ApiError) || e.code !== 'quota_exceeded') return false;
  const d = e.detail as Partial<QuotaExceeded> | null;
  return typeof d?.used_bytes === 'number' && typeof d.limit_bytes === 'number';
}

/** "report.pdf (2.0 MB) does not fit: 1.0 MB left" */
export function noRoomMessage(file: { name: string; size: number }, detail: QuotaExceeded): string {
  // Bytes held by other uploads in flight are not room either.
  const room = Math.max(0, detail.limit_bytes - detail.used_bytes - (detail.reserved_bytes ?? 0));
  return `${file.name} (${formatBytes(file.size)}) does not fit: ${formatBytes(room)} left`;
}

/** Any other failure of an upload step, in plain words. */
export function uploadFailureMessage(e: unknown, step: 'preparing' | 'uploading' | 'confirming'): string {
  if (e instanceof TransferError) return e.message;
  if (e instanceof ApiError) {
    if (e.isNetwork) return 'Could not reach DocuVault. Check your connection and retry.';
    if (hasCode(e, 'upload_missing', 'upload_size_mismatch') && step === 'confirming')
      return 'The file did not arrive in storage. Retry the upload.';
    if (e.status === 422 && step === 'preparing') return e.message;
    if (hasCode(e, 'not_found')) return 'The upload was cleaned up before it finished. Retry.';
    if (e.status >= 500) return 'The server could not take the file right now. Retry in a moment.';
    return e.message;
  }
  return 'Something went wrong with this file. Retry.';
}
