import { errors } from '../../http/errors.js';

/**
 * The parts of the documents list that are not search: where a document is (the list or
 * the trash), filters by type family and creation date, and the sort order. Kept apart from
 * the search SQL so each can change on its own; `listConditions` gives SQL conditions over
 * the alias `d` with numbered parameters, `orderBy` an ORDER BY body.
 */

export const SORT_KEYS = ['created_at', 'filename', 'size_bytes', 'confirmed_at'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const SORT_VALUES = SORT_KEYS.flatMap((k) => [k, `-${k}`]);

/** Type families a user filters by; `other` is every type none of the rest names. */
export const TYPE_FAMILIES = ['pdf', 'image', 'text', 'office', 'archive', 'audio', 'video', 'other'] as const;
export type TypeFamily = (typeof TYPE_FAMILIES)[number];

// Each family as a regular expression over the lower-cased media type (without parameters).
const FAMILY_PATTERNS: Record<Exclude<TypeFamily, 'other'>, string> = {
  pdf: '^application/pdf$',
  image: '^image/',
  text: '^text/|^application/(json|xml|x-yaml|yaml)$',
  office:
    '^application/(msword|rtf|vnd\\.ms-(excel|powerpoint)|vnd\\.openxmlformats-officedocument\\.|vnd\\.oasis\\.opendocument\\.)',
  archive: '^application/(zip|x-zip-compressed|gzip|x-gzip|x-tar|x-7z-compressed|x-rar-compressed|vnd\\.rar|x-bzip2|x-xz|zstd)$',
  audio: '^audio/',
  video: '^video/',
};

export interface ListPlacement {
  /** The trash instead of the list. */
  inTrash: boolean;
  family?: TypeFamily;
  /** created_at ≥ from and < before. */
  from?: Date;
  before?: Date;
}

/** Where `d` is: in the list or in the trash. */
export function trashCondition(p: ListPlacement): string {
  return p.inTrash ? 'd.trashed_at IS NOT NULL' : 'd.trashed_at IS NULL';
}

/** The same placement on search's narrow table (migration 0023), whose `trashed` mirrors it. */
export function trashedCondition(p: { inTrash: boolean }, column = 'trashed'): string {
  return `${p.inTrash ? '' : 'NOT '}${column}`;
}

/**
 * Conditions for `d` by type family and creation date appended to `where`, their values to
 * `params` (numbered after what is there).
 */
export function listConditions(p: ListPlacement, where: string[], params: unknown[]): void {
  const mediaType = `lower(split_part(d.content_type, ';', 1))`;
  if (p.family === 'other') {
    params.push(`(${Object.values(FAMILY_PATTERNS).join('|')})`);
    where.push(`${mediaType} !~ $${params.length}`);
  } else if (p.family) {
    params.push(FAMILY_PATTERNS[p.family]);
    where.push(`${mediaType} ~ $${params.length}`);
  }
  if (p.from) {
    params.push(p.from);
    where.push(`d.created_at >= $${params.length}`);
  }
  if (p.before) {
    params.push(p.before);
    where.push(`d.created_at < $${params.length}`);
  }
}

/**
 * ORDER BY for a sort value (`filename`, `-size_bytes`, ...). Ties and nulls are ordered
 * so that pages never overlap: the id breaks ties, unconfirmed documents come last. The
 * trash's default is the most recently trashed first.
 */
export function orderBy(sort: string | undefined, opts: { inTrash: boolean }): string {
  if (sort === undefined) return opts.inTrash ? 'd.trashed_at DESC, d.id DESC' : 'd.created_at DESC, d.id DESC';
  const desc = sort.startsWith('-');
  const key = (desc ? sort.slice(1) : sort) as SortKey;
  const dir = desc ? 'DESC' : 'ASC';
  const column = key === 'filename' ? 'lower(d.filename)' : `d.${key}`;
  return `${column} ${dir} NULLS LAST, d.id ${dir}`;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A `from`/`to` bound as the instant it starts or ends at: a date-time, or a date meaning that
 * whole day in UTC (`to` with a date includes the day, so its bound is the next midnight,
 * exclusive). Anything unreadable is a 422.
 */
export function dateBound(raw: string | undefined, edge: 'from' | 'to'): Date | undefined {
  if (raw === undefined) return undefined;
  const dateOnly = DATE_ONLY.test(raw);
  const d = new Date(dateOnly ? `${raw}T00:00:00.000Z` : raw);
  if (Number.isNaN(d.getTime()) || (dateOnly && d.toISOString().slice(0, 10) !== raw)) {
    throw errors.invalidDate(edge);
  }
  if (edge === 'to') return new Date(d.getTime() + (dateOnly ? 86_400_000 : 1));
  return d;
}
