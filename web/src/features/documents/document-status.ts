import type { DocumentItem } from '../../api/types';

export type StatusKey = 'pending' | 'uploaded' | 'classifying' | 'classified' | 'failed' | 'trashed';

/** What a document's state means to a person. */
export interface DisplayStatus {
  key: StatusKey;
  label: string;
  /** The server is still working on it (its `processing` flag): the list keeps polling. */
  settling: boolean;
}

/**
 * Only what the server says: "Classifying" while it reports a job queued or running for
 * the document (`processing`), never a guess from settings or from a button pressed here.
 */
export function displayStatus(doc: DocumentItem, opts: { uploadingHere: boolean }): DisplayStatus {
  if (doc.trashed_at) return { key: 'trashed', label: 'In the trash', settling: false };
  if (doc.processing) return { key: 'classifying', label: 'Classifying', settling: true };
  switch (doc.status) {
    case 'pending':
      // Its bytes are on their way from this tab (the upload row shows the progress), or an
      // upload that was never finished, which the server sweeps after a while.
      return opts.uploadingHere
        ? { key: 'pending', label: 'Uploading', settling: false }
        : { key: 'pending', label: 'Pending upload', settling: false };
    case 'uploaded':
      return { key: 'uploaded', label: 'Uploaded', settling: false };
    case 'classified':
      return { key: 'classified', label: 'Classified', settling: false };
    case 'classification_failed':
      return { key: 'failed', label: 'Failed', settling: false };
  }
}

export const STATUS_FILTERS: Array<{ value: DocumentItem['status'] | ''; label: string }> = [
  { value: '', label: 'Any status' },
  { value: 'classified', label: 'Classified' },
  { value: 'uploaded', label: 'Uploaded, not classified' },
  { value: 'classification_failed', label: 'Failed' },
  { value: 'pending', label: 'Pending upload' },
];
