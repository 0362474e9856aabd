import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { StorageRefusedError } from './storage-errors.js';
import { PARTIAL_DIR, assertValidObjectKey, resolveSafePath } from './safe-path.js';

const rootDir = '/srv/docuvault/files';

function assertRefused(key: string) {
  assert.throws(
    () => resolveSafePath({ rootDir, key }),
    (err: unknown) => err instanceof StorageRefusedError && err.reason === 'invalid_key',
    `expected ${JSON.stringify(key)} to be refused`,
  );
}

describe('resolveSafePath', () => {
  it('when the key is a server-made object key, then it resolves under the root', () => {
    const key = '0b9d4f0e-1a2b-4c3d-8e9f-001122334455/6f1e2d3c-4b5a-4968-8776-aabbccddeeff/a1b2c3.pdf';
    assert.equal(resolveSafePath({ rootDir, key }), path.join(rootDir, ...key.split('/')));
  });

  it('when the root is relative or has a trailing slash, then the result is still absolute and under it', () => {
    const resolved = resolveSafePath({ rootDir: './data/files/', key: 'a/b' });
    assert.equal(resolved, path.resolve('data/files/a/b'));
  });

  it('when the key has non-ASCII letters, spaces or dots inside names, then it is accepted', () => {
    assert.equal(resolveSafePath({ rootDir, key: 'ü/Straße 1..2.txt' }), path.join(rootDir, 'ü', 'Straße 1..2.txt'));
    assert.equal(resolveSafePath({ rootDir, key: '.hidden' }), path.join(rootDir, '.hidden'));
  });

  it('when the key is empty, then it is refused', () => assertRefused(''));

  it('when the key is absolute, then it is refused', () => {
    assertRefused('/etc/passwd');
    assertRefused('//server/share');
  });

  it('when the key has a .. segment anywhere, then it is refused', () => {
    for (const key of ['..', '../x', 'a/../../x', 'a/..', 'a/../b']) assertRefused(key);
  });

  it('when the key has . or empty segments, then it is refused', () => {
    for (const key of ['.', './a', 'a/./b', 'a//b', 'a/', 'a/b/']) assertRefused(key);
  });

  it('when the key has a backslash, then it is refused', () => {
    assertRefused('a\\b');
    assertRefused('..\\..\\x');
  });

  it('when the key has NUL or another control character, then it is refused', () => {
    for (const key of ['a\u0000b', 'a\nb', 'a\rb', 'a\tb', 'a\u007fb', 'a\u0085b', 'x\u001b[31m']) assertRefused(key);
  });

  it('when the key reaches into the directory of writes in flight, then it is refused', () => {
    assertRefused(PARTIAL_DIR);
    assertRefused(`${PARTIAL_DIR}/0b9d4f0e`);
  });

  it('when the key is longer than 1024 bytes, then it is refused', () => {
    assertRefused('é'.repeat(513));
    assert.doesNotThrow(() => assertValidObjectKey('é'.repeat(512)));
  });
});
