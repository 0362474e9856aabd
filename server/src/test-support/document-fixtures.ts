/**
 * Helpers shared by the documents test files (under test-support/, which the production build
 * leaves out). Everything goes through real
 * HTTP except reading the database and storage to check what really happened.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, Queryable } from '../db/database.js';
import { createDocumentService } from '../modules/documents/documents.service.js';
import type { BlobStore } from '../storage/blob-store.js';
import { REPO_ROOT } from './spawn-server.js';
import { httpClient, signUp, type JsonResponse, type TestApp, type TestUser } from './test-app.js';

export { PASSWORD, randomEmail, type TestUser } from './test-app.js';

/** What a test needs from a running app: its URL, and (in-process only) its database and storage. */
export interface Target {
  baseUrl: string;
  db?: Queryable;
  blobs?: BlobStore;
}

export function docsClient(target: Target) {
  const req = httpClient(target.baseUrl);
  const abs = (url: string) => (url.startsWith('http') ? url : target.baseUrl + url);

  const c = {
    req,
    abs,
    async user(opts: { limitBytes?: number; email?: string } = {}): Promise<TestUser> {
      const user = await signUp(req, opts.email);
      if (opts.limitBytes !== undefined) {
        if (!target.db) throw new Error('limitBytes needs the database');
        await target.db.query('UPDATE quotas SET limit_bytes = $2 WHERE user_id = $1', [user.id, opts.limitBytes]);
      }
      return user;
    },
    uploadUrl(token: string, json: Record<string, unknown>) {
      return req('POST', '/api/documents/upload-url', { token, json });
    },
    async put(url: string, bytes: Buffer | string, contentType: string, headers: Record<string, string> = {}) {
      const body = typeof bytes === 'string' ? bytes : new Uint8Array(bytes);
      const r = await fetch(abs(url), { method: 'PUT', body, headers: { 'content-type': contentType, ...headers } });
      const text = await r.text();
      return { status: r.status, text, headers: r.headers };
    },
    confirm(token: string, id: string) {
      return req('POST', `/api/documents/${id}/confirm`, { token });
    },
    /** upload-url → PUT → (optionally) confirm; throws on a failed first or second step. */
    async upload(
      token: string,
      opts: { filename?: string; contentType?: string; bytes?: Buffer | string; sizeBytes?: number; confirm?: boolean } = {},
    ): Promise<{ id: string; uploadUrl: string; confirm?: JsonResponse }> {
      const contentType = opts.contentType ?? 'text/plain';
      const json: Record<string, unknown> = { filename: opts.filename ?? 'note.txt', content_type: contentType };
      if (opts.sizeBytes !== undefined) json.size_bytes = opts.sizeBytes;
      const u = await c.uploadUrl(token, json);
      if (u.status !== 200) throw new Error(`upload-url: ${u.status} ${u.text}`);
      const p = await c.put(u.body.upload_url, opts.bytes ?? 'hello', contentType);
      if (p.status >= 300) throw new Error(`PUT: ${p.status} ${p.text}`);
      const id = u.body.document_id as string;
      return { id, uploadUrl: u.body.upload_url, confirm: opts.confirm === false ? undefined : await c.confirm(token, id) };
    },
    /** The document as GET answers it once the worker is done with it (no job in flight); throws after 60 s. */
    async processed(token: string, id: string): Promise<any> {
      let body: any;
      const done = await eventually(async () => {
        body = (await req('GET', `/api/documents/${id}`, { token })).body;
        return body.processing === false;
      }, 60_000);
      if (!done) throw new Error(`document ${id} still processing after 60 s`);
      return body;
    },
    async quota(token: string): Promise<{ used_bytes: number; limit_bytes: number; reserved_bytes: number }> {
      const r = await req('GET', '/api/auth/me/quota', { token });
      if (r.status !== 200) throw new Error(`me/quota: ${r.status} ${r.text}`);
      return r.body;
    },
  };
  return c;
}

/** The row as stored, whoever owns it (null when gone). */
export async function documentRow(db: Queryable, id: string) {
  const { rows } = await db.query<{ object_key: string; status: string; size_bytes: number; filename: string; user_id: string }>(
    'SELECT object_key, status, size_bytes, filename, user_id FROM documents WHERE id = $1',
    [id],
  );
  return rows[0] ?? null;
}

export async function usedBytes(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ used_bytes: number }>('SELECT used_bytes FROM quotas WHERE user_id = $1', [userId]);
  return rows[0]!.used_bytes;
}

/** Every object key in the store (for "nothing stored" checks). */
export async function allKeys(blobs: BlobStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of blobs.list({})) keys.push(o.key);
  return keys.sort();
}

/** Every regular file under a directory, recursively (for "nothing outside the root" checks). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/** Jobs of a type queued for a document, in any state (pg-boss keeps finished ones). */
export async function jobsFor(db: Queryable, name: string, documentId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'documentId' = $2`,
    [name, documentId],
  );
  return rows[0]!.n;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is true or the time is up; returns whether it became true. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000, everyMs = 200): Promise<boolean> {
  const t0 = Date.now();
  for (;;) {
    if (await check()) return true;
    if (Date.now() - t0 > timeoutMs) return false;
    await sleep(everyMs);
  }
}

const RECONCILE_CLI = fileURLToPath(new URL('../../dist/cli/reconcile-quotas.js', import.meta.url));

/** Runs the built `reconcile-quotas` (after buildOnce) as its own process, as `npm run reconcile-quotas` does. */
export function runReconcileCli(env: Record<string, string>, args: string[] = []) {
  const r = spawnSync(process.execPath, [RECONCILE_CLI, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const drifted = /^drifted users: (\d+)$/m.exec(r.stdout)?.[1];
  const repaired = /^repaired users: (\d+)/m.exec(r.stdout)?.[1];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, drifted: Number(drifted), repaired: Number(repaired) };
}

/** The app's document service, as the app builds it, over `db` (the app's own, or one wrapped to watch it). */
export function documentService(app: TestApp, db: Database = app.runtime.db) {
  const cfg = app.runtime.config;
  return createDocumentService({
    db,
    blobs: app.runtime.blobs,
    queue: app.runtime.jobs,
    settings: {
      uploadUrlTtlSeconds: cfg.uploadUrlTtlSeconds,
      pendingUploadTtlSeconds: cfg.pendingUploadTtlSeconds,
      maxPendingUploads: cfg.maxPendingUploads,
      maxUploadBytes: cfg.maxUploadBytes,
      undeclaredUploadMaxBytes: cfg.undeclaredUploadMaxBytes,
    },
  });
}
