import { InvalidInputError } from '../errors/domain-errors';

/**
 * Opaque keyset cursors: the sort key of the last row seen, as base64url JSON. Clients treat them
 * as strings; the server checks their shape before a value reaches SQL.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export type KeyPart = 'int' | 'timestamp';

/** The parts of a cursor, still unchecked; BAD_USER_INPUT unless it is base64url JSON of an array. */
export function cursorParts(cursor: string, field: string, maxLength = 256): unknown[] {
  const invalid = () => InvalidInputError.field(field, 'is not a valid cursor');
  if (cursor.length > maxLength || !/^[A-Za-z0-9_-]*$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed)) throw invalid();
  return parsed;
}

/** A cursor part that is a bigint's decimal text (or a number written as one), or undefined. */
export function intPart(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value);
  return INT.test(text) && BigInt(text) <= BIGINT_MAX ? text : undefined;
}

const INT = /^[0-9]{1,19}$/;
const BIGINT_MAX = 9223372036854775807n;
// Keys are real row timestamps: anything outside these years cannot match a row, and PostgreSQL
// would refuse some of it.
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);

export function decodeCursor(cursor: string, shape: readonly KeyPart[], field = 'after'): string[] {
  const invalid = () => InvalidInputError.field(field, 'is not a valid cursor');
  const parsed = cursorParts(cursor, field);
  if (parsed.length !== shape.length) throw invalid();
  return shape.map((part, i) => {
    const value: unknown = parsed[i];
    if (part === 'int') {
      const int = intPart(value);
      if (int !== undefined) return int;
    }
    if (part === 'timestamp' && typeof value === 'string') {
      const at = Date.parse(value);
      if (at >= EARLIEST && at <= LATEST) return new Date(at).toISOString();
    }
    throw invalid();
  });
}

export interface KeysetColumn {
  /** The SQL expression the page is ordered by, e.g. `p.created_at`. */
  sql: string;
  part: KeyPart;
}

/**
 * The condition keeping only rows after `after` in a keyset page ordered by `columns` (all
 * ascending or all descending), its values appended to `params` as typed placeholders. Empty
 * without a cursor. A row comparison, so PostgreSQL walks the ordering index from the key.
 */
export function keysetCondition(
  after: string | null | undefined,
  columns: readonly KeysetColumn[],
  direction: 'ASC' | 'DESC',
  params: unknown[],
): string {
  if (!after) return '';
  const values = decodeCursor(
    after,
    columns.map((column) => column.part),
  );
  const placeholders = values.map((value, i) => {
    params.push(value);
    return `$${params.length}::${columns[i].part === 'timestamp' ? 'timestamptz' : 'bigint'}`;
  });
  const operator = direction === 'DESC' ? '<' : '>';
  const keys = columns.map((column) => column.sql);
  return columns.length === 1
    ? `${keys[0]} ${operator} ${placeholders[0]}`
    : `(${keys.join(', ')}) ${operator} (${placeholders.join(', ')})`;
}
