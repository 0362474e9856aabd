import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Keys derived from one master secret, each for one purpose, so none is reused across uses. */
export interface Secrets {
  jwtKey: Buffer;
  urlSigningKey: Buffer;
  encryptionKey: Buffer;
}

const FILE = 'secrets.json';

/**
 * The master secret comes from SECRET_KEY, or is generated once into DATA_DIR/secrets.json
 * (mode 0600) and read back on every later start.
 */
export function loadSecrets(opts: { dataDir: string; secretKey?: string }): Secrets {
  const master = opts.secretKey ? Buffer.from(opts.secretKey, 'utf8') : readOrCreateMaster(opts.dataDir);
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', master, 'docuvault', purpose, 32));
  return { jwtKey: derive('jwt'), urlSigningKey: derive('url-signing'), encryptionKey: derive('encryption') };
}

function readOrCreateMaster(dataDir: string): Buffer {
  const path = join(dataDir, FILE);
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { master_key?: string };
    if (!parsed.master_key) throw new Error(`${path} has no master_key`);
    chmodSync(path, 0o600);
    return Buffer.from(parsed.master_key, 'base64');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  const master = randomBytes(32);
  // 'wx' fails if another process created the file meanwhile; then read theirs.
  try {
    writeFileSync(path, JSON.stringify({ master_key: master.toString('base64') }) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateMaster(dataDir);
    throw e;
  }
  return master;
}
