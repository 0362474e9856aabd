/**
 * `npm run reconcile-quotas [-- --dry-run]`: recomputes every user's used_bytes from the
 * documents (SPEC §2), prints what drifted and what was repaired, exits 0. Reads the same
 * configuration as the server (DATABASE_URL, DATA_DIR). With the embedded database, stop
 * the server first: PGlite allows one process at a time.
 */
import { preparePrivateDataDir } from '../config/data-dir.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { createDatabase } from '../db/create-database.js';
import { migrate } from '../db/migrate.js';
import { formatReconcileReport, reconcileQuotas } from '../modules/quotas/reconcile-quotas.js';

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--dry-run');
  if (unknown.length > 0) {
    console.error(`reconcile-quotas: unknown argument ${unknown[0]}; usage: reconcile-quotas [--dry-run]`);
    return 2;
  }
  const dryRun = argv.includes('--dry-run');
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`reconcile-quotas: ${e.message}`);
      return 2;
    }
    throw e;
  }
  preparePrivateDataDir(config.dataDir);
  const db = await createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    // A fresh or older database gets the schema the server would give it.
    await migrate(db);
    const report = await reconcileQuotas({ db, dryRun, defaultLimitBytes: config.defaultQuotaBytes });
    console.log(
      `reconcile-quotas${dryRun ? ' --dry-run' : ''} on ${db.kind === 'postgres' ? 'PostgreSQL' : 'the embedded database'}`,
    );
    console.log(formatReconcileReport(report, dryRun));
    return 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error('reconcile-quotas: failed:', e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
