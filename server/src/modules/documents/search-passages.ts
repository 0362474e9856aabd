import type { Queryable } from '../../db/database.js';

/** About how long a passage is: a snippet's ts_headline reads one passage, never the whole text. */
export const PASSAGE_CHARS = 2000;
/**
 * Passages written per statement (each parsed into its vector as it is written), so that
 * writing a long text never holds the database long: on the embedded database other
 * requests' statements run between two of these.
 */
const PASSAGES_PER_INSERT = 4;

// Whitespace a cut may fall on (ASCII, no-break, the Unicode spaces, line and paragraph separators).
function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * The text cut into passages of about `size` characters, in order: each cut falls on the
 * last whitespace of the passage's final fifth, or — in a run with no whitespace — exactly
 * at `size` (never between the two halves of a surrogate pair). Whitespace at a cut is
 * dropped. Linear in the text's length.
 */
export function cutPassages(text: string, size = PASSAGE_CHARS): string[] {
  const out: string[] = [];
  const n = text.length;
  let start = 0;
  while (start < n) {
    while (start < n && isSpace(text.charCodeAt(start))) start++;
    if (start >= n) break;
    let end = Math.min(n, start + size);
    if (end < n) {
      const floor = start + Math.floor(size * 0.8);
      let cut = end;
      while (cut > floor && !isSpace(text.charCodeAt(cut))) cut--;
      if (cut > floor) end = cut;
      else if ((text.charCodeAt(end) & 0xfc00) === 0xdc00) end--;
    }
    let last = end;
    while (last > start && isSpace(text.charCodeAt(last - 1))) last--;
    out.push(text.slice(start, last));
    start = end;
  }
  return out;
}

/**
 * A document's passages become those of `text` (none for null), a few per statement. Run
 * before the transaction that stores the text, on the database itself (not in a
 * transaction, which on the embedded database would hold its one session throughout): that
 * transaction assembles the document's word vector from these passages' vectors
 * (migration 0019). A document still pending (its upload not confirmed) gets none.
 */
export async function replacePassages(q: Queryable, where: { id: string; userId: string }, text: string | null): Promise<void> {
  await q.query('DELETE FROM document_passages WHERE document_id = $1 AND user_id = $2', [where.id, where.userId]);
  const passages = text ? cutPassages(text) : [];
  for (let from = 0; from < passages.length; from += PASSAGES_PER_INSERT) {
    const { rowCount } = await q.query(
      `INSERT INTO document_passages (document_id, user_id, seq, body)
       SELECT d.id, d.user_id, $3::int + p.n - 1, p.body
         FROM documents d, unnest($4::text[]) WITH ORDINALITY AS p(body, n)
        WHERE d.id = $1 AND d.user_id = $2 AND d.status <> 'pending'`,
      [where.id, where.userId, from, passages.slice(from, from + PASSAGES_PER_INSERT)],
    );
    if (rowCount === 0) return; // the document is gone or pending
  }
}
