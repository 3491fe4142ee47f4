import { InvalidInputError } from '../errors/domain-errors';

/**
 * Opaque keyset cursors: the sort key of the last row seen, as base64url JSON. Clients treat them
 * as strings; the server checks their shape before a value reaches SQL.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export type KeyPart = 'int' | 'timestamp';

const INT = /^-?[0-9]{1,19}$/;

export function decodeCursor(cursor: string, shape: readonly KeyPart[], field = 'after'): string[] {
  const invalid = () => InvalidInputError.field(field, 'is not a valid cursor');
  if (cursor.length > 256 || !/^[A-Za-z0-9_-]*$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length) throw invalid();
  return shape.map((part, i) => {
    const value: unknown = parsed[i];
    if (part === 'int' && (typeof value === 'string' || typeof value === 'number')) {
      if (INT.test(String(value))) return String(value);
    }
    if (part === 'timestamp' && typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
      return new Date(value).toISOString();
    }
    throw invalid();
  });
}
