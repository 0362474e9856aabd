import type { Queryable } from '../db/database.js';
import { JobNames } from '../jobs/job-names.js';
import { defineJob, type JobQueue } from '../jobs/job-registry.js';
import type { MailTransport } from './mail-transport.js';
import { renderSecurityAlert, type SecurityAlertKind } from './security-alert.templates.js';

export interface SecurityAlertJobData {
  user_id: string;
  kind: SecurityAlertKind;
  occurred_at: string;
  ip_address?: string | null;
  user_agent?: string | null;
  remaining_backup_codes?: number | null;
  document_name?: string | null;
}

/** Queues the alert inside the transaction that records the event: both happen, or neither. */
export function queueSecurityAlert(queue: JobQueue, tx: Queryable, data: SecurityAlertJobData): Promise<string | null> {
  return queue.send(JobNames.sendSecurityAlert, data, { tx });
}

/**
 * Sends one security alert. The message id is the job id, so a retry after a crash
 * rewrites the same outbox file instead of adding a second one.
 */
export function securityAlertJob(deps: {
  mail: MailTransport;
  /** The address to write to; null when the account is gone (nothing to send). */
  findRecipient: (userId: string) => Promise<string | null>;
  appUrl?: string;
}) {
  return defineJob<SecurityAlertJobData>({
    name: JobNames.sendSecurityAlert,
    retryLimit: 8,
    retryDelaySeconds: 10,
    expireInSeconds: 120,
    handler: async (data, ctx) => {
      const to = await deps.findRecipient(data.user_id);
      if (!to) return;
      const { subject, text } = renderSecurityAlert(
        {
          kind: data.kind,
          occurredAt: data.occurred_at,
          ipAddress: data.ip_address,
          userAgent: data.user_agent,
          remainingBackupCodes: data.remaining_backup_codes,
          documentName: data.document_name,
        },
        { appUrl: deps.appUrl },
      );
      await deps.mail.send({ to, subject, text, id: `security-alert-${ctx.jobId}` });
    },
  });
}
