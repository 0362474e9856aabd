import type { DocumentRow, DocumentTopicRow } from './documents.repository.js';
import type { PresentedDocument, SnippetSegment } from './documents.schemas.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The one shape a document has in every response; object keys and owners never leave. */
export function presentDocument(
  row: DocumentRow & { snippet?: string },
  topics: DocumentTopicRow[],
  facts: { duplicateOf: string | null; processing: boolean; shared?: boolean },
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
    trashed_at: iso(row.trashed_at),
    sha256: row.sha256,
    duplicate_of: facts.duplicateOf,
    processing: facts.processing,
    topics: topics.map((t) => ({ id: t.id, name: t.name, source: t.source, confidence: t.confidence })),
    shared: facts.shared ?? false,
    has_thumbnail: row.thumbnail_key !== null,
  };
  if (row.snippet !== undefined) presented.snippet = snippetSegments(row.snippet);
  return presented;
}

/**
 * A search snippet as segments: the query marks hits with \u0001…\u0002 (characters stored
 * text never contains). Runs of whitespace become one space; the text is otherwise exactly
 * the document's, for the client to render as text.
 */
export function snippetSegments(raw: string): SnippetSegment[] {
  const out: SnippetSegment[] = [];
  const pieces = raw
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(\u0001[^\u0001\u0002]*\u0002)/);
  for (const piece of pieces) {
    const match = piece.startsWith('\u0001');
    const text = piece.replace(/[\u0001\u0002]/g, '');
    if (text === '') continue;
    const prev = out[out.length - 1];
    if (prev && prev.match === match) prev.text += text;
    else out.push({ text, match });
  }
  return out;
}
