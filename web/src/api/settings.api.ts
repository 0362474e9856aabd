import { endpoints as e } from './endpoints';
import { call } from './http';
import type { ClassifierSettings, ClassifierSettingsUpdate, ConnectionTest } from './types';

export const settingsApi = {
  get: () => call<ClassifierSettings>(e.getSettings),
  put: (body: ClassifierSettingsUpdate) => call<ClassifierSettings>(e.putSettings, { body }),
  test: () => call<ConnectionTest>(e.testSettings),
};
