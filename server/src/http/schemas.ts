import { Type, type TSchema } from 'typebox';
import { ERROR_CODES, type ErrorCode } from './errors.js';

/** Schemas every route file shares: the error body, id params, page bounds; and the one UUID check. */

export const ErrorBody = Type.Object(
  {
    detail: Type.Unknown({ description: 'For people: a sentence, or (quota_exceeded) the figures' }),
    code: Type.Unsafe<ErrorCode>({ type: 'string', enum: [...ERROR_CODES], description: 'For programs: branch on this' }),
  },
  { title: 'Error', description: 'Error' },
);

/** `{ 404: ErrorBody, 409: ErrorBody }` for a route's `response`; documentation only (see error-handler.ts). */
export const errorResponses = (...statuses: number[]): Record<number, TSchema> =>
  Object.fromEntries(statuses.map((s) => [s, ErrorBody]));

/** Ids are plain strings here: a malformed id answers 404 like any unknown one. */
export const IdParams = (description: string) => Type.Object({ id: Type.String({ maxLength: 100, description }) });

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;
/** Far past any real table, far below what PostgreSQL's bigint OFFSET would refuse with a 500. */
export const PAGE_OFFSET_MAX = 1_000_000_000;

/** `limit` and `offset` of a paginated list, bounded; spread into a query schema. */
export const PageFields = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: PAGE_OFFSET_MAX, default: 0 })),
};
export const PageQuery = Type.Object(PageFields);

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const UUID = new RegExp(UUID_PATTERN);

export function isUuid(s: string): boolean {
  return UUID.test(s);
}
