import { endpoints as e } from './endpoints';
import { call } from './http';
import type { ClassifierSettings, ClassifierSettingsUpdate } from './types';

export const settingsApi = {
  get: () => call<ClassifierSettings>(e.getSettings),
  put: (body: ClassifierSettingsUpdate) => call<ClassifierSettings>(e.putSettings, { body }),
};
