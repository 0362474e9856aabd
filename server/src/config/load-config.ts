import { resolve } from 'node:path';
import { ConfigError, configSchema, type Config, type KeySpec } from './config.schema.js';

export { ConfigError } from './config.schema.js';
export type { Config } from './config.schema.js';

/** Reads and validates every key once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(configSchema) as [string, KeySpec<unknown>][]) {
    const raw = env[spec.env];
    const value = raw === undefined || raw === '' ? spec.default : raw;
    if (value === undefined) {
      out[name] = undefined;
      continue;
    }
    try {
      out[name] = spec.parse(value);
    } catch {
      throw new ConfigError(spec.env, spec.accepts, spec.secret ? '<hidden>' : value);
    }
  }
  const config = out as Config;
  config.dataDir = resolve(config.dataDir);
  if (config.storageBackend === 's3') {
    for (const k of ['s3Endpoint', 's3AccessKey', 's3SecretKey'] as const) {
      if (!config[k])
        throw new ConfigError(configSchema[k].env, `${configSchema[k].accepts} (required when STORAGE_BACKEND=s3)`, '');
    }
  }
  return config;
}

/** The configuration table, for `--help` and the README. */
export function describeConfig(): string {
  const rows = Object.values(configSchema).map((s: KeySpec<unknown>) => [s.env, s.default ?? '(unset)', s.description]);
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  const w1 = Math.max(...rows.map((r) => r[1]!.length));
  return rows.map(([a, b, c]) => `${a!.padEnd(w0)}  ${b!.padEnd(w1)}  ${c}`).join('\n');
}
