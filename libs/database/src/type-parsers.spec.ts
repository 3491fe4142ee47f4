import { types } from 'pg';
import { parseIsoTimestamptz, postgresTypeParsers } from './type-parsers';

const TIMESTAMPTZ = 1184;
const stock = types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => unknown;
const parse = postgresTypeParsers.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => unknown;

/** How PostgreSQL writes an instant with DateStyle ISO at an offset of `offsetMinutes`. */
function postgresText(instant: number, fraction: string, offsetMinutes: number): string {
  const local = new Date(instant + offsetMinutes * 60_000).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = Math.abs(offsetMinutes) % 60;
  const offset = `${sign}${hours}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
  return `${local.slice(0, 10)} ${local.slice(11, 19)}${fraction && `.${fraction}`}${offset}`;
}

describe('the type parsers', () => {
  it('reads the instants the stock parser reads, at every offset and fraction length', () => {
    // A fixed pseudo-random sequence, so a failure names a value that fails again.
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const offsets = [0, -180, 330, 345, -570, 840, -720, 60];
    const earliest = Date.UTC(1000, 0, 2);
    const latest = Date.UTC(9999, 11, 30);
    for (let i = 0; i < 5000; i += 1) {
      const instant = earliest + Math.floor((next() * (latest - earliest)) / 1000) * 1000;
      const fraction = String(Math.floor(next() * 1e6))
        .padStart(6, '0')
        .slice(0, i % 7);
      const text = postgresText(instant, fraction, offsets[i % offsets.length]);
      const fast = parseIsoTimestamptz(text);
      expect({ text, at: fast?.getTime() }).toEqual({ text, at: (stock(text) as Date).getTime() });
    }
  });

  it('leaves what it does not read to the stock parser, with the same result', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '2026-05-01 20:00:00+00 BC',
      '0099-01-01 00:00:00+00',
      '10000-01-01 00:00:00+00',
      '1890-05-01 20:00:00+00:53:28',
      '2026-05-01 20:00:00.+00',
      '2026-05-01T20:00:00Z',
    ]) {
      expect({ text, fast: parseIsoTimestamptz(text) }).toEqual({ text, fast: undefined });
      expect(parse(text)).toEqual(stock(text));
    }
  });

  it('reads bigint text as the stock parser does', () => {
    const stockInt8 = types.getTypeParser(20, 'text') as (text: string) => unknown;
    const int8 = postgresTypeParsers.getTypeParser(20, 'text') as (text: string) => unknown;
    for (const text of ['0', '42', '-7', '9223372036854775807', '-9223372036854775808']) {
      expect(int8(text)).toBe(stockInt8(text));
    }
  });

  it('keeps the stock parser of every other type', () => {
    expect(postgresTypeParsers.getTypeParser(23, 'text')).toBe(types.getTypeParser(23, 'text'));
    expect(postgresTypeParsers.getTypeParser(16, 'text')).toBe(types.getTypeParser(16, 'text'));
    expect(postgresTypeParsers.getTypeParser(TIMESTAMPTZ, 'binary')).toBe(
      types.getTypeParser(TIMESTAMPTZ, 'binary'),
    );
  });
});
