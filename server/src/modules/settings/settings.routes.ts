import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth-context.js';
import { errorResponses as errorsOf } from '../../http/schemas.js';
import type { SettingsService } from './settings.service.js';

const Provider = Type.Union([Type.Literal('local'), Type.Literal('openai'), Type.Literal('anthropic'), Type.Literal('none')], {
  description:
    'local: offline, learns from your topics and manual assignments; openai: any OpenAI-compatible chat completions endpoint (e.g. Ollama by base_url); anthropic: the Messages API; none: no classification',
});
const Settings = Type.Object({
  provider: Provider,
  model: Type.Union([Type.String(), Type.Null()]),
  base_url: Type.Union([Type.String(), Type.Null()]),
  api_key_set: Type.Boolean({ description: 'Whether an API key is stored (the key itself is never returned)' }),
  auto_classify: Type.Boolean({ description: 'Classify every upload; when false only POST /documents/{id}/classify does' }),
});
const SettingsBody = Type.Object({
  provider: Type.Optional(Provider),
  model: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  base_url: Type.Optional(
    Type.Union([
      Type.String({ maxLength: 2048, description: 'http(s) only; private and loopback hosts only if the admin allows them' }),
      Type.Null(),
    ]),
  ),
  api_key: Type.Optional(
    Type.Union([Type.String({ maxLength: 4096, description: 'Write-only; null or "" removes it' }), Type.Null()]),
  ),
  api_key_set: Type.Optional(Type.Boolean({ description: 'Ignored unless false without api_key: then the key is removed' })),
  auto_classify: Type.Optional(Type.Boolean()),
});

/** /api/settings: the caller's classification settings. */
export const settingsRoutes: FastifyPluginAsyncTypebox<{ service: SettingsService }> = async (app, { service }) => {
  app.addHook('onRequest', app.authenticate);
  const tags = ['settings'];
  const security = [{ bearer: [] }];

  app.get(
    '/',
    { schema: { tags, security, summary: 'Classification settings', response: { 200: Settings, ...errorsOf(401) } } },
    async (request) => service.get(currentUser(request)),
  );

  app.put(
    '/',
    {
      schema: {
        tags,
        security,
        summary: 'Change classification settings (omitted fields keep their value)',
        body: SettingsBody,
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
          200: Type.Object({
            ok: Type.Boolean(),
            provider: Provider,
            detail: Type.String(),
            latency_ms: Type.Union([Type.Integer(), Type.Null()]),
          }),
          ...errorsOf(401),
        },
      },
    },
    async (request) => service.testConnection(currentUser(request)),
  );
};
