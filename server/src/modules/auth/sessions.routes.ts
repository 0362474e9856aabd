import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Database } from '../../db/database.js';
import { currentUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';
import { errorResponses as errorsOf, isUuid } from '../../http/schemas.js';
import { listSessions, revokeUserFamilies, revokeUserSession } from './auth.repository.js';
import { presentSession } from './auth.presenters.js';
import { BackupCodes, BackupCodesLeft, ReauthBody, RevokedSessions, SessionIdParams, SessionList } from './auth.schemas.js';
import type { AuthService } from './auth.service.js';
import { currentSessionId } from './authenticate.js';

/** /api/auth/sessions and the backup codes: the signed-in devices and what is left to sign in with. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ db: Database; service: AuthService }> = async (app, { db, service }) => {
  const tags = ['auth'];
  const security = [{ bearer: [] }];
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/sessions',
    {
      schema: {
        tags,
        security,
        summary: 'Signed-in devices (live sessions), most recently used first',
        response: { 200: SessionList, ...errorsOf(401) },
      },
    },
    async (request) => {
      const rows = await listSessions(db, currentUser(request).id);
      return rows.map((s) => presentSession(s, currentSessionId(request)));
    },
  );

  app.delete(
    '/sessions/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Sign one device out (its refresh and access tokens stop working at once)',
        params: SessionIdParams,
        response: { 204: Type.Null(), ...errorsOf(401, 404) },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      if (!isUuid(id) || !(await revokeUserSession(db, currentUser(request).id, id))) throw errors.notFound('session');
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/sessions/revoke-others',
    {
      schema: {
        tags,
        security,
        summary: 'Sign out everywhere else: every session but this one ends',
        response: { 200: RevokedSessions, ...errorsOf(401) },
      },
    },
    async (request) => {
      const revoked = await db.transaction(async (tx) => {
        const before = await listSessions(tx, currentUser(request).id);
        await revokeUserFamilies(tx, currentUser(request).id, currentSessionId(request));
        return before.filter((s) => s.id !== currentSessionId(request)).length;
      });
      return { revoked };
    },
  );

  app.get(
    '/2fa/backup-codes',
    { schema: { tags, security, summary: 'How many unused backup codes are left', response: { 200: BackupCodesLeft, ...errorsOf(401) } } },
    async (request) => ({ remaining: await service.backupCodesLeft(currentUser(request).id) }),
  );

  app.post(
    '/2fa/backup-codes',
    {
      schema: {
        tags,
        security,
        summary: 'Ten new backup codes replacing the old ones (password and a code required); shown once',
        body: ReauthBody,
        response: { 200: BackupCodes, ...errorsOf(401, 403, 409, 422, 429) },
      },
    },
    async (request) => ({ backup_codes: await service.regenerateBackupCodes(currentUser(request).id, request.body) }),
  );
};
