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
});
