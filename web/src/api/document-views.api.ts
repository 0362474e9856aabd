import { apiErrorOf } from './api-error';
import { endpoints as e } from './endpoints';
import { buildUrl, call } from './http';
import { getAccessToken, refreshSession } from './session';
import type { DocumentText, PreviewLink } from './types';

const byId = (id: string) => ({ params: { id } });

/** What the document page shows besides the document's fields. */
export const documentViewsApi = {
  text: (id: string) => call<DocumentText>(e.documentText, byId(id)),
  previewUrl: (id: string) => call<PreviewLink>(e.previewUrl, byId(id)),
  /**
   * The thumbnail as an object URL (the caller revokes it), or null when there is none yet.
   * Fetched with the bearer token (an <img src> could not send it); the browser's HTTP cache
   * keeps it (private, with an ETag).
   */
  async thumbnail(id: string, signal?: AbortSignal): Promise<string | null> {
    const url = buildUrl(e.documentThumbnail.path, { id });
    const get = (token: string | null) =>
      fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, credentials: 'same-origin', signal });
    const token = getAccessToken() ?? (await refreshSession());
    let r = await get(token);
    if (r.status === 401) r = await get(await refreshSession(token));
    if (r.status === 404) return null;
    if (!r.ok) throw await apiErrorOf(r);
    return URL.createObjectURL(await r.blob());
  },
};
