import type { SnippetSegment } from '../../api/types';

/**
 * A search snippet as the server sends it: segments of the document's own text, in order,
 * the words found marked. Every segment is rendered as text (React escapes it once), so
 * what the document says — quotes, ampersands, angle brackets — is what the person sees.
 */
export function Snippet({ segments }: { segments: SnippetSegment[] }) {
  return (
    <p className="doc-snippet">
      {segments.map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </p>
  );
}
