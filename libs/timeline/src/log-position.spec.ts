import { encodeCursor } from '@app/common';
import {
  advance,
  decodePosition,
  earliest,
  encodePosition,
  formatSnapshot,
  isAhead,
  LogPosition,
  parseSnapshot,
  positionAt,
} from './log-position';

describe('LogPosition', () => {
  // Transactions 10 and 12 were running when the page was read; 11 and 13 had committed.
  const page = positionAt(parseSnapshot('10:14:10,12'));

  it('skips the rows the page saw and delivers the others, in (xid, id) order', () => {
    expect(isAhead(page, { xid: 9n, id: 50n })).toBe(false);
    expect(isAhead(page, { xid: 11n, id: 1n })).toBe(false);
    expect(isAhead(page, { xid: 13n, id: 2n })).toBe(false);
    expect(isAhead(page, { xid: 10n, id: 3n })).toBe(true);
    expect(isAhead(page, { xid: 12n, id: 4n })).toBe(true);
    expect(isAhead(page, { xid: 14n, id: 5n })).toBe(true);
  });

  it('keeps the snapshot until every transaction it saw is behind', () => {
    const atTwelve = advance(page, { xid: 12n, id: 4n });
    expect(atTwelve).toEqual({ xid: 12n, id: 4n, snapshot: page.snapshot });
    expect(isAhead(atTwelve, { xid: 13n, id: 2n })).toBe(false);
    expect(isAhead(atTwelve, { xid: 12n, id: 7n })).toBe(true);
    expect(advance(atTwelve, { xid: 14n, id: 0n })).toEqual({ xid: 14n, id: 0n, snapshot: null });
    expect(advance(atTwelve, { xid: 10n, id: 9n })).toBe(atTwelve);
  });

  it('starts a batch at the earliest position', () => {
    const positions: LogPosition[] = [
      { xid: 12n, id: 1n, snapshot: null },
      { xid: 11n, id: 9n, snapshot: null },
      { xid: 11n, id: 10n, snapshot: null },
    ];
    expect(earliest(positions)).toBe(positions[1]);
  });

  it('round-trips through a cursor, with and without a snapshot', () => {
    expect(decodePosition(encodePosition(page))).toEqual(page);
    const plain = { xid: 20n, id: 300n, snapshot: null };
    expect(decodePosition(encodePosition(plain))).toEqual(plain);
    expect(formatSnapshot(page.snapshot)).toBe('10:14:10,12');
  });

  it('reads a plain row id cursor as null (resumed with RESYNC) and refuses anything else', () => {
    expect(decodePosition(encodeCursor(['42']))).toBeNull();
    for (const bad of [
      encodeCursor(['2026-01-01T00:00:00.000Z', '1']),
      encodeCursor(['1', '2', '3']),
      encodeCursor(['12', '0', '14', '10']),
      encodeCursor(['12', '0', '10', '14', '15']),
      // Snapshots PostgreSQL's pg_snapshot refuses: transaction id 0, running ids out of order.
      encodeCursor(['100', '0', '0', '0']),
      encodeCursor(['0', '0', '0', '5']),
      encodeCursor(['12', '0', '10', '14', '12', '11']),
      'garbage!',
    ]) {
      expect(() => decodePosition(bad)).toThrow('after: is not a valid cursor');
    }
  });
});
