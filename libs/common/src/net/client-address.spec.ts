import { IncomingMessage } from 'node:http';
import { clientAddress, proxyTrust } from './client-address';

const request = (peer: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('trusts nobody by default, loopback included', () => {
    const nobody = proxyTrust([]);
    expect(clientAddress(request('127.0.0.1', '203.0.113.9'), nobody)).toBe('127.0.0.1');
    expect(clientAddress(request('::ffff:192.0.2.1'), nobody)).toBe('192.0.2.1');
  });

  it('reads X-Forwarded-For from the right through listed proxies and ranges', () => {
    const trust = proxyTrust(['10.0.0.1', '10.1.0.0/16', '::1']);
    expect(clientAddress(request('10.0.0.1', '203.0.113.9'), trust)).toBe('203.0.113.9');
    expect(clientAddress(request('::ffff:10.0.0.1', '203.0.113.9'), trust)).toBe('203.0.113.9');
    expect(clientAddress(request('::1', 'spoofed, 203.0.113.9, 10.1.4.4'), trust)).toBe(
      '203.0.113.9',
    );
    // An untrusted peer's header is ignored.
    expect(clientAddress(request('192.0.2.1', '203.0.113.9'), trust)).toBe('192.0.2.1');
    // A trusted proxy that forwards something other than an address: the proxy is the client.
    expect(clientAddress(request('10.0.0.1', 'not-an-ip'), trust)).toBe('10.0.0.1');
  });

  it('trusts a number of hops', () => {
    const twoHops = proxyTrust(2);
    expect(clientAddress(request('10.0.0.1', 'a.b, 198.51.100.1, 10.0.0.2'), twoHops)).toBe(
      '198.51.100.1',
    );
    expect(clientAddress(request('10.0.0.1', '198.51.100.1'), twoHops)).toBe('198.51.100.1');
  });

  it('keys an IPv6 client by its /64, so rotating within it is one client', () => {
    const nobody = proxyTrust([]);
    const key = '2001:db8:1:2::/64';
    expect(clientAddress(request('2001:db8:1:2::1'), nobody)).toBe(key);
    expect(clientAddress(request('2001:0DB8:0001:0002:ffff:1:2:3'), nobody)).toBe(key);
    expect(clientAddress(request('2001:db8:1:2:a::9'), nobody)).toBe(key);
    expect(clientAddress(request('2001:db8:1:3::1'), nobody)).toBe('2001:db8:1:3::/64');
    expect(clientAddress(request('::1'), nobody)).toBe('::/64');
    expect(clientAddress(request('fe80::1%eth0'), nobody)).toBe('fe80::/64');
    expect(clientAddress(request('64:ff9b::192.0.2.1'), nobody)).toBe('64:ff9b::/64');
    // IPv4, mapped or not, stays the address.
    expect(clientAddress(request('::FFFF:192.0.2.1'), nobody)).toBe('192.0.2.1');
    // Forwarded addresses too; the proxy is still recognised by its whole address.
    const trust = proxyTrust(['2001:db8:ffff::1']);
    expect(clientAddress(request('2001:db8:ffff::1', '2001:db8:1:2::77'), trust)).toBe(key);
    expect(clientAddress(request('2001:db8:ffff::2', '2001:db8:1:2::77'), trust)).toBe(
      '2001:db8:ffff::/64',
    );
  });
});
