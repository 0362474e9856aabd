import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth-context.js';
import { IdParams, PageFields, errorResponses as errorsOf } from '../../http/schemas.js';
import { presentAdminUser } from './admin.presenters.js';
import { authorizeAdmin } from './admin.policy.js';
import type { AdminService } from './admin.service.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth/password.js';

const AdminUser = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  disabled: Type.Boolean(),
  totp_enabled: Type.Boolean({ description: 'Two-factor authentication is on' }),
  used_bytes: Type.Integer(),
  limit_bytes: Type.Integer(),
  created_at: Type.String({ format: 'date-time' }),
});
const UserPage = Type.Object({ items: Type.Array(AdminUser), total: Type.Integer() });
const UserParams = IdParams('User id');
const UserPageQuery = Type.Object({
  ...PageFields,
  q: Type.Optional(Type.String({ maxLength: 320, description: 'Only users whose email contains this' })),
});
const NewUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320, pattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$' }),
    temporary_password: Type.String({
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      description: 'The user must change it at the first sign-in',
    }),
    role: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('admin')])),
    limit_bytes: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);
const UserPatchBody = Type.Object(
  {
    limit_bytes: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Storage limit in bytes' })),
    role: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('admin')])),
    disabled: Type.Optional(Type.Boolean({ description: 'A disabled user cannot sign in; their sessions end' })),
  },
  { additionalProperties: false },
);

/** /api/admin: admins only. Who is calling and whether they may is settled before the body is even read. */
export const adminRoutes: FastifyPluginAsyncTypebox<{ service: AdminService }> = async (app, { service }) => {
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', async (request) => authorizeAdmin(request.user));
  const tags = ['admin'];
  const security = [{ bearer: [] }];

  app.get(
    '/users',
    {
      schema: {
        tags,
        summary: 'Users with their quota use (paginated)',
        security,
        querystring: UserPageQuery,
        response: { 200: UserPage, ...errorsOf(401, 403, 422) },
      },
    },
    async (request) => {
      const page = await service.listUsers(currentUser(request), request.query);
      return { items: page.items.map(presentAdminUser), total: page.total };
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags,
        summary: "Change a user's storage limit, role or disabled flag",
        security,
        params: UserParams,
        body: UserPatchBody,
        response: { 200: AdminUser, ...errorsOf(401, 403, 404, 409, 422) },
      },
    },
    async (request) => presentAdminUser(await service.updateUser(currentUser(request), request.params.id, request.body)),
  );

  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create an account with a temporary password (changed at the first sign-in)',
        security,
        body: NewUserBody,
        response: { 201: AdminUser, ...errorsOf(401, 403, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(presentAdminUser(await service.createUser(currentUser(request), request.body))),
  );

  app.delete(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'Delete an account: disabled and signed out at once; its documents and files are removed by a job',
        security,
        params: UserParams,
        response: { 202: Type.Object({ id: Type.String(), status: Type.Literal('deleting') }), ...errorsOf(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await service.deleteUser(currentUser(request), request.params.id);
      return reply.status(202).send({ id: request.params.id, status: 'deleting' as const });
    },
  );

  app.post(
    '/users/:id/reset-2fa',
    {
      schema: {
        tags,
        summary: "Turn off a user's two-factor authentication (they lost their device); the user is mailed",
        description:
          'Removes the TOTP secret and the backup codes, so the next sign-in needs the password only. ' +
          'Not for your own account: turn that off on the Security page with your password and a code.',
        security,
        params: UserParams,
        response: { 200: AdminUser, ...errorsOf(401, 403, 404, 409) },
      },
    },
    async (request) =>
      presentAdminUser(
        await service.resetTwoFactor(currentUser(request), request.params.id, {
          ip: request.ip,
          userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
        }),
      ),
  );
};
