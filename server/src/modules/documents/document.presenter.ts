import type { DocumentRow, DocumentTopicRow } from './documents.repository.js';

export interface PresentedDocumentTopic {
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
  topics: PresentedDocumentTopic[];
  /** At least one of its share links still opens (SPEC §7.4). */
  shared: boolean;
  /** A thumbnail is at GET /{id}/thumbnail. */
  has_thumbnail: boolean;
  /** Search results only: where the words were found, as HTML-escaped text with <mark> around hits. */
  snippet?: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The one shape a document has in every response; object keys and owners never leave. */
export function presentDocument(
  row: DocumentRow & { snippet?: string },
  topics: DocumentTopicRow[],
  opts: { shared?: boolean } = {},
): PresentedDocument {
  const presented: PresentedDocument = {
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
    shared: opts.shared ?? false,
    has_thumbnail: row.thumbnail_key !== null,
  };
  if (row.snippet !== undefined) presented.snippet = highlightedSnippet(row.snippet);
  return presented;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * A search snippet as safe HTML: the document's text escaped, the hits (marked \u0001…\u0002
 * by the query, characters stored text never contains) wrapped in <mark>.
 */
export function highlightedSnippet(raw: string): string {
  return raw
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
    .replace(/\u0001/g, '<mark>')
    .replace(/\u0002/g, '</mark>')
    .replace(/\s+/g, ' ')
    .trim();
}
