import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADDRESS_REFUSED, AddressPolicyError, isInternalAddress, parseBaseUrl, resolveAllowedAddresses } from './address-policy.js';

describe('AI base URL address policy', () => {
  it('when an address is loopback, private, link-local, unique-local or carries one, then it is internal', () => {
    for (const a of [
      '127.0.0.1',
      '127.1.2.3',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'fc00::5',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::a9fe:a9fe',
      '2002:7f00:1::',
      'ff02::1',
      // IPv4 embedded in every other IPv6 form: translated, compatible, local-use NAT64, Teredo, 6to4 of a public address
      '::ffff:0:127.0.0.1',
      '::ffff:0:7f00:1',
      '::127.0.0.1',
      '::7f00:1',
      '64:ff9b:1::7f00:1',
      '64:ff9b:1:7f00:1::',
      '64:ff9b::127.0.0.1',
      '64:ff9b::10.0.0.1',
      '2001:0:4136:e378:8000:63bf:80ff:fffe',
      '2002:808:808::1',
      '2001:db8::1',
      '3fff::1',
      '[::ffff:0:7f00:1]',
      'fe80::1%eth0',
    ]) {
      assert.equal(isInternalAddress(a), true, a);
    }
  });

  it('when an address is public, then it is not internal', () => {
    for (const a of [
      '8.8.8.8',
      '1.1.1.1',
      '104.18.0.1',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '2a00:1450:4001::200e',
      '64:ff9b::8.8.8.8', // DNS64's answer for a public IPv4-only host
      '2001:4860:4860::8888',
    ]) {
      assert.equal(isInternalAddress(a), false, a);
    }
  });

  it('when a URL is not http(s), has credentials, a query or no host, then it is refused', () => {
    for (const u of [
      'file:///etc/passwd',
      'ftp://example.com',
      'gopher://x',
      'javascript:alert(1)',
      'http://user:pw@example.com',
      'https://example.com/?a=1',
      'not a url',
      'http://',
    ]) {
      assert.throws(() => parseBaseUrl(u), AddressPolicyError, u);
    }
    assert.equal(parseBaseUrl('https://api.example.com/v1/').toString(), 'https://api.example.com/v1');
  });

  it('when a host resolves to an internal address, then it is refused unless allowed', async () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]', '169.254.169.254']) {
      await assert.rejects(resolveAllowedAddresses(host, { allowPrivate: false }), AddressPolicyError, host);
      assert.ok((await resolveAllowedAddresses(host, { allowPrivate: true })).length > 0, host);
    }
    assert.deepEqual(await resolveAllowedAddresses('8.8.8.8', { allowPrivate: false }), [{ address: '8.8.8.8', family: 4 }]);
    await assert.rejects(resolveAllowedAddresses('no-such-host.invalid', { allowPrivate: true }), /could not be resolved/);
  });

  it('when a host is refused, then the message is the same whether it did not resolve or resolved to an internal address', async () => {
    const messages = new Set<string>();
    for (const host of ['no-such-host.invalid', 'localhost', '127.0.0.1', '[::ffff:0:7f00:1]', '[64:ff9b:1::7f00:1]', '10.1.2.3']) {
      const e = await resolveAllowedAddresses(host, { allowPrivate: false }).then(
        () => assert.fail(`${host} was allowed`),
        (err: unknown) => err,
      );
      assert.ok(e instanceof AddressPolicyError, host);
      messages.add(e.message);
    }
    assert.deepEqual([...messages], [ADDRESS_REFUSED]);
    assert.match(ADDRESS_REFUSED, /AI_ALLOW_PRIVATE_URLS=true/);
  });
});
