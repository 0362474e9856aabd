import type { Queryable } from '../../db/database.js';
import type { UploadGate } from '../../storage/app-upload-url.js';
import { uploadsRepository as uploads } from './uploads.repository.js';

/**
 * The storage routes' gate, answered from the documents: bytes may land only under the key
 * of a pending document. Asked before the body is read and once it is in place; an
 * undeclared upload's reservation shrinks then to what arrived.
 */
export function createUploadGate(db: Queryable): UploadGate {
  return {
    admits: (key) => uploads.isPendingKey(db, key),
    arrived: (key, size) => uploads.settleArrival(db, key, size),
  };
}
