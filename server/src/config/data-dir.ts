import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * DATA_DIR holds the embedded database (document text, password hashes, the WAL), the
 * local files, the outbox and the master secret: nobody but the service's user may read
 * any of it (SPEC §7.5).
 */
const PRIVATE_UMASK = 0o077;

/**
 * Makes everything this process creates from now on private (0700 directories, 0600
 * files) and DATA_DIR itself 0700. When DATA_DIR already existed with looser modes (made
 * by an older version, or by hand), every entry under it is tightened too; the count is
 * returned so the caller can log it.
 */
export function preparePrivateDataDir(dataDir: string): { tightened: number } {
  process.umask(PRIVATE_UMASK);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const wasLoose = (lstatSync(dataDir).mode & 0o077) !== 0;
  return { tightened: wasLoose ? tightenTree(dataDir) : 0 };
}

/**
 * Removes group and other permissions from `root` and every entry under it (symbolic
 * links are not followed). Returns how many entries changed. PGlite restores its initial
 * database files with 0666 whatever the umask, so the database directory is passed
 * through this after every open.
 */
export function tightenTree(root: string): number {
  let changed = 0;
  const visit = (path: string) => {
    let st;
    try {
      st = lstatSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // removed meanwhile
      throw e;
    }
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) {
      chmodSync(path, st.isDirectory() ? 0o700 : st.mode & 0o700);
      changed++;
    }
    if (st.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  visit(root);
  return changed;
}
