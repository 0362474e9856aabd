import type { DocumentRow, DocumentTopicRow } from './documents.repository.js';

export interface PresentedTopic {
  id: string;
  name: string;
  source: 'auto' | 'manual';
  confidence: number | null;
}

export interface PresentedDocument {
  id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  status: DocumentRow['status'];
  error: string | null;
  created_at: string;
  confirmed_at: string | null;
  classified_at: string | null;
  topics: PresentedTopic[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The one shape a document has in every response; object keys and owners never leave. */
export function presentDocument(row: DocumentRow, topics: DocumentTopicRow[]): PresentedDocument {
  return {
    id: row.id,
    filename: row.filename,
    content_type: row.content_type,
    size_bytes: row.size_bytes,
    status: row.status,
    error: row.error,
    created_at: row.created_at.toISOString(),
    confirmed_at: iso(row.confirmed_at),
    classified_at: iso(row.classified_at),
    topics: topics.map((t) => ({ id: t.id, name: t.name, source: t.source, confidence: t.confidence })),
  };
}
