/**
 * Helpers shared by the share-link test files (under test-support/, which the production build
 * leaves out). Everything goes through real
 * HTTP; the database is read or written only to check or to set what no API does yet.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { docsClient, type Target, type TestUser } from './document-fixtures.js';

export { randomEmail } from './document-fixtures.js';

/** A realistic document: 200 KB of binary content under a name a page must escape. */
export function sampleFile(size = 200 * 1024) {
  return { filename: 'Lease <agreement> & "annex" 2026.pdf', contentType: 'application/pdf', bytes: randomBytes(size) };
}

export interface PageResponse {
  status: number;
  text: string;
  headers: Headers;
}

export function shareClient(target: Target) {
  const docs = docsClient(target);
  const abs = (url: string) => (url.startsWith('http') ? url : target.baseUrl + url);
  const pathOf = (url: string) => new URL(url, target.baseUrl).pathname;

  const c = {
    docs,
    /** A user with one confirmed document of `bytes`. */
    async owner(file = sampleFile()): Promise<{ user: TestUser; documentId: string; bytes: Buffer }> {
      const user = await docs.user();
      const up = await docs.upload(user.token, { filename: file.filename, contentType: file.contentType, bytes: file.bytes });
      if (up.confirm?.status !== 200) throw new Error(`confirm: ${up.confirm?.status} ${up.confirm?.text}`);
      return { user, documentId: up.id, bytes: file.bytes };
    },
    create(token: string, documentId: string, json: Record<string, unknown> = {}) {
      return docs.req('POST', `/api/documents/${documentId}/shares`, { token, json });
    },
    /** Creates a link and returns it with its page path (/s/<token>); throws unless 201. */
    async link(token: string, documentId: string, json: Record<string, unknown> = {}) {
      const r = await c.create(token, documentId, json);
      if (r.status !== 201) throw new Error(`create share: ${r.status} ${r.text}`);
      return { ...(r.body as { id: string; url: string; expires_at: string | null }), path: pathOf(r.body.url) };
    },
    list(token: string, documentId: string) {
      return docs.req('GET', `/api/documents/${documentId}/shares`, { token });
    },
    revoke(token: string, shareId: string) {
      return docs.req('DELETE', `/api/shares/${shareId}`, { token });
    },
    /** An anonymous visitor: no bearer token, only the cookie given. */
    async page(path: string, cookie?: string): Promise<PageResponse> {
      const r = await fetch(abs(path), { headers: cookie ? { cookie } : {}, redirect: 'manual' });
      return { status: r.status, text: await r.text(), headers: r.headers };
    },
    async unlock(path: string, password: string): Promise<PageResponse & { cookie?: string }> {
      const r = await fetch(abs(`${path}/unlock`), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ password }).toString(),
        redirect: 'manual',
      });
      const set = r.headers.getSetCookie().find((h) => h.startsWith('dv_share='));
      return { status: r.status, text: await r.text(), headers: r.headers, cookie: set?.split(';')[0] };
    },
    /** The download button: 303 to a storage URL (`location`), or a page. */
    async download(path: string, cookie?: string): Promise<PageResponse & { location: string | null }> {
      const r = await fetch(abs(`${path}/download`), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
        body: '',
        redirect: 'manual',
      });
      const location = r.headers.get('location');
      return { status: r.status, text: await r.text(), headers: r.headers, location: location ? abs(location) : null };
    },
    /** Follows a storage URL as the browser would after the redirect. */
    async fetchBytes(url: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
      const r = await fetch(url);
      return { status: r.status, bytes: Buffer.from(await r.arrayBuffer()), headers: r.headers };
    },
    /** Download button, then the storage URL; the bytes when both worked. */
    async downloadBytes(path: string, cookie?: string): Promise<Buffer> {
      const d = await c.download(path, cookie);
      if (d.status !== 303 || !d.location) throw new Error(`download: ${d.status} ${d.text.slice(0, 200)}`);
      const f = await c.fetchBytes(d.location);
      if (f.status !== 200) throw new Error(`storage: ${f.status} ${f.bytes.toString().slice(0, 200)}`);
      return f.bytes;
    },
  };
  return c;
}

/** Trashes a document directly (the trash API is another slice); the column is migration 0009's. */
export async function trashDirectly(db: Queryable, documentId: string): Promise<void> {
  await db.query('UPDATE documents SET trashed_at = now() WHERE id = $1', [documentId]);
}

/** What the "not available" page must say, and all it may say. */
export const NOT_AVAILABLE = 'This link is not available.';

/** The visible text of a page, tags and the shared chrome stripped. */
export function pageText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<title>[\s\S]*?<\/title>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
