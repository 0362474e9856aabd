/**
 * Helpers shared by the accounts test files (under test-support/, which the production build
 * leaves out). Everything goes through real
 * HTTP; the database and the outbox are only read, to check what really happened.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PASSWORD, httpClient, randomEmail, type JsonResponse } from './test-app.js';

export { PASSWORD, randomEmail } from './test-app.js';

export interface Session {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export function authClient(baseUrl: string) {
  const req = httpClient(baseUrl);
  const c = {
    req,
    /** How many registrations this client made (they all count against the address's limit). */
    registrations: 0,
    async register(email = randomEmail(), password = PASSWORD): Promise<{ id: string; email: string; role: string }> {
      c.registrations++;
      const r = await req('POST', '/api/auth/register', { json: { email, password } });
      assert.equal(r.status, 201, `register ${email}: ${r.status} ${r.text}`);
      return r.body;
    },
    login(email: string, password = PASSWORD): Promise<JsonResponse> {
      return req('POST', '/api/auth/login', { json: { email, password } });
    },
    async session(email: string, password = PASSWORD): Promise<Session> {
      const r = await c.login(email, password);
      assert.equal(r.status, 200, `login ${email}: ${r.status} ${r.text}`);
      assert.ok(r.body.access_token, `login gave no tokens: ${r.text}`);
      return r.body;
    },
    /** A new account and a session of it. */
    async user(tag = 'u'): Promise<{ id: string; email: string; role: string; session: Session }> {
      const email = randomEmail(tag);
      const reg = await c.register(email);
      return { ...reg, session: await c.session(email) };
    },
    refresh(refreshToken: string): Promise<JsonResponse> {
      return req('POST', '/api/auth/refresh', { json: { refresh_token: refreshToken } });
    },
    me(token: string): Promise<JsonResponse> {
      return req('GET', '/api/auth/me', { token });
    },
  };
  return c;
}

/** The .eml files of the outbox, waiting until `until` holds for them (jobs run asynchronously). */
export async function outboxMails(dataDir: string, until: (mails: string[]) => boolean, timeoutMs = 20_000): Promise<string[]> {
  const dir = join(dataDir, 'outbox');
  const t0 = Date.now();
  for (;;) {
    const mails = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.eml'))
          .map((f) => readFileSync(join(dir, f), 'utf8'))
      : [];
    if (until(mails)) return mails;
    if (Date.now() - t0 > timeoutMs) assert.fail(`outbox never satisfied the condition; it has ${mails.length} mails`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Mails to one address with a subject matching `subject`. */
export const mailsTo = (mails: string[], email: string, subject: RegExp) =>
  mails.filter((m) => new RegExp(`^To: ${email.replace(/[.+]/g, '\\$&')}$`, 'm').test(m) && subject.test(m));
