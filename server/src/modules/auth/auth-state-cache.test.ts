import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Queryable } from '../../db/database.js';
import { cachedAuthState, forgetAuthState, type AuthState } from './auth-state-cache.js';

const live = (id: string): AuthState => ({ id, role: 'user', disabled: false, must_change_password: false, session_live: true });
const noQuery: Queryable = { query: () => Promise.reject(new Error('not used')) };

describe('auth state cache', () => {
  it('when a session was checked, then the next check reads nothing; after a forget it reads again', async () => {
    const user = randomUUID();
    const session = randomUUID();
    let reads = 0;
    const read = async () => (reads++, live(user));
    await cachedAuthState('postgres', user, session, read);
    await cachedAuthState('postgres', user, session, read);
    assert.equal(reads, 1);
    forgetAuthState(noQuery, [user]);
    await cachedAuthState('postgres', user, session, read);
    assert.equal(reads, 2);
  });

  it('when a check read the database before a forget, then what it read is not kept', async () => {
    const user = randomUUID();
    const session = randomUUID();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const stale = cachedAuthState('postgres', user, session, async () => (await gate, live(user)));
    forgetAuthState(noQuery, [user]);
    release();
    await stale;
    let reads = 0;
    await cachedAuthState('postgres', user, session, async () => (reads++, { ...live(user), session_live: false }));
    assert.equal(reads, 1);
  });

  it('when a transaction changed a user, then the entry cached during it is dropped when it ends', async () => {
    const user = randomUUID();
    const session = randomUUID();
    const ended: (() => void)[] = [];
    const tx: Queryable = { ...noQuery, afterEnd: (f) => void ended.push(f) };
    forgetAuthState(tx, [user]);
    // A check between the statement and the commit reads the old, committed state.
    await cachedAuthState('postgres', user, session, async () => live(user));
    for (const f of ended) f();
    let reads = 0;
    await cachedAuthState('postgres', user, session, async () => (reads++, null));
    assert.equal(reads, 1);
  });

  it('when a user has no row, then nothing is cached', async () => {
    const user = randomUUID();
    let reads = 0;
    const read = async () => (reads++, null);
    await cachedAuthState('pglite', user, randomUUID(), read);
    await cachedAuthState('pglite', user, randomUUID(), read);
    assert.equal(reads, 2);
  });
});
