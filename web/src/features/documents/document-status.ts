import type { DocumentItem } from '../../api/types';

export type StatusKey = 'pending' | 'uploaded' | 'classifying' | 'classified' | 'failed';

/** What a document's state means to a person, a step the server only implies included. */
export interface DisplayStatus {
  key: StatusKey;
  label: string;
  /** Still changing on its own: the list keeps polling. */
  settling: boolean;
}

/**
 * The server has four states. Between `uploaded` and `classified` the document is being
 * worked on whenever classification runs by itself (auto-classify on) or was asked for
 * again (reclassify): the UI calls that "Classifying".
 */
export function displayStatus(
  doc: DocumentItem,
  opts: { autoClassify: boolean; reclassifying: boolean; uploadingHere: boolean },
): DisplayStatus {
  if (opts.reclassifying) return { key: 'classifying', label: 'Classifying', settling: true };
  switch (doc.status) {
    case 'pending':
      // Its bytes are on their way from this tab (the upload row shows the progress), or an
      // upload that was never finished, which the server sweeps after a while.
      return opts.uploadingHere
        ? { key: 'pending', label: 'Uploading', settling: false }
        : { key: 'pending', label: 'Pending upload', settling: false };
    case 'uploaded':
      return opts.autoClassify
        ? { key: 'classifying', label: 'Classifying', settling: true }
        : { key: 'uploaded', label: 'Uploaded', settling: false };
    case 'classifying':
      return { key: 'classifying', label: 'Classifying', settling: true };
    case 'classified':
      return { key: 'classified', label: 'Classified', settling: false };
    case 'classification_failed':
      return { key: 'failed', label: 'Failed', settling: false };
  }
}

export const STATUS_FILTERS: Array<{ value: DocumentItem['status'] | ''; label: string }> = [
  { value: '', label: 'Any status' },
  { value: 'classified', label: 'Classified' },
  { value: 'uploaded', label: 'Uploaded, not classified yet' },
  { value: 'classification_failed', label: 'Failed' },
  { value: 'pending', label: 'Pending upload' },
];

/** A fingerprint of what classification changes: a reclassify is over when it differs. */
export const classificationMark = (d: DocumentItem) => `${d.status}|${d.classified_at ?? ''}|${d.error ?? ''}`;
