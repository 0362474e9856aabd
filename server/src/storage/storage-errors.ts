/**
 * What the storage backends throw. They know nothing of HTTP: the error handler (and any
 * service that cares) maps these to the API's error catalog.
 */

/** The object does not exist (or is not a file). */
export class ObjectNotFoundError extends Error {
  constructor(readonly key?: string) {
    super('object not found');
    this.name = 'ObjectNotFoundError';
  }
}

/** Why a storage operation refused its input; each maps to one catalog error. */
export type StorageRefusal =
  /** The key has not the shape of an object key. */
  | 'invalid_key'
  /** A signed URL that is malformed or whose signature does not match. */
  | 'url_invalid'
  | 'url_expired'
  /** The bytes of a single-use upload URL were already received. */
  | 'url_used'
  | 'upload_too_large'
  | 'upload_too_short'
  /** The client went away mid-upload. */
  | 'upload_interrupted'
  /** The upload's document is gone, confirmed or swept: nothing more is stored for it. */
  | 'upload_closed'
  /** A multipart part is not stored as the completion lists it. */
  | 'part_mismatch';

export class StorageRefusedError extends Error {
  constructor(readonly reason: StorageRefusal) {
    super(`storage refused: ${reason}`);
    this.name = 'StorageRefusedError';
  }
}
