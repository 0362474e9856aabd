import type { Database } from '../../db/database.js';
import type { AuthUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';
import type { CryptoBox } from '../auth/crypto-box.js';
import { AddressPolicyError, parseBaseUrl, resolveAllowedAddresses } from './address-policy.js';
import { testProviderConnection, type ProviderFactories } from './connection-test.js';
import { presentSettings } from './settings.presenter.js';
import type { ConnectionTestAnswer, PresentedSettings, SettingsInput } from './settings.schemas.js';
import { defaultSettings, settingsRepository as settings, type ProviderName, type SettingsRow } from './settings.repository.js';

/** What the classification job needs to call the user's provider; the key in clear, in memory only. */
export interface ProviderSettings {
  provider: ProviderName;
  model: string | null;
  baseUrl: string | null;
  apiKey: string | null;
  autoClassify: boolean;
}

export type SettingsService = ReturnType<typeof createSettingsService>;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Per-user classification settings. The API key is sealed with AES-256-GCM under the
 * deployment's encryption key, bound to its owner (a sealed key copied to another user's
 * row does not open), and is never returned: responses only say whether one is set.
 */
export function createSettingsService(deps: {
  db: Database;
  box: CryptoBox;
  allowPrivateUrls: boolean;
  /** Tests: provider factories (the real ones otherwise). */
  providers?: ProviderFactories;
}) {
  const { db, box } = deps;
  const keyAad = (userId: string) => `user_settings.api_key:${userId}`;

  async function current(userId: string): Promise<SettingsRow> {
    return (await settings.find(db, userId)) ?? defaultSettings(userId);
  }

  /** The form and the addresses of a base URL, as a 422 the user can act on. */
  async function checkBaseUrl(raw: string): Promise<string> {
    try {
      const url = parseBaseUrl(raw);
      await resolveAllowedAddresses(url.hostname, { allowPrivate: deps.allowPrivateUrls });
      return url.toString().replace(/\/+$/, '');
    } catch (e) {
      if (e instanceof AddressPolicyError) throw errors.baseUrlRefused(e.message);
      throw e;
    }
  }

  return {
    async get(user: AuthUser): Promise<PresentedSettings> {
      return presentSettings(await current(user.id));
    },

    /** Omitted fields keep their value. */
    async update(user: AuthUser, input: SettingsInput): Promise<PresentedSettings> {
      const row = { ...(await current(user.id)) };
      if (input.provider !== undefined) row.provider = input.provider;
      if (input.model !== undefined) {
        const model = input.model?.trim() || null;
        if (model && (model.length > 200 || CONTROL.test(model))) throw errors.invalidModel();
        row.model = model;
      }
      if (input.base_url !== undefined) row.base_url = input.base_url?.trim() ? await checkBaseUrl(input.base_url) : null;
      if (input.api_key !== undefined || input.api_key_set === false) {
        const key = input.api_key?.trim() || null;
        if (key && (key.length > 1000 || CONTROL.test(key) || /\s/.test(key))) throw errors.invalidApiKey();
        row.api_key_enc = key ? box.seal(key, keyAad(user.id)) : null;
      }
      if (input.auto_classify !== undefined) row.auto_classify = input.auto_classify;
      if (row.provider === 'anthropic' && !row.api_key_enc) throw errors.apiKeyRequired();
      await settings.upsert(db, row);
      return presentSettings(row);
    },

    /** One tiny real request to the saved provider: does it answer with these settings? */
    async testConnection(user: AuthUser): Promise<ConnectionTestAnswer> {
      const s = await this.providerSettings(user.id);
      return testProviderConnection(s, { allowPrivateUrls: deps.allowPrivateUrls, timeoutMs: 15_000, providers: deps.providers });
    },

    /** For the classification job (no HTTP caller): the settings with the key opened. */
    async providerSettings(userId: string): Promise<ProviderSettings> {
      const row = await current(userId);
      return {
        provider: row.provider,
        model: row.model,
        baseUrl: row.base_url,
        apiKey: row.api_key_enc ? box.open(row.api_key_enc, keyAad(userId)) : null,
        autoClassify: row.auto_classify,
      };
    },
  };
}
