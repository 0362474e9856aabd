import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createMailTransport } from './mail-transport.js';

/** A minimal SMTP server (RFC 5321 happy path) that keeps what it receives: the relay we cannot reach. */
async function startSmtpSink(): Promise<{ url: string; messages: string[]; close(): Promise<void> }> {
  const messages: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let inData = false;
    let data = '';
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(data);
            data = '';
            socket.write('250 OK queued\r\n');
          } else data += (line.startsWith('..') ? line.slice(1) : line) + '\n';
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-sink\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO' || verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') socket.write('250 OK\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
        } else socket.write('502 not implemented\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise((r) => server.close(() => r())) };
}

describe('mail transport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-mail-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('when no SMTP_URL is set, then each message is an .eml file (0600) in the outbox', async () => {
    const outbox = join(dir, 'outbox');
    const mail = createMailTransport({ outboxDir: outbox, from: 'DocuVault <no-reply@docuvault.local>' });
    assert.equal(mail.kind, 'outbox');
    await mail.send({ to: 'someone@example.com', subject: 'Hello there', text: 'Body line\n', id: 'msg-1' });
    const files = readdirSync(outbox);
    assert.deepEqual(files, ['msg-1.eml']);
    assert.equal(statSync(join(outbox, 'msg-1.eml')).mode & 0o777, 0o600);
    const eml = readFileSync(join(outbox, 'msg-1.eml'), 'utf8');
    assert.match(eml, /^To: someone@example\.com$/m);
    assert.match(eml, /^Subject: Hello there$/m);
    assert.match(eml, /^Message-ID: <msg-1@docuvault>$/im);
    assert.match(eml, /Body line/);
  });

  it('when the same message id is sent again (a retried job), then the outbox holds it once', async () => {
    const outbox = join(dir, 'outbox-2');
    const mail = createMailTransport({ outboxDir: outbox, from: 'a@b.c' });
    await mail.send({ to: 'x@example.com', subject: 's', text: 't', id: 'same' });
    await mail.send({ to: 'x@example.com', subject: 's', text: 't', id: 'same' });
    await mail.send({ to: 'x@example.com', subject: 's', text: 't' });
    assert.equal(readdirSync(outbox).filter((f) => f.endsWith('.eml')).length, 2);
  });

  it('when SMTP_URL is set, then the message goes to that SMTP server and nothing to the outbox', async () => {
    const sink = await startSmtpSink();
    try {
      const outbox = join(dir, 'outbox-smtp');
      const mail = createMailTransport({ smtpUrl: sink.url, outboxDir: outbox, from: 'DocuVault <no-reply@docuvault.local>' });
      assert.equal(mail.kind, 'smtp');
      await mail.send({ to: 'someone@example.com', subject: 'Via SMTP', text: 'Over the wire\n', id: 'smtp-1' });
      mail.close();
      assert.equal(sink.messages.length, 1);
      assert.match(sink.messages[0]!, /^Subject: Via SMTP$/m);
      assert.match(sink.messages[0]!, /Over the wire/);
      assert.throws(() => readdirSync(outbox));
    } finally {
      await sink.close();
    }
  });
});
