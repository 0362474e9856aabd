import { independently, type Database } from '../../db/database.js';
import { trashCondition, trashedCondition } from './document-list-filter.js';

/**
 * Full-text search over a user's documents (SPEC §3 `q`, §7.5). Migration 0010 describes the
 * structures; in short:
 * - which documents match, and how many, comes from `search_vector` (the owner's key, the
 *   filename weight A, the whole text weight B, each word English-stemmed and as typed) in
 *   search's own narrow table `document_search` (migration 0023) through its GIN index, and
 *   from the documents' filename trigrams (pg_trgm) for names typed inexactly;
 * - ranking reads the document's `rank_vector` (filename and the first 1,000 characters, kept
 *   in the row — migration 0020), so its cost does not grow with a document's length;
 * - a snippet is ts_headline over a window of one passage of about 2,000 characters — the
 *   first that holds the whole query, else the first that holds any of its words — read in
 *   order by the passages' primary key, never over the whole text.
 */

/** Search hits ranked together: see `searchPage`. */
export const RANK_WINDOW = 1000;
/** On PostgreSQL a search statement is cancelled after this long (PGlite has no timer). */
export const SEARCH_STATEMENT_TIMEOUT_MS = 5000;
/** The last word typed is also matched as a prefix once it has this many characters. */
const PREFIX_MIN_CHARS = 4;
/** A one-word query is also matched against filenames by trigrams once it has this many characters. */
const TRIGRAM_MIN_CHARS = 3;
/** A snippet's passage holds the whole query if one of a text's first this many does (~16 KB). */
const WHOLE_QUERY_PASSAGES = 8;
/** Snippets made by one statement, at most (see `snippetsOf`). */
const SNIPPETS_PER_STATEMENT = 25;
/** Words of a query that pick a snippet's passage and are highlighted in it, at most. */
const SNIPPET_WORDS = 16;

/** A snippet: this many characters of the passage, starting this many before the first word found. */
const SNIPPET_WINDOW = 240;
const SNIPPET_LEAD = 60;
/**
 * ts_headline marks the words found with \u0001 … \u0002 (characters neither a filename nor
 * stored text can contain) and, with HighlightAll, keeps every other character of its input
 * — except XML-like tags, which it would drop: `<` goes in as \u0003 and comes back after.
 */
const HEADLINE_OPTIONS = `'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', HighlightAll=true'`;

/**
 * Whose documents, and which of them: `params[0]` is the owner's id ($1); `inTrash` the trash
 * instead of the list; `filters` further conditions in SQL over `d` (documents) with $n
 * placeholders into `params`.
 */
export interface SearchScope {
  params: unknown[];
  inTrash: boolean;
  filters: string[];
}

/**
 * The owner named so that no index answers it: only `search_vector @@ (query && owner's key)`
 * — the owner's postings intersected with the words' inside the GIN index — can find a
 * user's hits (migration 0010 explains why).
 */
const OWNER = 'd.user_id::text = $1::uuid::text';
/** A search key as a tsquery: see `search_key` in migration 0010. */
const key = (kind: 'owner', id: string) => `(quote_literal(' ${kind} ' || ${id}::uuid::text))::tsquery`;

/**
 * The query as the filename part of `search_vector` is indexed: `.`, `_`, `-`, `/` and `\`
 * between two letters or digits become spaces (migration 0006 splits filenames the same
 * way), so "invoice_2026-01" or "scan-0007.pdf" finds the file named so. PostgreSQL's parser
 * would otherwise read them as one compound token that only the whole name matches. A
 * leading `-` (websearch's "not") is left alone.
 */
export function splitAtSeparators(q: string): string {
  return q.replace(/([\p{L}\p{N}])[._/\\-]+(?=[\p{L}\p{N}])/gu, '$1 ');
}

