import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SECURITY_ALERT_KINDS, renderSecurityAlert } from './security-alert.templates.js';

describe('security-alert templates', () => {
  it('when each kind is rendered, then it has its own subject and says when and from where', () => {
    const subjects = new Set<string>();
    for (const kind of SECURITY_ALERT_KINDS) {
      const m = renderSecurityAlert({
        kind,
        occurredAt: '2026-01-01T00:00:00.000Z',
        ipAddress: '203.0.113.7',
        userAgent: 'Firefox',
      });
      subjects.add(m.subject);
      assert.match(m.text, /2026-01-01T00:00:00\.000Z/);
      assert.match(m.text, /203\.0\.113\.7/);
      assert.match(m.text, /Firefox/);
    }
    assert.equal(subjects.size, SECURITY_ALERT_KINDS.length);
  });

  it('when the user agent carries line breaks, then they cannot start new lines or headers', () => {
    const m = renderSecurityAlert({ kind: 'new_sign_in', occurredAt: 'now', userAgent: 'evil\r\nBcc: x@example.com' });
    assert.ok(!/^Bcc:/m.test(m.text));
    assert.ok(!m.subject.includes('\n'));
  });

  it('when a backup code was used, then the mail says how many are left', () => {
    const m = renderSecurityAlert({ kind: 'backup_code_used', occurredAt: 'now', remainingBackupCodes: 9 });
    assert.match(m.text, /Backup codes left: 9/);
  });

  it('when a share link is downloaded for the first time, then the mail names the document on one line', () => {
    const m = renderSecurityAlert({
      kind: 'share_link_downloaded',
      occurredAt: 'now',
      documentName: 'lease.pdf\r\nBcc: x@example.com',
    });
    assert.match(m.text, /^Document: lease\.pdf Bcc: x@example\.com$/m);
    assert.ok(!/^Bcc:/m.test(m.text));
  });
});
