import { Kind } from 'graphql';
import { DateTimeScalar, formatDateTime, parseDateTime } from './date-time.scalar';

describe('DateTime', () => {
  it.each([
    ['2026-05-01T20:00:00Z', '2026-05-01T20:00:00.000Z'],
    ['2026-05-01t20:00:00.5z', '2026-05-01T20:00:00.500Z'],
    ['2026-05-01T20:00:00.123456789Z', '2026-05-01T20:00:00.123Z'],
    ['2026-05-01T22:00:00+02:00', '2026-05-01T20:00:00.000Z'],
    ['2024-02-29T00:00:00-05:30', '2024-02-29T05:30:00.000Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseDateTime(text)?.toISOString()).toBe(iso);
  });

  it.each([
    'garbage',
    '',
    ' 2026-05-01T20:00:00Z',
    '2026-05-01',
    '2026-05-01T20:00Z',
    '2026-05-01 20:00:00Z',
    '2026-05-01T20:00:00',
    '2099-13-45T99:99:99Z',
    '2099-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-05-01T24:00:00Z',
    '2026-05-01T23:60:00Z',
    '2026-05-01T23:59:60Z',
    '2026-05-01T20:00:00+24:00',
    '99999-01-01T00:00:00Z',
    '+099999-01-01T00:00:00Z',
    '-271821-04-20T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '1970-01-01T00:30:00+01:00',
    '0075-01-01T00:00:00Z',
    '9999-12-31T23:00:00-02:00',
    '2026-05-01T20:00:00.Z',
  ])('refuses %j', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
    expect(() => DateTimeScalar.parseValue(text)).toThrow(/DateTime must be an ISO 8601 date-time/);
  });

  it('refuses what is not a string, as a variable or a literal', () => {
    expect(() => DateTimeScalar.parseValue(1_700_000_000_000)).toThrow(/DateTime must be/);
    expect(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1' })).toThrow(
      /DateTime must be/,
    );
    expect(
      DateTimeScalar.parseLiteral({
        kind: Kind.STRING,
        value: '2026-05-01T20:00:00Z',
      }).toISOString(),
    ).toBe('2026-05-01T20:00:00.000Z');
  });

  it('writes instants in UTC, and refuses to write what is not one', () => {
    expect(DateTimeScalar.serialize(new Date('2026-05-01T22:00:00+02:00'))).toBe(
      '2026-05-01T20:00:00.000Z',
    );
    expect(() => DateTimeScalar.serialize(new Date(Number.NaN))).toThrow(/not a date/);
    expect(() => DateTimeScalar.serialize({})).toThrow(/not a date/);
  });

  it('writes the text toISOString writes, in and out of the years it builds itself', () => {
    const instants = [
      Date.UTC(1000, 0, 1),
      Date.UTC(1970, 0, 1),
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      -62198755200000,
    ];
    // Every millisecond and day of the year at some point of 1,000 years.
    for (let i = 0; i < 20_000; i += 1) {
      instants.push(Date.UTC(1500 + (i % 1000), 0, 1) + i * 86_400_000 * 0.37 + (i % 1000));
    }
    const differing = instants
      .map((instant) => new Date(instant))
      .filter((date) => formatDateTime(date) !== date.toISOString());
    expect(differing).toEqual([]);
  });
});
