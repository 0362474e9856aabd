import { join } from 'node:path';
import type { Database } from './database.js';
import { createPgliteDatabase } from './pglite-database.js';
import { createPostgresDatabase } from './postgres-database.js';

/** DATABASE_URL picks PostgreSQL; otherwise the embedded PGlite under DATA_DIR/db. */
export async function createDatabase(opts: { databaseUrl?: string; dataDir: string; poolSize?: number }): Promise<Database> {
  if (opts.databaseUrl) return createPostgresDatabase({ url: opts.databaseUrl, max: opts.poolSize });
  return createPgliteDatabase({ dir: join(opts.dataDir, 'db') });
}
