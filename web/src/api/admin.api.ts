import { endpoints as e } from './endpoints';
import { call } from './http';
import type { AdminUser, AdminUserPatch, Page } from './types';

export const adminApi = {
  users: (page: { limit: number; offset: number }) => call<Page<AdminUser>>(e.adminUsers, { query: page }),
  updateUser: (id: string, body: AdminUserPatch) => call<AdminUser>(e.adminUpdateUser, { params: { id }, body }),
  resetTwoFactor: (id: string) => call<AdminUser>(e.adminResetTwoFactor, { params: { id } }),
};
