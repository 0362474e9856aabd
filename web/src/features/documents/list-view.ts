import type { DocumentQuery, SortValue } from '../../api/types';
import { PAGE_SIZES } from '../../components/Pagination';
import type { Filters } from './DocumentFilters';

export const DEFAULT_PAGE_SIZE = 20;
export const FILTER_KEYS = ['q', 'topic', 'status', 'type', 'from', 'to'] as const;

/** What the documents list shows, as its URL says it: filters, sorting, page, trash or not. */
export interface ListView {
  filters: Filters;
  page: number;
  pageSize: number;
  sort: SortValue | '';
  inTrash: boolean;
}

export function viewOf(params: URLSearchParams): ListView {
  const sizeParam = Number(params.get('size'));
  return {
    filters: Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ''])) as unknown as Filters,
    page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1),
    pageSize: PAGE_SIZES.includes(sizeParam) ? sizeParam : DEFAULT_PAGE_SIZE,
    sort: (params.get('sort') ?? '') as SortValue | '',
    inTrash: params.get('in') === 'trash',
  };
}

export function paramsOf(view: ListView): URLSearchParams {
  const p = new URLSearchParams();
  if (view.inTrash) p.set('in', 'trash');
  for (const k of FILTER_KEYS) if (view.filters[k]) p.set(k, view.filters[k]);
  if (view.sort) p.set('sort', view.sort);
  if (view.pageSize !== DEFAULT_PAGE_SIZE) p.set('size', String(view.pageSize));
  if (view.page > 1) p.set('page', String(view.page));
  return p;
}

/** The API query for a view. */
export function queryOf(view: ListView): DocumentQuery {
  const { filters, page, pageSize, sort, inTrash } = view;
  return {
    limit: pageSize,
    offset: (page - 1) * pageSize,
    q: filters.q || undefined,
    topic_id: filters.topic || undefined,
    status: (filters.status || undefined) as DocumentQuery['status'],
    content_type: (filters.type || undefined) as DocumentQuery['content_type'],
    from: filters.from || undefined,
    to: filters.to || undefined,
    sort: sort || undefined,
    in: inTrash ? 'trash' : undefined,
  };
}
