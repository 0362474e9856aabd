import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser } from '../../http/auth-context.js';
import { errorResponses as errorsOf } from '../../http/schemas.js';
import { presentAdminUser } from './admin.presenters.js';
import { authorizeAdmin } from './admin.policy.js';
import { AdminUserBody as AdminUser, DeletingUser, NewUserBody, UserPage, UserPageQuery, UserParams, UserPatchBody } from './admin.schemas.js';
import type { AdminService } from './admin.service.js';

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
        response: { 202: DeletingUser, ...errorsOf(401, 403, 404, 409) },
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
