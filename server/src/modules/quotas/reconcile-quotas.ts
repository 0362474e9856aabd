import type { Database } from '../../db/database.js';
import { quotaRepository, type QuotaBooks, type QuotaDrift } from './quota.repository.js';

export interface QuotaRepair {
  user_id: string;
  email: string;
  before: QuotaBooks | null;
  after: QuotaBooks;
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
 * user's documents whose status ≠ pending), and reserved_bytes and pending_uploads from
 * the pending ones (§7.1). A dry run only reports; otherwise each drifted
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
    const state = dryRun ? 'not repaired (dry run)' : repairedIds.has(d.user_id) ? 'repaired' : 'already correct on re-check';
    if (d.used_bytes === null) {
      lines.push(`  ${d.user_id} <${d.email}>: no quota row, expected used_bytes ${d.expected_bytes} — ${state}`);
      continue;
    }
    const parts: string[] = [];
    const describe = (name: string, is: number, want: number) => {
      const delta = is - want;
      if (delta !== 0) parts.push(`${name} ${is}, expected ${want} (drift ${delta > 0 ? '+' : ''}${delta})`);
    };
    describe('used_bytes', d.used_bytes, d.expected_bytes);
    describe('reserved_bytes', d.reserved_bytes ?? 0, d.expected_reserved_bytes);
    describe('pending_uploads', d.pending_uploads ?? 0, d.expected_pending_uploads);
    lines.push(`  ${d.user_id} <${d.email}>: ${parts.join('; ')} — ${state}`);
  }
  lines.push(`users checked: ${report.usersChecked}`);
  lines.push(`drifted users: ${report.drifted.length}`);
  lines.push(`repaired users: ${report.repaired.length}${dryRun ? ' (dry run: nothing changed)' : ''}`);
  return lines.join('\n');
}
