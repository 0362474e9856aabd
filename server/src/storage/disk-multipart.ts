import { randomBytes, randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MultipartUploadInfo, StoredPart } from './blob-store.js';
import { copyBounded, createFileWriter, type ByteSource } from './disk-object-writer.js';
import { MULTIPART_DIR } from './safe-path.js';
import { StorageRefusedError } from './storage-errors.js';

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Meta {
  key: string;
  partSize: number;
  initiated: string;
}

/**
 * Multipart uploads on disk. Every part is written straight to its place in one file per
 * upload (`.multipart/<id>/data`, at (n − 1) × part size), so completing is a rename, not a
 * copy: no byte is written twice and nothing is buffered. A part counts once its bytes are
 * fsync'd and its marker `<n>.json` (size, ETag) is in place; a part whose upload was cut
 * has no marker and is simply sent again.
 */
export function createDiskMultipart(rootDir: string) {
  const base = path.join(rootDir, MULTIPART_DIR);
  const dirOf = (uploadId: string) => {
    if (!UPLOAD_ID.test(uploadId)) throw new StorageRefusedError('url_invalid');
    return path.join(base, uploadId);
  };

  async function metaOf(uploadId: string, key: string): Promise<Meta | null> {
    try {
      const meta = JSON.parse(await readFile(path.join(dirOf(uploadId), 'meta.json'), 'utf8')) as Meta;
      return meta.key === key ? meta : null;
    } catch {
      return null;
    }
  }

  async function partsOf(uploadId: string): Promise<StoredPart[]> {
    const dir = dirOf(uploadId);
    const parts: StoredPart[] = [];
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const m = /^(\d+)\.json$/.exec(name);
      if (!m) continue;
      try {
        const p = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as { size: number; etag: string };
        parts.push({ partNumber: Number(m[1]), size: p.size, etag: p.etag });
      } catch {
        // a marker being replaced right now: the part is not done
      }
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  return {
    async create(opts: { key: string; partSize: number }): Promise<{ uploadId: string }> {
      const uploadId = randomUUID();
      const dir = dirOf(uploadId);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await (await open(path.join(dir, 'data'), 'w', 0o600)).close();
      const meta: Meta = { key: opts.key, partSize: opts.partSize, initiated: new Date().toISOString() };
      await writeFile(path.join(dir, 'meta.json'), JSON.stringify(meta), { mode: 0o600 });
      return { uploadId };
    },

    /** Streams one part to its place; returns its ETag. 409 when the upload is gone. */
    async receivePart(opts: {
      key: string;
      uploadId: string;
      partNumber: number;
      exactBytes: number;
      body: ByteSource;
    }): Promise<{ size: number; etag: string }> {
      const meta = await metaOf(opts.uploadId, opts.key);
      if (!meta) throw new StorageRefusedError('upload_closed');
      const dir = dirOf(opts.uploadId);
      const marker = path.join(dir, `${opts.partNumber}.json`);
      // The part is not done while its bytes are being (re)written.
      await rm(marker, { force: true });
      const handle = await open(path.join(dir, 'data'), 'r+');
      const writer = createFileWriter(handle, (opts.partNumber - 1) * meta.partSize);
      let size: number;
      try {
        size = await copyBounded(opts.body, { exactBytes: opts.exactBytes }, (chunk) => writer.write(chunk));
        await writer.end();
        await handle.sync();
      } finally {
        await writer.settle();
        await handle.close();
      }
      const etag = `"${randomBytes(12).toString('hex')}"`;
      const temp = `${marker}.${randomUUID()}.tmp`;
      await writeFile(temp, JSON.stringify({ size, etag }), { mode: 0o600 });
      await rename(temp, marker);
      return { size, etag };
    },

    async listParts(opts: { key: string; uploadId: string }): Promise<StoredPart[] | null> {
      if (!(await metaOf(opts.uploadId, opts.key))) return null;
      return partsOf(opts.uploadId);
    },

    /** Moves the assembled file into place at `target` (never over an existing object). */
    async complete(opts: { key: string; uploadId: string; parts: StoredPart[]; target: string }): Promise<void> {
      if (!(await metaOf(opts.uploadId, opts.key))) throw new StorageRefusedError('upload_closed');
      const stored = new Map((await partsOf(opts.uploadId)).map((p) => [p.partNumber, p]));
      for (const p of opts.parts) {
        const s = stored.get(p.partNumber);
        if (!s || s.etag !== p.etag || s.size !== p.size) {
          throw new StorageRefusedError('part_mismatch');
        }
      }
      const total = opts.parts.reduce((n, p) => n + p.size, 0);
      const data = path.join(dirOf(opts.uploadId), 'data');
      const handle = await open(data, 'r+');
      try {
        // Bytes of a part sent longer before its URL was fixed cannot be there (every part
        // is bounded), but the file must end exactly where the last part does.
        await handle.truncate(total);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(path.dirname(opts.target), { recursive: true });
      try {
        await link(data, opts.target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new StorageRefusedError('url_used');
        }
        throw err;
      }
      await rm(dirOf(opts.uploadId), { recursive: true, force: true });
    },

    async abort(opts: { uploadId: string }): Promise<void> {
      if (!UPLOAD_ID.test(opts.uploadId)) return;
      await rm(dirOf(opts.uploadId), { recursive: true, force: true });
    },

    async *list(): AsyncGenerator<MultipartUploadInfo> {
      for (const uploadId of await readdir(base).catch(() => [] as string[])) {
        if (!UPLOAD_ID.test(uploadId)) continue;
        const dir = path.join(base, uploadId);
        try {
          const meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')) as Meta;
          yield { key: meta.key, uploadId, initiated: new Date(meta.initiated) };
        } catch {
          // no meta (a create cut short): judged by the directory's age
          const s = await stat(dir).catch(() => null);
          if (s) yield { key: '', uploadId, initiated: s.mtime };
        }
      }
    },
  };
}

export type DiskMultipart = ReturnType<typeof createDiskMultipart>;
