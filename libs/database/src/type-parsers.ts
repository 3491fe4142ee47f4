import { CustomTypesConfig, types } from 'pg';

/** PostgreSQL's type ids of `timestamp with time zone` and `bigint`. */
const TIMESTAMPTZ = 1184;
const INT8 = 20;

const ZERO = 48;
const DASH = 45;
const SPACE = 32;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const MINUTE = 60_000;

/** The number written by the decimal digits from `start` to `end`, or NaN if one is not a digit. */
function digitsAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i += 1) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The instant PostgreSQL writes, with DateStyle ISO, for a `timestamptz` of the years 1000 to
 * 9999: `2026-05-01 20:00:00.123+00`, the fraction optional (up to 6 digits) and the offset as
 * `+HH` or `+HH:MM`. Undefined for anything else (BC, infinity, a five-digit year, an offset with
 * seconds), which the stock parser reads.
 */
export function parseIsoTimestamptz(text: string): Date | undefined {
  if (
    text.length < 22 ||
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    text.charCodeAt(10) !== SPACE ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  ) {
    return undefined;
  }
  let at = 19;
  let millis = 0;
  if (text.charCodeAt(at) === DOT) {
    // A fraction of a second: its first three digits are the milliseconds, the rest is dropped.
    const start = at + 1;
    at = start;
    while (at < text.length && at - start < 6) {
      const digit = text.charCodeAt(at) - ZERO;
      if (digit < 0 || digit > 9) break;
      if (at - start < 3) millis = millis * 10 + digit;
      at += 1;
    }
    if (at === start) return undefined;
    for (let read = at - start; read < 3; read += 1) millis *= 10;
  }
  const sign = text.charCodeAt(at);
  if (sign !== PLUS && sign !== DASH) return undefined;
  const rest = text.length - at - 1;
  if (rest !== 2 && !(rest === 5 && text.charCodeAt(at + 3) === COLON)) return undefined;
  const offset =
    (digitsAt(text, at + 1, at + 3) * 60 + (rest === 5 ? digitsAt(text, at + 4, at + 6) : 0)) *
    MINUTE *
    (sign === DASH ? -1 : 1);
  const year = digitsAt(text, 0, 4);
  // Four-digit years from 1000 only: Date.UTC would read the years 0 to 99 as 1900 to 1999.
  if (!(year >= 1000)) return undefined;
  const instant =
    Date.UTC(
      year,
      digitsAt(text, 5, 7) - 1,
      digitsAt(text, 8, 10),
      digitsAt(text, 11, 13),
      digitsAt(text, 14, 16),
      digitsAt(text, 17, 19),
      millis,
    ) - offset;
  return Number.isNaN(instant) ? undefined : new Date(instant);
}

const stockTimestamptz = types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => unknown;

function parseTimestamptz(text: string): unknown {
  return parseIsoTimestamptz(text) ?? stockTimestamptz(text);
}

/**
 * `bigint` text as it is. The stock parser tests it against a regular expression and returns the
 * same text whatever the outcome; ids are bigints, so a page reads a hundred of them.
 */
function parseInt8(text: string): string {
  return text;
}

/**
 * node-postgres's type parsers, except two that give the same values faster: `timestamptz` text
 * is read by parseIsoTimestamptz, falling back to the stock parser, which runs three regular
 * expressions per value (a home page reads about 80); `bigint` text is kept as it is. The unit
 * test compares both with the stock parsers.
 */
export const postgresTypeParsers: CustomTypesConfig = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
    if (format === 'binary') return types.getTypeParser(oid, format);
    if (oid === TIMESTAMPTZ) return parseTimestamptz;
    if (oid === INT8) return parseInt8;
    return types.getTypeParser(oid, format);
  },
};
