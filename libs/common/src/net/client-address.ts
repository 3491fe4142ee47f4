import { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TrustProxy } from '@app/config';

/** Whether the peer `hops` steps from the service is a proxy whose X-Forwarded-For is believed. */
export type ProxyTrust = (address: string, hops: number) => boolean;

/** "::ffff:10.0.0.1" is 10.0.0.1: one client, one key, however it reached the socket. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** TRUST_PROXY as a predicate: the first `n` hops, or peers in the listed addresses and ranges. */
export function proxyTrust(setting: TrustProxy): ProxyTrust {
  if (typeof setting === 'number') return (_address, hops) => hops < setting;
  const trusted = new BlockList();
  for (const entry of setting) {
    const [address, prefix] = entry.split('/');
    if (prefix === undefined) trusted.addAddress(address, familyOf(address));
    else trusted.addSubnet(address, Number(prefix), familyOf(address));
  }
  return (address) => isIP(address) !== 0 && trusted.check(address, familyOf(address));
}

/**
 * The client's address, for every limit over HTTP and websockets: the socket's peer, unless
 * that peer is a trusted proxy, in which case X-Forwarded-For is read from the right (each
 * proxy appends whom it heard from) until the first address that is not a trusted proxy.
 * Entries left of that are the client's to write, so they are never believed.
 */
export function clientAddress(request: IncomingMessage, trust: ProxyTrust): string {
  const forwarded = request.headers['x-forwarded-for'];
  const chain = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((entry) => plainAddress(entry.trim()))
    .filter((entry) => entry !== '')
    .reverse();
  let address = plainAddress(request.socket.remoteAddress ?? 'unknown');
  for (let hops = 0; hops < chain.length && trust(address, hops); hops += 1) {
    // A trusted proxy that forwards something other than an address is the client we know.
    if (isIP(chain[hops]) === 0) break;
    address = chain[hops];
  }
  return address;
}
