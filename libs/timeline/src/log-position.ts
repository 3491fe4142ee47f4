import { cursorParts, encodeCursor, intPart, InvalidInputError } from '@app/common';

/**
 * Which writers' rows a statement saw (a `pg_snapshot`): every transaction below `xmin` had
 * ended, none from `xmax` on had started, and of those between, the ones in `xip` were running.
 */
export interface LogSnapshot {
  xmin: bigint;
  xmax: bigint;
  xip: bigint[];
}

/**
 * Where a reader of the update log stands. Rows are ordered by (writer's transaction id, row id);
 * every row at or before (`xid`, `id`) was delivered or skipped, and so was every row visible in
 * `snapshot` (the snapshot a page was read in: its rows are on the page). Rows of transactions
 * below the oldest running one are final, so no row can later appear at or before a position the
 * reader reached below that horizon.
 */
export interface LogPosition {
  xid: bigint;
  id: bigint;
  snapshot: LogSnapshot | null;
}

/** A log row's place in the order. */
export interface LogPlace {
  xid: bigint;
  id: bigint;
}

// A snapshot lists the transactions running when it was taken: a few hundred at most fit.
const MAX_CURSOR_LENGTH = 4096;

/** Parses `pg_snapshot` text, `xmin:xmax:xip,xip…`. */
export function parseSnapshot(text: string): LogSnapshot {
  const [xmin, xmax, xip] = text.split(':');
  return {
    xmin: BigInt(xmin),
    xmax: BigInt(xmax),
    xip: xip ? xip.split(',').map(BigInt) : [],
  };
}

/** The `pg_snapshot` text of a snapshot. */
export function formatSnapshot(snapshot: LogSnapshot): string {
  return `${snapshot.xmin}:${snapshot.xmax}:${snapshot.xip.join(',')}`;
}

/** A position taken at a statement's snapshot: the log's head as that statement saw it. */
export type HeadPosition = LogPosition & { snapshot: LogSnapshot };

/** The position of a reader that has seen exactly what `snapshot` saw. */
export function positionAt(snapshot: LogSnapshot): HeadPosition {
  return { xid: snapshot.xmin, id: 0n, snapshot };
}

export function comparePlaces(a: LogPlace, b: LogPlace): number {
  if (a.xid !== b.xid) return a.xid < b.xid ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

/** `pg_visible_in_snapshot`: whether the snapshot saw the transaction's rows. */
function visibleIn(snapshot: LogSnapshot, xid: bigint): boolean {
  return xid < snapshot.xmin || (xid < snapshot.xmax && !snapshot.xip.includes(xid));
}

/** Whether the row is still to be delivered to a reader at `position`. */
export function isAhead(position: LogPosition, row: LogPlace): boolean {
  return (
    comparePlaces(row, position) > 0 &&
    !(position.snapshot !== null && visibleIn(position.snapshot, row.xid))
  );
}

/**
 * The position once everything up to `place` is delivered (no move if it is not ahead). The
 * snapshot goes once every transaction it could see is behind.
 */
export function advance(position: LogPosition, place: LogPlace): LogPosition {
  if (comparePlaces(place, position) <= 0) return position;
  const snapshot =
    position.snapshot && place.xid < position.snapshot.xmax ? position.snapshot : null;
  return { xid: place.xid, id: place.id, snapshot };
}

/** The smallest of the positions, without snapshot: the read of a batch starts there. */
export function earliest(positions: LogPosition[]): LogPlace {
  return positions.reduce<LogPlace>(
    (min, p) => (comparePlaces(p, min) < 0 ? p : min),
    positions[0],
  );
}

/** The cursor of a position: the numbers of the place, then those of the snapshot if any. */
export function encodePosition(position: LogPosition): string {
  const { xid, id, snapshot } = position;
  const numbers = snapshot ? [xid, id, snapshot.xmin, snapshot.xmax, ...snapshot.xip] : [xid, id];
  return encodeCursor(numbers.map(String));
}

/**
 * The position of a `timelineUpdates` cursor; null for a plain row id, the form cursors had
 * before positions carried transaction ids (such a resume starts with RESYNC).
 */
export function decodePosition(cursor: string, field = 'after'): LogPosition | null {
  const invalid = () => InvalidInputError.field(field, 'is not a valid cursor');
  const numbers = cursorParts(cursor, field, MAX_CURSOR_LENGTH).map((part) => {
    const int = intPart(part);
    if (int === undefined) throw invalid();
    return BigInt(int);
  });
  if (numbers.length === 1) return null;
  if (numbers.length === 2) return { xid: numbers[0], id: numbers[1], snapshot: null };
  if (numbers.length < 4) throw invalid();
  const [xid, id, xmin, xmax, ...xip] = numbers;
  if (xid < xmin || !isSnapshot(xmin, xmax, xip)) throw invalid();
  return { xid, id, snapshot: { xmin, xmax, xip } };
}

/**
 * Whether PostgreSQL's `pg_snapshot` input takes these numbers: transaction ids are never 0, and
 * the running ones ascend from `xmin` to below `xmax` (a snapshot's text lists each once). A
 * cursor's snapshot reaches statements batched with other subscribers' (TimelineOpens): one that
 * PostgreSQL refused would fail theirs too.
 */
function isSnapshot(xmin: bigint, xmax: bigint, xip: bigint[]): boolean {
  if (xmin === 0n || xmin > xmax) return false;
  let floor = xmin;
  for (const xid of xip) {
    if (xid < floor || xid >= xmax) return false;
    floor = xid + 1n;
  }
  return true;
}
