import { createDiskBlobStore, type DiskBlobStore, type DiskBlobStoreOptions } from './disk-blob-store.js';
import { createS3BlobStore, type S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

export type { BlobStore, ListedObject, ObjectInfo, PresignedDownload, PresignedUpload } from './blob-store.js';
export type { DiskBlobStore, DiskBlobStoreOptions } from './disk-blob-store.js';
export type { S3BlobStore, S3BlobStoreOptions } from './s3-blob-store.js';
export { diskStorageRoutes } from './disk-storage.routes.js';

export type BlobStoreOptions = ({ backend: 'local' } & DiskBlobStoreOptions) | ({ backend: 's3' } & S3BlobStoreOptions);

/** Either backend; `backend` tells them apart (only 'local' needs the app's storage routes). */
export type ConfiguredBlobStore = DiskBlobStore | S3BlobStore;

/** The one storage entry point: the backend is picked by `opts.backend`. */
export function createBlobStore(opts: { backend: 'local' } & DiskBlobStoreOptions): DiskBlobStore;
export function createBlobStore(opts: { backend: 's3' } & S3BlobStoreOptions): S3BlobStore;
export function createBlobStore(opts: BlobStoreOptions): ConfiguredBlobStore;
export function createBlobStore(opts: BlobStoreOptions): ConfiguredBlobStore {
  if (opts.backend === 'local') {
    const { backend: _, ...disk } = opts;
    return createDiskBlobStore(disk);
  }
  const { backend: _, ...s3 } = opts;
  return createS3BlobStore(s3);
}
