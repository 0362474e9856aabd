import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { assertValidObjectKey } from '../../storage/safe-path.js';
import { extensionOf, isDocumentObjectKey, makeObjectKey } from './object-key.js';

describe('object keys', () => {
  const userId = randomUUID();
  const documentId = randomUUID();

  it('when a key is made, then it is {user}/{document}/{uuid}{ext} and valid on every backend', () => {
    const key = makeObjectKey({ userId, documentId, filename: 'Report.PDF' });
    assert.match(key, new RegExp(`^${userId}/${documentId}/[0-9a-f-]{36}\\.pdf$`));
    assert.ok(isDocumentObjectKey(key));
    assertValidObjectKey(key);
    assert.notEqual(
      makeObjectKey({ userId, documentId, filename: 'a.pdf' }),
      makeObjectKey({ userId, documentId, filename: 'a.pdf' }),
    );
  });

  it('when the filename is hostile, then nothing of it but an allow-listed suffix reaches the key', () => {
    const cases: [string, string][] = [
      ['../../etc/passwd', ''],
      ['..\\..\\boot.ini', ''],
      ['archive.tar.gz', '.gz'],
      ['evil.php', ''],
      ['x.pdf/../../y', ''],
      ['invoice\u202Efdp.exe', ''],
      ['no-extension', ''],
      ['.htaccess', ''],
      ['trailing.', ''],
      ['dir/sub/Photo.JPEG', '.jpeg'],
      ['C:\\docs\\scan.TIFF', '.tiff'],
      ['📄.md', '.md'],
      ['a.pdf ', '.pdf'],
      ['a.p\u0000df', ''],
    ];
    for (const [filename, ext] of cases) {
      assert.equal(extensionOf(filename), ext, filename);
      const key = makeObjectKey({ userId, documentId, filename });
      assert.ok(isDocumentObjectKey(key), key);
      assert.ok(key.endsWith(`${ext}`) && !key.includes('..') && key.split('/').length === 3, key);
    }
  });

  it('when a key has another shape, then it is not a document key', () => {
    for (const key of [
      'backups/x.tar',
      `${userId}/${documentId}`,
      `${userId}/${documentId}/x.pdf`,
      `${userId}/${documentId}/${randomUUID()}.PDF`,
      `.partial/${randomUUID()}`,
    ]) {
      assert.equal(isDocumentObjectKey(key), false, key);
    }
  });
});
