import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientNetwork, ipv6Bytes } from './ip-address.js';

describe('client addresses', () => {
  it('when an IPv6 client changes the last 64 bits, then it still counts as one network; IPv4 counts per address', () => {
    assert.equal(clientNetwork('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(clientNetwork('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(clientNetwork('203.0.113.7'), '203.0.113.7');
    assert.equal(clientNetwork('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(clientNetwork('::1'), '0:0:0:0::/64');
  });

  it('when an IPv6 address is written in any of its forms, then its bytes are the same', () => {
    const loop = [...Array(15).fill(0), 1];
    assert.deepEqual(ipv6Bytes('::1'), loop);
    assert.deepEqual(ipv6Bytes('0:0:0:0:0:0:0:1'), loop);
    assert.deepEqual(ipv6Bytes('[::0.0.0.1]'), loop);
    assert.deepEqual(ipv6Bytes('::ffff:0:127.0.0.1')?.slice(8), [0xff, 0xff, 0, 0, 127, 0, 0, 1]);
    for (const bad of ['1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '::1.2.3.256']) assert.equal(ipv6Bytes(bad), null, bad);
  });
});
