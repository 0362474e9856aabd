import { Type, type Static } from 'typebox';

/** The classification-settings contract, written once: routes validate with these; service and presenter take their types. */

export const Provider = Type.Union(
  [Type.Literal('local'), Type.Literal('openai'), Type.Literal('anthropic'), Type.Literal('none')],
  {
    description:
      'local: offline, learns from your topics and manual assignments; openai: any OpenAI-compatible chat completions endpoint (e.g. Ollama by base_url); anthropic: the Messages API; none: no classification',
  },
);

export const SettingsBody = Type.Object(
  {
    provider: Provider,
    model: Type.Union([Type.String(), Type.Null()]),
    base_url: Type.Union([Type.String(), Type.Null()]),
    api_key_set: Type.Boolean({ description: 'Whether an API key is stored (the key itself is never returned)' }),
    auto_classify: Type.Boolean({ description: 'Classify every upload; when false only POST /documents/{id}/classify does' }),
  },
  { title: 'Settings' },
);
export type PresentedSettings = Static<typeof SettingsBody>;

export const SettingsUpdateBody = Type.Object(
  {
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
  },
  { title: 'SettingsUpdate' },
);
/** Omitted fields keep their value; api_key: a string sets it, null or "" removes it. */
export type SettingsInput = Static<typeof SettingsUpdateBody>;

export const ConnectionTestBody = Type.Object(
  {
    ok: Type.Boolean(),
    provider: Provider,
    detail: Type.String({ description: 'What happened, in words for the user (never the key)' }),
    latency_ms: Type.Union([Type.Integer(), Type.Null()]),
  },
  { title: 'ConnectionTest' },
);
export type ConnectionTestAnswer = Static<typeof ConnectionTestBody>;
