import { endpoints as e } from './endpoints';
import { call } from './http';
import type {
  BulkAnswer,
  BulkRequest,
  ClassifyAnswer,
  ConfirmResult,
  DocumentItem,
  DocumentPage,
  DocumentPatch,
  DocumentQuery,
  DownloadLink,
  MultipartTicket,
  PartUrls,
  StoredPart,
  UploadOptions,
  UploadTicket,
} from './types';

const byId = (id: string) => ({ params: { id } });

export const documentsApi = {
  list: (query: DocumentQuery, signal?: AbortSignal) => call<DocumentPage>(e.listDocuments, { query: { ...query }, signal }),
  get: (id: string) => call<DocumentItem>(e.getDocument, byId(id)),
  update: (id: string, body: DocumentPatch) => call<DocumentItem>(e.updateDocument, { ...byId(id), body }),
  remove: (id: string) => call<void>(e.deleteDocument, byId(id)),
  trash: (id: string) => call<DocumentItem>(e.trashDocument, byId(id)),
  restore: (id: string) => call<DocumentItem>(e.restoreDocument, byId(id)),
  bulk: (body: BulkRequest) => call<BulkAnswer>(e.bulkDocuments, { body }),
  downloadUrl: (id: string) => call<DownloadLink>(e.downloadUrl, byId(id)),
  classify: (id: string) => call<ClassifyAnswer>(e.classify, byId(id)),
  uploadOptions: () => call<UploadOptions>(e.uploadOptions),
  uploadUrl: (body: { filename: string; content_type: string; size_bytes: number }, signal?: AbortSignal) =>
    call<UploadTicket>(e.uploadUrl, { body, signal }),
  confirm: (id: string, signal?: AbortSignal, parts?: { part_number: number; etag: string }[]) =>
    call<ConfirmResult>(e.confirmUpload, { ...byId(id), signal, ...(parts ? { body: { parts } } : {}) }),
  startMultipart: (body: { filename: string; content_type: string; size_bytes: number }, signal?: AbortSignal) =>
    call<MultipartTicket>(e.startMultipart, { body: { ...body, multipart: true }, signal }),
  partUrls: (id: string, partNumbers: number[], signal?: AbortSignal) =>
    call<PartUrls>(e.partUrls, { ...byId(id), body: { part_numbers: partNumbers }, signal }),
  storedParts: (id: string, signal?: AbortSignal) => call<StoredPart[]>(e.storedParts, { ...byId(id), signal }),
};
