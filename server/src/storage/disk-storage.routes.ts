import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { errorResponses } from '../http/schemas.js';
import { attachmentDisposition, inlineDisposition } from './content-disposition.js';
import { APP_PART_PATH as DISK_PART_PATH, type UploadGate } from './app-upload-url.js';
import { DISK_DOWNLOAD_PATH, DISK_UPLOAD_PATH, type DiskBlobStore, type ReceiveUploadOptions } from './disk-blob-store.js';

/** A store that receives uploads through app-signed URLs (disk always; S3 for undeclared sizes). */
export interface AppUploadReceiver {
  readonly backend: 'local' | 's3';
  receiveUpload(opts: ReceiveUploadOptions): Promise<{ size: number; etag: string }>;
}

const KeyParams = Type.Object({ '*': Type.String({ description: 'Object key' }) });
const UploadQuery = Type.Object({
  expires: Type.Optional(Type.String({ description: 'Unix seconds after which the URL is refused' })),
  exact: Type.Optional(Type.String({ description: 'Exact body length in bytes' })),
  max: Type.Optional(Type.String({ description: 'Largest body length in bytes' })),
  sig: Type.Optional(Type.String({ description: 'Signature over method, key, Content-Type, expiry and bound' })),
});
const PartQuery = Type.Object({
  upload: Type.Optional(Type.String({ description: 'Multipart upload id' })),
  part: Type.Optional(Type.String({ description: 'Part number' })),
  exact: Type.Optional(Type.String({ description: 'Exact part length in bytes' })),
  expires: Type.Optional(Type.String()),
  sig: Type.Optional(Type.String()),
});
const DownloadQuery = Type.Object({
  expires: Type.Optional(Type.String()),
  filename: Type.Optional(Type.String({ description: 'Name the browser saves the file as' })),
  type: Type.Optional(Type.String({ description: 'Content-Type to serve' })),
  disposition: Type.Optional(Type.String({ description: '`inline` for a preview (signed); otherwise an attachment' })),
  sig: Type.Optional(Type.String()),
});

/**
 * The app-signed storage URLs (every upload and download of the disk backend; undeclared
 * uploads on S3): unauthenticated (the signature is the authority), registered in their own
 * encapsulated scope so the raw-body parser below does not leak into the JSON API. Query
 * fields are optional in the schema on purpose: a missing or malformed one is a bad URL
 * (403), not a validation error. The gate closes a URL when its document is gone.
 */
export const diskStorageRoutes: FastifyPluginAsync<{ store: AppUploadReceiver; gate?: UploadGate }> = async (
  app,
  { store, gate },
) => {
  // Any content type, unparsed and not bounded by the JSON body limit: the upload's own
  // signed bound applies while streaming to disk.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  // After an early refusal the rest of the body is still on the wire; closing the
  // connection is the only way not to read (or hang on) it.
  app.addHook('onSend', async (request, reply) => {
    if (!request.raw.complete) reply.header('connection', 'close');
  });

  app.put(
    `${DISK_UPLOAD_PATH}*`,
    {
      schema: {
        tags: ['storage'],
        summary: 'Upload the bytes of an object through an app-signed URL (disk backend; S3 without a declared size)',
        params: KeyParams,
        querystring: UploadQuery,
        response: { 204: Type.Null(), ...errorResponses(400, 403, 409, 413) },
      },
    },
    async (request, reply) => {
      const { '*': key } = request.params as { '*': string };
      const length = request.headers['content-length'];
      const stored = await store.receiveUpload({
        key,
        query: request.query as Record<string, unknown>,
        contentType: request.headers['content-type'],
        contentLength: length === undefined ? undefined : Number(length),
        body: { [Symbol.asyncIterator]: () => request.raw.iterator({ destroyOnReturn: false }) },
        gate,
      });
      return reply.status(204).header('etag', stored.etag).send();
    },
  );

  if (store.backend !== 'local') return;
  const disk = store as DiskBlobStore;

  app.put(
    `${DISK_PART_PATH}*`,
    {
      schema: {
        tags: ['storage'],
        summary: 'Upload one part of a multipart upload through an app-signed URL (disk backend)',
        params: KeyParams,
        querystring: PartQuery,
        response: { 204: Type.Null(), ...errorResponses(400, 403, 409, 413) },
      },
    },
    async (request, reply) => {
      const { '*': key } = request.params as { '*': string };
      const length = request.headers['content-length'];
      const stored = await disk.receivePart({
        key,
        query: request.query as Record<string, unknown>,
        contentLength: length === undefined ? undefined : Number(length),
        body: { [Symbol.asyncIterator]: () => request.raw.iterator({ destroyOnReturn: false }) },
        gate,
      });
      return reply.status(204).header('etag', stored.etag).send();
    },
  );

  app.get(
    `${DISK_DOWNLOAD_PATH}*`,
    {
      schema: {
        tags: ['storage'],
        summary: 'Download an object as an attachment (or show a preview inline) through an app-signed URL (disk backend)',
        params: KeyParams,
        querystring: DownloadQuery,
      },
    },
    async (request, reply) => {
      const { '*': key } = request.params as { '*': string };
      const object = await disk.openDownload({ key, query: request.query as Record<string, unknown> });
      return reply
        .headers({
          'content-type': object.contentType,
          'content-length': String(object.size),
          'content-disposition': object.inline ? inlineDisposition(object.filename) : attachmentDisposition(object.filename),
          'x-content-type-options': 'nosniff',
          // A preview is shown by the browser (an image, a PDF, text), so only the sandbox:
          // nothing in it runs script or reaches the app's origin.
          'content-security-policy': object.inline ? 'sandbox' : "default-src 'none'; sandbox",
          'cache-control': 'private, no-store',
        })
        .send(object.stream);
    },
  );
};
