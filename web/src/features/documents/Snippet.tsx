import type { ReactNode } from 'react';

const MARKS = /(<mark>|<\/mark>|<b>|<\/b>)/;

/**
 * A search snippet as the server's ts_headline marks it: matches between <mark> and
 * </mark> (or PostgreSQL's default <b> and </b>). The text is the document's own and may
 * hold anything, so it is never parsed as HTML: only those exact marker strings split it,
 * and every piece is rendered as plain text.
 */
export function Snippet({ text }: { text: string }) {
  const out: ReactNode[] = [];
  let marked = false;
  text.split(MARKS).forEach((piece, i) => {
    if (piece === '<mark>' || piece === '<b>') marked = true;
    else if (piece === '</mark>' || piece === '</b>') marked = false;
    else if (piece) out.push(marked ? <mark key={i}>{piece}</mark> : piece);
  });
  return <p className="doc-snippet">{out}</p>;
}
