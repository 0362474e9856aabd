import type { Queryable } from '../../db/database.js';

export type ProviderName = 'local' | 'openai' | 'anthropic' | 'none';

export interface SettingsRow {
  user_id: string;
  provider: ProviderName;
  model: string | null;
  base_url: string | null;
  api_key_enc: string | null;
  auto_classify: boolean;
}

/** The user_settings SQL. A user without a row has the defaults of the table. */
export const settingsRepository = {
  async find(q: Queryable, userId: string): Promise<SettingsRow | null> {
    const { rows } = await q.query<SettingsRow>(
      'SELECT user_id, provider, model, base_url, api_key_enc, auto_classify FROM user_settings WHERE user_id = $1',
      [userId],
    );
    return rows[0] ?? null;
  },

  async upsert(q: Queryable, s: SettingsRow): Promise<void> {
    await q.query(
      `INSERT INTO user_settings (user_id, provider, model, base_url, api_key_enc, auto_classify, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (user_id) DO UPDATE SET provider = excluded.provider, model = excluded.model,
         base_url = excluded.base_url, api_key_enc = excluded.api_key_enc,
         auto_classify = excluded.auto_classify, updated_at = now()`,
      [s.user_id, s.provider, s.model, s.base_url, s.api_key_enc, s.auto_classify],
    );
  },
};

export function defaultSettings(userId: string): SettingsRow {
  return { user_id: userId, provider: 'local', model: null, base_url: null, api_key_enc: null, auto_classify: true };
}