/** What the SQL needs besides the text: the last word (for prefix matching) and the words to highlight. */
export function queryParts(text: string): { head: string; last: string | null; words: string[] } {
  const quotes = (text.match(/"/g) ?? []).length;
  const tail = /(^|[\s(])([\p{L}\p{N}]+)$/u.exec(text);
  const last = tail && quotes % 2 === 0 && tail[2]!.length >= PREFIX_MIN_CHARS ? tail[2]! : null;
  const head = last ? text.slice(0, text.length - last.length) : text;
  // Words not negated ("-word" is websearch's "not"), letters and digits only.
  const words = text.replace(/(^|\s)-\S*/g, ' ').match(/[\p{L}\p{N}]+/gu);
  return { head, last, words: [...new Set(words ?? [])].slice(0, SNIPPET_WORDS) };
}

/**
 * What finds a word in a passage cheaply (strpos), to centre the snippet: the word as typed,
 * lower-cased, less up to three final letters so "certificates" finds "certificate".
 */
export function probeOf(word: string): string {
  const w = word.toLowerCase();
  return w.length <= 4 ? w : w.slice(0, Math.max(4, w.length - 3));
}

/**
 * The headline of a snippet window as shown: a word cut by the window's edge is dropped,
 * and an edge that is not the passage's own is marked with "…".
 */
export function excerpt(headline: string, cutBefore: boolean, cutAfter: boolean): string {
  let s = headline.replace(/\u0003/g, '<');
  if (cutBefore) s = '… ' + s.slice(s.search(/\s/) + 1);
  if (cutAfter) {
    const end = Math.max(...[...s.matchAll(/\s/g)].map((m) => m.index!), 0);
    s = s.slice(0, end) + ' …';
  }
  return s;
}

interface SnippetRow {
  id: string;
  snippet: string;
  cut_before: boolean;
  cut_after: boolean;
}

/**
 * A page of search hits whose total may still be in the making and whose snippets are made
 * when asked for: the caller reads what else it needs for `rows` (their topics…) beside them
 * (`independently`: on PostgreSQL side by side; on the embedded database in turn, so that a
 * search never queues more than one statement at a time ahead of another user's).
 */
export interface SearchPage<R = Record<string, unknown>> {
  /** The page, best first: the `columns` asked for. */
  rows: (R & { id: string; filename: string })[];
  /** The exact number of hits. */
  total: Promise<number>;
  /**
   * Makes every hit's snippet, by id: ts_headline output with hits between \u0001 and \u0002
   * (see `excerpt`), or the filename of a document with no text or deleted meanwhile.
   */
  snippets: () => Promise<Map<string, string>>;
}

/**
 * One page of the user's documents that match `text`, best first, and the exact total.
 *
 * Ranking reads every candidate's rank_vector (a GIN index finds hits, it cannot order
 * them), so it is bounded: hits are taken newest first in windows of RANK_WINDOW and ranked
 * within their window. A query with at most RANK_WINDOW hits — nearly every query of nearly
 * every vault — is ranked exactly; for a word in thousands of one user's documents the best
 * matches among the newest RANK_WINDOW come first, then the next window's, and pages stay
 * consistent. Only the windows up to the requested page are read.
 *
 * The newest hits are looked for among the owner's newest documents first (`newestHits`),
 * so taking the window does not grow with the vault; the exact total is counted beside them
 * from search's narrow table (migration 0023), and does grow with the number of hits (every
 * hit's ~90-byte row is visited). A vault of at most SMALL_VAULT documents is ranked in one
 * statement.
 *
 * Short statements: the total, the ranked page, then the page's snippets a few at a time. On
 * the embedded database each holds its one session while it runs, so another user's request
 * waits for one of them, not for a whole search. The page is returned as soon as it is known,
 * its snippets still to be made; on PostgreSQL the count may still be running then (`caught`:
 * if the caller never awaits it, after a failure of its own, it is not an unhandled rejection).
 */
export async function searchPage<R = Record<string, unknown>>(
  db: Database,
  scope: SearchScope,
  raw: string,
  page: { limit: number; offset: number; columns: string[] },
): Promise<SearchPage<R>> {
  const st = searchStatements(scope, raw, page);
  // The count from the start, beside the rest: on PostgreSQL on its own connection (it needs
  // neither the bound nor the page); on the embedded database first.
  const total = db.kind === 'postgres' ? caught(countOf(db, st)) : Promise.resolve(await countOf(db, st));
  // A small vault's hits are ranked in one statement, which finds nothing in a larger vault;
  // then (nothing found) the bound says which. A vault known to be larger goes to the bound
  // at once: the gate costs it a round trip and a look at 10,001 of its newest documents.
  const place = `${String(scope.params[0])}:${scope.inTrash}`;
  const knownLarge = largeVaults.has(place);
  let rows: PageRow[] = [];
  if (!knownLarge) {
    const small = st.page(null, SMALL_VAULT);
    rows = await searchStatement<PageRow>(db, small.sql, small.params);
  }
  if (rows.length === 0) {
    const bound = await newestBound(db, scope, NEWEST_FIRST * st.windowRows, SMALL_VAULT);
    rememberVault(place, bound !== null);
    if (bound) rows = await newestHits(db, scope, st, bound, total);
    else if (knownLarge) {
      // Known larger, but no more: ranked in one statement after all.
      const whole = st.page(null);
      rows = await searchStatement<PageRow>(db, whole.sql, whole.params);
    }
  }
  const snippets = () => snippetsOf(db, st, rows);
  // The rows hold the columns asked for (R's), found and taken aside.
  const hits = rows.map(({ found: _found, taken: _taken, ...row }) => row) as SearchPage<R>['rows'];
  return { rows: hits, total, snippets };
}

/** `p`, with a rejection handled for now: whoever awaits it later still sees it. */
function caught<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** The exact number of hits. */
async function countOf(db: Database, st: ReturnType<typeof searchStatements>): Promise<number> {
  return (await searchStatement<{ n: number }>(db, st.count.sql, st.count.params))[0]!.n;
}

/** The first look for the newest hits spans this many of the newest documents per hit wanted. */
const NEWEST_FIRST = 2;

/** A row of `page(bound)`; with no bound, found and taken are not counted. */
type PageRow = Record<string, unknown> & { id: string; filename: string; found?: number; taken?: number };

/** A vault of at most this many documents is searched in one statement (see `searchPage`). */
const SMALL_VAULT = 10_000;

/**
 * Where searches last found more than SMALL_VAULT documents (owner and list or trash), in
 * this process. Only which statement a search sends first depends on it, never its answer,
 * so it may be stale or forgotten; at most LARGE_VAULTS_KEPT are kept.
 */
const largeVaults = new Set<string>();
const LARGE_VAULTS_KEPT = 10_000;

function rememberVault(place: string, large: boolean): void {
  if (!large) largeVaults.delete(place);
  else {
    if (largeVaults.size >= LARGE_VAULTS_KEPT) largeVaults.clear();
    largeVaults.add(place);
  }
}

/**
 * The created_at of the owner's `n`-th newest document where the search looks (kept, or in
 * the trash); null when they have no more than `n`, or no more than `atLeast`, there.
 */
async function newestBound(db: Database, scope: SearchScope, n: number, atLeast = 0): Promise<Date | null> {
  // From search's narrow table, through its (user_id, trashed, created_at) index (0024).
  const nth = (p: string) =>
    `(SELECT created_at FROM document_search WHERE user_id = $1 AND ${trashedCondition(scope)}
       ORDER BY created_at DESC OFFSET ${p} LIMIT 1)`;
  // With the search settings: without them, an offset past a small vault's last document
  // makes reading and sorting the whole table look cheaper than the index.
  const rows = await searchStatement<{ bound: Date | null }>(
    db,
    atLeast > n ? `SELECT CASE WHEN ${nth('$3')} IS NOT NULL THEN ${nth('$2')} END AS bound` : `SELECT ${nth('$2')} AS bound`,
    atLeast > n ? [scope.params[0], n, atLeast] : [scope.params[0], n],
  );
  return rows[0]?.bound ?? null;
}

/**
 * The ranked page from the newest `windowRows` hits. Those are first looked for among the
 * documents created since `bound` (the index answers `created_at >= bound` beside the words);
 * if fewer hits are there than the window needs, and not every hit (`total`) is, again over a
 * span scaled by how many were found, and else among all.
 */
async function newestHits(
  db: Database,
  scope: SearchScope,
  st: ReturnType<typeof searchStatements>,
  bound: Date,
  total: Promise<number>,
): Promise<PageRow[]> {
  for (let span = NEWEST_FIRST * st.windowRows, at: Date | null = bound; at;) {
    const s = st.page(at);
    const rows = await searchStatement<PageRow>(db, s.sql, s.params);
    const found = rows[0]?.found ?? 0;
    if (found >= st.windowRows) return rows;
    // Few found: perhaps few in all. The count (then awaited: it runs beside) says whether
    // every hit was there, or so few that reading them all costs less than another look.
    // Otherwise another look at once (waiting for the count would serialise the two).
    if (found < st.windowRows / 4) {
      const all = await total;
      const taken = rows[0]?.taken ?? (st.offset === 0 ? 0 : undefined);
      if (taken !== undefined && taken >= all) return rows;
      if (found === 0 || all <= NEWEST_LAST_HITS) break;
    }
    if (span >= NEWEST_LAST) break;
    span = Math.min(NEWEST_LAST, span * Math.ceil((1.5 * st.windowRows) / found));
    at = await newestBound(db, scope, span);
  }
  const s = st.page(null);
  return searchStatement<PageRow>(db, s.sql, s.params);
}

/** Beyond this many of the newest documents, the newest hits are looked for among all. */
const NEWEST_LAST = 50_000;
/** With at most this many hits in all, they are all read after the first look. */
const NEWEST_LAST_HITS = 5_000;

/**
 * The snippets of the page's hits (by id), a few hits per statement (independently: side by
 * side on PostgreSQL, where they share the cores; on the embedded database another request's
 * statement runs between them). Bounded by construction (a few hits, passages by primary
 * key): no settings needed. A hit deleted since it was found keeps its filename as its snippet.
 */
async function snippetsOf(
  db: Database,
  st: ReturnType<typeof searchStatements>,
  hits: { id: string; filename: string }[],
): Promise<Map<string, string>> {
  const ids = hits.map((h) => h.id);
  const chunks = Array.from({ length: Math.ceil(ids.length / SNIPPETS_PER_STATEMENT) }, (_, i) =>
    ids.slice(i * SNIPPETS_PER_STATEMENT, (i + 1) * SNIPPETS_PER_STATEMENT),
  );
  const found = await independently(
    db,
    chunks.map((chunk) => st.snippets(chunk)).map((s) => () => db.query<SnippetRow>(s.sql, s.params)),
  );
  const made = new Map(found.flatMap((r) => r.rows).map((s) => [s.id, excerpt(s.snippet, s.cut_before, s.cut_after)]));
  return new Map(hits.map((h) => [h.id, made.get(h.id) ?? h.filename]));
}

/**
 * The query's tsquery expressions over parameters added with `add`: `q` the query itself
 * (with the last word as a prefix), `any` any one of its words (to pick a snippet's passage
 * when no passage holds them all, and to mark them), `probes` the words as found by strpos.
 */
function queryExpressions(add: (v: unknown) => string, text: string) {
  const { head, last, words } = queryParts(text);
  // The queries are expressions of parameters only, so the planner uses them as index
  // conditions (computed once per scan), never as a filter run on every row.
  // websearch_to_tsquery accepts any text without a syntax error (unlike to_tsquery); text
  // with no searchable word is an empty query, which matches nothing. Words and the prefix
  // reach to_tsquery quoted, letters and digits only. Each expression adds its parameters
  // when first asked for: a statement may send only parameters it uses.
  const lastPrefix = last ? add(`'${last}':*`) : null;
  let q: string | undefined;
  const query = () => {
    if (q) return q;
    const s = add(text);
    q = `(websearch_to_tsquery('english', ${s}) || websearch_to_tsquery('simple', ${s})${
      lastPrefix
        ? ` || ((websearch_to_tsquery('english', ${add(head)}) || websearch_to_tsquery('simple', ${add(head)})) && to_tsquery('simple', ${lastPrefix}))`
        : ''
    })`;
    return q;
  };
  const any = () => {
    const a = add(words.map((w) => `'${w}'`).join(' | '));
    return `(to_tsquery('english', ${a}) || to_tsquery('simple', ${a})${lastPrefix ? ` || to_tsquery('simple', ${lastPrefix})` : ''})`;
  };
  return { q: query, any, probes: () => add(words.map(probeOf)), words };
}

/**
 * The statements of a search: the ranked page (`page(bound)`: from the hits created since
 * `bound`, or from all), the exact count, and the page's snippets.
 */
export function searchStatements(scope: SearchScope, raw: string, page: { limit: number; offset: number; columns: string[] }) {
  const text = splitAtSeparators(raw);
  // The page's own order and snippet need these whatever the caller reads.
  const columns = [...new Set(['id', 'filename', 'created_at', ...page.columns])];
  const windowRows = Math.ceil((page.offset + page.limit) / RANK_WINDOW) * RANK_WINDOW;
  const trash = trashCondition(scope);
  const filters = scope.filters.map((f) => ` AND ${f}`).join('');
  // Each statement numbers its own parameters after the scope's.
  const statement = (build: (add: (v: unknown) => string) => string) => {
    const params = [...scope.params];
    const sql = build((v) => `$${params.push(v)}`);
    return { sql, params };
  };
  const hitsOf = (add: (v: unknown) => string, bound: Date | null) => {
    const q = queryExpressions(add, text).q();
    // Fuzzy filenames for a query of one word (as a name is typed), not negated or quoted:
    // trigrams know nothing of websearch's operators.
    const fuzzy = raw.length >= TRIGRAM_MIN_CHARS && /^[^\s"-][^\s"]*$/u.test(raw) ? add(raw) : null;
    // An empty query (no searchable word) matches nothing, not every document of the owner.
    const owned = `(CASE WHEN numnode(${q}) = 0 THEN ''::tsquery ELSE ${q} && ${key('owner', '$1')} END)`;
    // The words' hits from the narrow table; a filter on other columns reads each hit's document.
    // They are fenced (`OFFSET 0`): planned on their own, they come from the GIN index. Inside
    // a join, a walk of document_search's primary key gives them in the join's order, and
    // while the index has a pending list of new entries (until a VACUUM; never, on the
    // embedded database) the planner priced that walk lower — testing each row's search
    // vector, which it does not cost, de-TOASTs every long text's (250 ms on 5,000 documents
    // instead of 10). search.test.ts checks the plans.
    const words = `(SELECT s.document_id, s.created_at FROM document_search s
      WHERE s.search_vector @@ ${owned} AND ${trashedCondition(scope, 's.trashed')}${bound ? ` AND s.created_at >= ${add(bound)}` : ''}
      OFFSET 0) AS s`;
    const byWords = `FROM ${words}${filters ? ` JOIN documents d ON d.id = s.document_id AND ${OWNER}${filters}` : ''}`;
    const byName = fuzzy ? `FROM documents d WHERE ${OWNER} AND ${trash}${filters} AND d.filename %> ${fuzzy}` : null;
    return { q, fuzzy, byWords, byName };
  };
  const count = statement((add) => {
    const { byWords, byName } = hitsOf(add, null);
    return byName
      ? `SELECT count(*)::int AS n FROM (SELECT s.document_id AS id ${byWords}) AS w FULL JOIN (SELECT d.id ${byName}) AS n ON n.id = w.id`
      : `SELECT count(*)::int AS n ${byWords}`;
  });
  // The hits (id, order, a filename's similarity to the query, found by the words or the name
  // only): those of the words, and of the name by trigrams, each through its own index. One
  // bitmap for both (an OR) would recheck whole heap pages the trigram index marks,
  // de-TOASTing each row's search_vector there; and the similarity is computed for the few
  // name matches only. Every hit by name is taken, however old: with a bound, a name match
  // older than it stands for itself.
  //
  // The newest `windowRows` of them; with a bound, `found` (the words' hits taken) and `taken`
  // (all taken) too — counting every hit costs as much as the rest of a small vault's page, so
  // without a bound the total is left to the count. A page within the first window needs no
  // window numbers. Then the page, ranked within its window from the documents' rank vectors.
  const pageOf = (bound: Date | null, onlyInVaultOf?: number) =>
    statement((add) => {
      const { q, fuzzy, byWords, byName } = hitsOf(add, bound);
      // With `onlyInVaultOf`: nothing unless the owner has at most that many documents where
      // the search looks (a condition the planner checks once, before reading any hit).
      const gate = onlyInVaultOf
        ? ` WHERE NOT EXISTS (SELECT 1 FROM document_search v WHERE v.user_id = $1 AND ${trashedCondition(scope, 'v.trashed')}
                               OFFSET ${add(onlyInVaultOf)})`
        : '';
      const hits = byName
        ? `SELECT coalesce(w.id, n.id) AS id, coalesce(w.created_at, n.created_at) AS created_at,
                  coalesce(n.name_rank, 0) AS name_rank, w.id IS NOT NULL AS by_words
             FROM (SELECT s.document_id AS id, s.created_at ${byWords}) AS w
             FULL JOIN (SELECT d.id, d.created_at, 0.5 * word_similarity(${fuzzy}, d.filename) AS name_rank ${byName}) AS n
               ON n.id = w.id`
        : `SELECT s.document_id AS id, s.created_at, 0::float8 AS name_rank, true AS by_words ${byWords}`;
      return `
    SELECT ${columns.map((c) => `d.${c}`).join(', ')}${bound ? ', c.found, c.taken' : ''}
      FROM (SELECT h.id, h.name_rank, ${
        windowRows > RANK_WINDOW ? 'row_number() OVER (ORDER BY h.created_at DESC, h.id DESC)' : '1'
      } AS n${bound ? ', count(*) FILTER (WHERE h.by_words) OVER ()::int AS found, count(*) OVER ()::int AS taken' : ''}
              FROM (${hits}) AS h${gate}
             ORDER BY h.created_at DESC, h.id DESC
             LIMIT ${add(windowRows)}) AS c
      JOIN documents d ON d.id = c.id AND ${OWNER}
     ORDER BY (c.n - 1) / ${RANK_WINDOW}, ts_rank(d.rank_vector, ${q}, 1) + c.name_rank DESC, d.created_at DESC, d.id DESC
     LIMIT ${add(page.limit)} OFFSET ${add(page.offset)}`;
    });
  return {
    windowRows,
    offset: page.offset,
    count,
    page: pageOf,
    snippets: (ids: string[]) => snippetStatement(scope, text, ids),
  };
}

/**
 * The snippets of the page's hits: for each, a passage — the first holding the whole query
 * (among the first WHOLE_QUERY_PASSAGES), else any of its words, else the first — and ts_headline over SNIPPET_WINDOW characters of
 * it from just before the first word found. Passages are read in order through the primary
 * key until one matches: the first usually does, and the GIN index would gather every
 * passage holding the word (or, for a prefix, every word it begins) to answer for one
 * document. OFFSET 0 keeps each lateral step evaluated once per hit.
 */
function snippetStatement(scope: SearchScope, text: string, ids: string[]) {
  const params: unknown[] = [scope.params[0]];
  const add = (v: unknown) => `$${params.push(v)}`;
  const query = queryExpressions(add, text);
  const any = query.any();
  const probes = query.probes();
  const passage = (matching: string, within = '') =>
    `(SELECT p.body FROM document_passages p WHERE p.document_id = hit.id${within} AND p.vector @@ ${matching} ORDER BY p.seq LIMIT 1)`;
  // The whole query in one passage is looked for among the first WHOLE_QUERY_PASSAGES only
  // (any word is looked for in them all): words that never meet in one passage would
  // otherwise have every passage of a long text read twice. One word: any word is the query.
  const whole = query.words.length > 1 ? `${passage(query.q(), ` AND p.seq < ${WHOLE_QUERY_PASSAGES}`)}, ` : '';
  const firstPassage = `(SELECT p.body FROM document_passages p WHERE p.document_id = hit.id ORDER BY p.seq LIMIT 1)`;
  const sql = `
    SELECT hit.id, w.start > 1 AS cut_before, w.start + ${SNIPPET_WINDOW} <= length(b.body) AS cut_after,
           ts_headline('english', replace(substr(b.body, w.start, ${SNIPPET_WINDOW}), '<', chr(3)), ${any}, ${HEADLINE_OPTIONS}) AS snippet
      FROM (SELECT d.id, d.filename FROM documents d WHERE d.user_id = $1 AND d.id = ANY(${add(ids)}::uuid[])) AS hit
     CROSS JOIN LATERAL (SELECT coalesce(${whole}${passage(any)}, ${firstPassage}, hit.filename) AS body OFFSET 0) AS b
     CROSS JOIN LATERAL (SELECT greatest(1, coalesce((SELECT min(nullif(strpos(lower(b.body), x), 0)) FROM unnest(${probes}::text[]) AS x), 1)
                                            - ${SNIPPET_LEAD}) AS start OFFSET 0) AS w`;
  return { sql, params };
}

/** A search statement that ran longer than SEARCH_STATEMENT_TIMEOUT_MS. */
export class SearchTimeoutError extends Error {
  constructor() {
    super('search statement timed out');
    this.name = 'SearchTimeoutError';
  }
}

/**
 * A search statement's settings (`Database.queryWith`: on PostgreSQL, connections that carry
 * them; one round trip): a time limit; no sequential scans — the planner does not cost the
 * de-TOASTing of a tsvector that `@@` needs, so for a user who owns most of the table it
 * prefers reading every row and testing each vector to the GIN index, whose answer needs no
 * vector at all; and no JIT, which the cost of a plan with a scan so ruled out would start
 * (tens of milliseconds compiling a statement that runs in a few).
 */
export const SEARCH_SETTINGS = { statement_timeout: String(SEARCH_STATEMENT_TIMEOUT_MS), enable_seqscan: 'off', jit: 'off' };

/** Runs one search statement with SEARCH_SETTINGS. */
async function searchStatement<T>(db: Database, sql: string, params: unknown[]): Promise<T[]> {
  try {
    return (await db.queryWith<T>(SEARCH_SETTINGS, sql, params)).rows;
  } catch (e) {
    if ((e as { code?: string }).code === '57014') throw new SearchTimeoutError();
    throw e;
  }
}
