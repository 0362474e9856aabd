import { endpoints as e } from './endpoints';
import { call } from './http';
import type { CreatedShareLink, CreateShareInput, ShareLink } from './types';

export const sharesApi = {
  list: (documentId: string) => call<ShareLink[]>(e.listShares, { params: { id: documentId } }),
  create: (documentId: string, body: CreateShareInput) =>
    call<CreatedShareLink>(e.createShare, { params: { id: documentId }, body }),
  revoke: (shareId: string) => call<void>(e.revokeShare, { params: { id: shareId } }),
};
