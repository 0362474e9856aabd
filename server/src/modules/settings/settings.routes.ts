import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser } from '../../http/auth-context.js';
import { errorResponses as errorsOf } from '../../http/schemas.js';
import { ConnectionTestBody, SettingsBody as Settings, SettingsUpdateBody } from './settings.schemas.js';
import type { SettingsService } from './settings.service.js';

/** /api/settings: the caller's classification settings. */
export const settingsRoutes: FastifyPluginAsyncTypebox<{ service: SettingsService }> = async (app, { service }) => {
  app.addHook('onRequest', app.authenticate);
  const tags = ['settings'];
  const security = [{ bearer: [] }];

  // '' (the prefix itself), not '/': that would also serve a trailing-slash twin, and the
  // OpenAPI document (so the web client) would name the twin instead of the SPEC's path.
  app.get(
    '',
    { schema: { tags, security, summary: 'Classification settings', response: { 200: Settings, ...errorsOf(401) } } },
    async (request) => service.get(currentUser(request)),
  );

  app.put(
    '',
    {
      schema: {
        tags,
        security,
        summary: 'Change classification settings (omitted fields keep their value)',
        body: SettingsUpdateBody,
        response: { 200: Settings, ...errorsOf(400, 401, 422) },
      },
    },
    async (request) => service.update(currentUser(request), request.body),
  );

  app.post(
    '/test',
    {
      schema: {
        tags,
        security,
        summary: 'Test the saved AI provider with one tiny request (ok: false with the reason when it fails)',
        response: {
          200: ConnectionTestBody,
          ...errorsOf(401),
        },
      },
    },
    async (request) => service.testConnection(currentUser(request)),
  );
};
