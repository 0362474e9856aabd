import type { Database } from '../../db/database.js';
import { quotaRepository, type QuotaDrift } from './quota.repository.js';

export interface QuotaRepair {
  user_id: string;
  email: string;
  before: number | null;
  after: number;
}

export interface ReconcileReport {
  usersChecked: number;
  /** What was found wrong (before any repair). */
  drifted: QuotaDrift[];
  /** What was changed; empty on a dry run. */
  repaired: QuotaRepair[];
}

/**
 * Recomputes every user's used_bytes from the invariant of SPEC §2 (Σ size_bytes of the
 * user's documents whose status ≠ pending). A dry run only reports; otherwise each drifted
 * user is repaired in a transaction of its own, re-checked under the quota row's lock so a
 * request finishing meanwhile is neither lost nor counted twice.
 */
export async function reconcileQuotas(opts: {
  db: Database;
  dryRun: boolean;
  defaultLimitBytes: number;
}): Promise<ReconcileReport> {
  const { db } = opts;
  const usersChecked = await quotaRepository.countUsers(db);
  const drifted = await quotaRepository.findDrift(db);
  const repaired: QuotaRepair[] = [];
  if (!opts.dryRun) {
    for (const d of drifted) {
      const change = await db.transaction((tx) => quotaRepository.repairOne(tx, d.user_id, opts.defaultLimitBytes));
      if (change) repaired.push({ user_id: d.user_id, email: d.email, ...change });
    }
  }
  return { usersChecked, drifted, repaired };
}

/** The report as the CLI prints it: one line per drifted user, then a summary. */
export function formatReconcileReport(report: ReconcileReport, dryRun: boolean): string {
  const lines: string[] = [];
  const repairedIds = new Set(report.repaired.map((r) => r.user_id));
  for (const d of report.drifted) {
    const used = d.used_bytes === null ? 'no quota row' : `used_bytes ${d.used_bytes}`;
    const delta = (d.used_bytes ?? 0) - d.expected_bytes;
    const sign = delta > 0 ? '+' : '';
    const state = dryRun ? 'not repaired (dry run)' : repairedIds.has(d.user_id) ? 'repaired' : 'already correct on re-check';
    lines.push(`  ${d.user_id} <${d.email}>: ${used}, expected ${d.expected_bytes} (drift ${sign}${delta}) — ${state}`);
  }
  lines.push(`users checked: ${report.usersChecked}`);
  lines.push(`drifted users: ${report.drifted.length}`);
  lines.push(`repaired users: ${report.repaired.length}${dryRun ? ' (dry run: nothing changed)' : ''}`);
  return lines.join('\n');
}
