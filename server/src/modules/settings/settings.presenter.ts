import type { SettingsRow } from './settings.repository.js';
import type { PresentedSettings } from './settings.schemas.js';

export function presentSettings(row: SettingsRow): PresentedSettings {
  return {
    provider: row.provider,
    model: row.model,
    base_url: row.base_url,
    api_key_set: row.api_key_enc !== null,
    auto_classify: row.auto_classify,
  };
}
