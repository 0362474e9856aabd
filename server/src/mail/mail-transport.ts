import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

/**
 * The mail adapter: SMTP when SMTP_URL is set, otherwise each message is written as an
 * `.eml` file into DATA_DIR/outbox. Both go through nodemailer, so the outbox file is the
 * exact message an SMTP relay would have received.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /**
   * A stable id for this message (e.g. the job id). A retried send reuses it: the outbox
   * file is overwritten rather than duplicated, and receivers can deduplicate SMTP mail.
   */
  id?: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function createMailTransport(opts: { smtpUrl?: string; outboxDir: string; from: string }): MailTransport {
  const messageId = (id: string | undefined) => `<${safeId(id)}@docuvault>`;
  if (opts.smtpUrl) {
    const smtp = nodemailer.createTransport(opts.smtpUrl);
    return {
      kind: 'smtp',
      async send(m) {
        await smtp.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text, messageId: messageId(m.id) });
      },
      close: () => smtp.close(),
    };
  }
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'outbox',
    async send(m) {
      const id = safeId(m.id);
      const info = await stream.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text, messageId: messageId(id) });
      mkdirSync(opts.outboxDir, { recursive: true, mode: 0o700 });
      // Written aside and renamed, so a reader never sees half a message.
      const file = join(opts.outboxDir, `${id}.eml`);
      const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(tmp, info.message as Buffer, { mode: 0o600 });
      renameSync(tmp, file);
    },
    close: () => stream.close(),
  };
}

/** A file-name- and header-safe id: the given one when it is, else a fresh one. */
function safeId(id: string | undefined): string {
  if (id && /^[A-Za-z0-9_-]{1,100}$/.test(id)) return id;
  return `${Date.now()}-${randomBytes(8).toString('hex')}`;
}
