import { endpoints as e } from './endpoints';
import { call } from './http';
import type { AdminUser, AdminUserPage, AdminUserPatch, NewAdminUser } from './types';

export const adminApi = {
  users: (page: { limit: number; offset: number; q?: string }) => call<AdminUserPage>(e.adminUsers, { query: page }),
  createUser: (body: NewAdminUser) => call<AdminUser>(e.adminCreateUser, { body }),
  deleteUser: (id: string) => call<void>(e.adminDeleteUser, { params: { id } }),
  updateUser: (id: string, body: AdminUserPatch) => call<AdminUser>(e.adminUpdateUser, { params: { id }, body }),
  resetTwoFactor: (id: string) => call<AdminUser>(e.adminResetTwoFactor, { params: { id } }),
};
