import type { ProviderName, SettingsRow } from './settings.repository.js';

export interface PresentedSettings {
  provider: ProviderName;
  model: string | null;
  base_url: string | null;
  /** Whether a key is stored; the key itself is write-only and never leaves the server. */
  api_key_set: boolean;
  auto_classify: boolean;
}

export function presentSettings(row: SettingsRow): PresentedSettings {
  return {
    provider: row.provider,
    model: row.model,
    base_url: row.base_url,
    api_key_set: row.api_key_enc !== null,
    auto_classify: row.auto_classify,
  };
}
