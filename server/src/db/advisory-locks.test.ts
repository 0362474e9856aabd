import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdvisoryLocks } from './advisory-locks.js';

describe('advisory lock keys', () => {
  it('when the application takes advisory locks, then each critical section has its own key', () => {
    const keys = Object.values(AdvisoryLocks);
    assert.equal(new Set(keys).size, keys.length, JSON.stringify(AdvisoryLocks));
    for (const k of keys) assert.ok(Number.isSafeInteger(k), `${k} survives the trip through a JS number`);
  });
});
