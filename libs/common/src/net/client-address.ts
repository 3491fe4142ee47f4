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

/** The 8 groups of an IPv6 address, "::" and a dotted IPv4 tail expanded, the zone dropped. */
function ipv6Groups(address: string): number[] {
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)];
          const [a, b, c, d] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head, tail] = address.split('%')[0].split('::');
  if (tail === undefined) return parse(head);
  const [front, back] = [parse(head), parse(tail)];
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * The key of one client in every per-address limit: an IPv4 address as is, an IPv6 address by
 * its /64, the block one subscriber is usually given, so rotating within it is one client.
 */
function limitKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const prefix = [...ipv6Groups(address).slice(0, 4), 0, 0, 0, 0];
  // The URL parser writes the canonical (lower-case, compressed) form.
  const canonical = new URL(`http://[${prefix.map((g) => g.toString(16)).join(':')}]`).hostname;
  return `${canonical.slice(1, -1)}/64`;
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
 * The client, as the key of every per-address limit over HTTP and websockets (see limitKey):
 * the socket's peer, unless that peer is a trusted proxy, in which case X-Forwarded-For is read
 * from the right (each proxy appends whom it heard from) until the first address that is not a
 * trusted proxy. Entries left of that are the client's to write, so they are never believed.
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
  return limitKey(address);
}
