import fc from 'fast-check';
import {
  GraphQLArgument,
  GraphQLInputType,
  GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { decodeGlobalId, NodeTypeName, toGlobalId } from '@app/common';

/**
 * fast-check arbitraries for GraphQL inputs, derived from the schema's types, so a new mutation
 * or argument is fuzzed without a line here. Each mixes plausible values (so a call gets past its
 * other arguments and reaches deep validation) with hostile ones: empty and huge strings, control
 * characters, NUL, unpaired surrogates, SQL and HTML fragments, other types' ids, garbage base64,
 * out-of-range numbers and dates, invalid enum values, wrong JSON types, null where not allowed.
 */

/** Ids of real things, by type, that the fuzzer mixes in so calls reach past the id check. */
export type IdPools = Partial<Record<NodeTypeName, string[]>>;

export interface FuzzContext {
  /** The mutation or query field whose argument this is. */
  field: string;
  pools: IdPools;
  /** A handle that exists, for logins and mentions. */
  knownHandle: string;
  /** Real cursors, altered into near misses. */
  cursors: string[];
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  '   \t\n  ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00y',
  '\uDBFF\uDFFF\uD800',
  '\u0007\u0008\u001b[31m',
  '\r\n\r\n',
  '\u202Eevil',
  '\u200B\u200D\uFEFF',
  'e\u0301\u0301\u0301\u0301',
  '😀👩‍👩‍👧‍👦',
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '1; SELECT pg_sleep(5)--',
  '$1::bigint',
  '%s%n%x',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '\\',
  '"',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  'true',
  '[]',
  '{}',
  '#',
  '@',
  '#tag #tag #tag',
  'javascript:alert(1)',
  'http://',
  'ftp://example.com/x',
  'ADMIN',
];

const SURROGATE = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const CONTROL = fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code));

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({
    unit: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), SURROGATE, CONTROL),
    maxLength: 40,
  }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
);

/**
 * Past every length rule, but inside the request body cap (100 KiB by default; the fuzzer checks
 * the cap itself with one request of its own), whatever the bytes per character.
 */
const hugeString = fc
  .tuple(
    fc.constantFrom(281, 1_001, 10_000, 80_000),
    fc.constantFrom('x', 'é', '😀', '\u0000', ' '),
  )
  .map(([length, unit]) => {
    const bytes = Buffer.byteLength(JSON.stringify(unit)) - 2;
    return unit.repeat(Math.min(length, Math.floor(80_000 / bytes)));
  });

const token = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    minLength: min,
    maxLength: max,
  });

/** A value that passes the argument's own rules, by its name, so the call reaches the others. */
function plausibleString(name: string, context: FuzzContext): fc.Arbitrary<string> {
  switch (name) {
    case 'handle':
      return token(3, 20).map((t) => `f_${t}`);
    case 'email':
      return token(3, 20).map((t) => `fz.${t}@example.org`);
    case 'login':
      return fc.constant(context.knownHandle);
    case 'password':
      // Never the fixtures' password: deleteAccount would delete the caller.
      return fc.constant('not the password 1');
    case 'slug':
      return token(3, 20).map((t) => `fz-${t}`);
    case 'hashtag':
      return token(3, 20).map((t) => `fz${t}`);
    case 'avatarUrl':
      return fc.constant('https://example.com/a.png');
    case 'text':
      return fc.constantFrom('hello', `hi @${context.knownHandle}`, 'watch #fuzz');
    default:
      return fc.constantFrom('hello', 'A title');
  }
}

function stringArbitrary(name: string, context: FuzzContext): fc.Arbitrary<unknown> {
  if (name === 'after') return cursorArbitrary(context.cursors);
  return fc.oneof(
    { weight: 4, arbitrary: plausibleString(name, context) },
    { weight: 4, arbitrary: hostileString },
    { weight: 1, arbitrary: hugeString },
    { weight: 1, arbitrary: wrongJsonType },
  );
}

const wrongJsonType = fc.constantFrom<unknown>(0, 1.5, -1, true, false, [], ['a'], {}, { a: 1 });

const ID_TYPES: NodeTypeName[] = [
  'User',
  'Post',
  'Broadcast',
  'BroadcastComment',
  'Show',
  'Airing',
  'Device',
  'Notification',
  'Report',
  'WatchLaterEntry',
];

/**
 * Which node types an id argument most likely wants: `broadcastId` a Broadcast, `upTo` of
 * markNotificationsRead a Notification, `id` of deletePost a Post. Unknown names get every type.
 */
function likelyTypes(field: string, argument: string): NodeTypeName[] {
  const words = `${argument === 'id' || argument === 'upTo' ? field : argument}`.toLowerCase();
  const matching = ID_TYPES.filter((type) => {
    const short = type
      .replace(/^Broadcast(?=Comment)/, '')
      .replace(/Entry$/, '')
      .toLowerCase();
    return words.includes(short);
  });
  return matching.length > 0 ? matching : ID_TYPES;
}

const garbageId = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '1',
    '-1',
    'abc',
    '====',
    'UG9zdDo=',
    'not base64!',
    'a'.repeat(65),
    toGlobalId('Post', '999999999999999999'),
    Buffer.from('Post:0').toString('base64url'),
    Buffer.from('Post:-1').toString('base64url'),
    Buffer.from('Post:1.5').toString('base64url'),
    Buffer.from('Post:9223372036854775808').toString('base64url'),
    Buffer.from('Post:1 OR 1=1').toString('base64url'),
    Buffer.from('Nope:1').toString('base64url'),
    Buffer.from(':1').toString('base64url'),
    Buffer.from('User:\u0000').toString('base64url'),
  ),
  fc.string({ maxLength: 30 }).map((text) => Buffer.from(text).toString('base64url')),
  fc
    .tuple(fc.constantFrom(...ID_TYPES), fc.bigInt({ min: -10n, max: 10n ** 20n }))
    .map(([type, id]) => Buffer.from(`${type}:${id}`).toString('base64url')),
  hostileString,
  fc.constantFrom<unknown>(42, 0, -1, 2 ** 53, 1.5, true, [], {}),
);

function idArbitrary(argument: string, context: FuzzContext): fc.Arbitrary<unknown> {
  const expected = likelyTypes(context.field, argument).flatMap(
    (type) => context.pools[type] ?? [],
  );
  const any = Object.values(context.pools).flat();
  const choices: fc.WeightedArbitrary<unknown>[] = [{ weight: 3, arbitrary: garbageId }];
  if (expected.length > 0) choices.push({ weight: 5, arbitrary: fc.constantFrom(...expected) });
  if (any.length > 0) choices.push({ weight: 2, arbitrary: fc.constantFrom(...any) });
  return fc.oneof(...choices);
}

const intArbitrary = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 10 }) },
  { weight: 2, arbitrary: fc.integer() },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      0,
      -1,
      -2147483648,
      2147483647,
      2147483648,
      -2147483649,
      1e15,
      2 ** 53,
      1.5,
      -0.0001,
      1e308,
      '5',
      true,
    ),
  },
);

const floatArbitrary = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom<unknown>(1e308, -1e308, 5e-324, '1.0', true),
);

const booleanArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constantFrom<unknown>('true', 1, 0, 'false') },
);

const DAY = 24 * 3600_000;

const dateTimeArbitrary = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .integer({ min: -30, max: 30 })
      .map((days) => new Date(Date.now() + days * DAY + 3600_000).toISOString()),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      'garbage',
      '',
      '2099-13-45T99:99:99Z',
      '99999-01-01T00:00:00Z',
      '2099-02-30T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '-271821-04-20T00:00:00Z',
      '+275760-09-13T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '2030-01-01',
      '2030-01-01T00:00:00',
      '2030-01-01T00:00:00+25:00',
      '2030-01-01T24:00:00Z',
      '2030-01-01T00:00:60Z',
      '2030-W01-1',
      'Tue, 01 Jan 2030 00:00:00 GMT',
      '1e10',
      0,
      8.64e15 + 1,
      -1,
      true,
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
      .map((date) => date.toISOString()),
  },
  { weight: 1, arbitrary: hostileString },
);

function enumArbitrary(values: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...values) },
    {
      weight: 4,
      arbitrary: fc.oneof(
        fc.constantFrom<unknown>('', 'INVALID', values[0].toLowerCase(), ` ${values[0]}`, 0, true),
        hostileString,
      ),
    },
  );
}

function namedArbitrary(
  type: GraphQLNamedType,
  name: string,
  context: FuzzContext,
): fc.Arbitrary<unknown> {
  if (isEnumType(type)) return enumArbitrary(type.getValues().map((value) => value.name));
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    const required: string[] = [];
    for (const field of Object.values(fields)) {
      shape[field.name] = inputArbitrary(field.type, field.name, context);
      if (isNonNullType(field.type)) required.push(field.name);
    }
    const record = fc.record(shape, { requiredKeys: required });
    return fc.oneof(
      { weight: 8, arbitrary: record },
      { weight: 1, arbitrary: record.map((value) => ({ ...value, notAField: 'x' })) },
      { weight: 1, arbitrary: wrongJsonType },
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return idArbitrary(name, context);
      case 'Int':
        return intArbitrary;
      case 'Float':
        return floatArbitrary;
      case 'Boolean':
        return booleanArbitrary;
      case 'DateTime':
        return dateTimeArbitrary;
      default:
        return stringArbitrary(name, context);
    }
  }
  throw new Error(`No arbitrary for the input type ${type.name}`);
}

/** Values for one input position; null (or nothing) now and then, even where it is not allowed. */
export function inputArbitrary(
  type: GraphQLInputType,
  name: string,
  context: FuzzContext,
): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) {
    return fc.oneof(
      {
        weight: 19,
        arbitrary: inputArbitrary(type.ofType, name, context).filter((v) => v !== null),
      },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined) },
    );
  }
  const inner = isListType(type)
    ? fc.array(inputArbitrary(type.ofType, name, context), { maxLength: 3 })
    : namedArbitrary(type, name, context);
  return fc.oneof(
    { weight: 8, arbitrary: inner },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(null, undefined) },
  );
}

/** Variables for every argument of a field (undefined ones are left out of the request). */
export function argumentsArbitrary(
  args: readonly GraphQLArgument[],
  context: FuzzContext,
): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const arg of args) shape[arg.name] = inputArbitrary(arg.type, arg.name, context);
  return fc
    .record(shape)
    .map((values) =>
      Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)),
    );
}

/** One well-formed value of a type, the same every time: the base the edge cases vary. */
function baseline(type: GraphQLInputType, name: string, context: FuzzContext): unknown {
  if (isNonNullType(type)) return baseline(type.ofType, name, context);
  if (isListType(type)) return [baseline(type.ofType, name, context)];
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields()).map((field) => [
        field.name,
        baseline(field.type, field.name, context),
      ]),
    );
  }
  switch (type.name) {
    case 'ID':
      return likelyTypes(context.field, name).flatMap((t) => context.pools[t] ?? [])[0] ?? 'x';
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'DateTime':
      return new Date(Date.now() + 3 * DAY).toISOString();
    default:
      return fc.sample(plausibleString(name, context), { numRuns: 1, seed: 1 })[0];
  }
}

/** Values that no field of this scalar or enum may take: each edge case puts one in one place. */
function edgeValues(type: GraphQLNamedType): unknown[] {
  if (isEnumType(type)) return ['INVALID'];
  switch (type.name) {
    case 'ID':
      return ['', 'garbage'];
    case 'Int':
      return [2147483648, -1];
    case 'DateTime':
      return ['garbage', '2099-02-30T00:00:00Z', '-271821-04-20T00:00:00Z'];
    case 'Boolean':
    case 'Float':
      return [];
    default:
      return ['a\u0000b', 'a\uD800b', ''];
  }
}

/**
 * Deterministic cases run before the random ones: well-formed arguments with, in one place at a
 * time, null, or a value that no field of its type may take. So every input position meets
 * null, NUL, an unpaired surrogate, an impossible date and an invalid enum in every run.
 */
export function edgeCases(
  args: readonly GraphQLArgument[],
  context: FuzzContext,
): Record<string, unknown>[] {
  const base: Record<string, unknown> = Object.fromEntries(
    args.map((arg) => [arg.name, baseline(arg.type, arg.name, context)]),
  );
  const cases: Record<string, unknown>[] = [];
  const visit = (
    type: GraphQLInputType,
    name: string,
    replace: (value: unknown) => Record<string, unknown>,
  ): void => {
    cases.push(replace(null));
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) return;
    if (isInputObjectType(inner)) {
      const current = baseline(inner, name, context) as Record<string, unknown>;
      for (const field of Object.values(inner.getFields())) {
        visit(field.type, field.name, (value) => replace({ ...current, [field.name]: value }));
      }
      return;
    }
    for (const value of edgeValues(inner)) cases.push(replace(value));
  };
  for (const arg of args) visit(arg.type, arg.name, (value) => ({ ...base, [arg.name]: value }));
  return cases;
}

/** Keyset cursors: base64url JSON of every shape, real ones altered, and plain garbage. */
export function cursorArbitrary(realCursors: string[]): fc.Arbitrary<unknown> {
  const part = fc.oneof(
    fc.constantFrom<unknown>(
      '1',
      1,
      0,
      -1,
      '9223372036854775807',
      '9223372036854775808',
      '99999999999999999999',
      1.5,
      '2024-01-01T00:00:00Z',
      '2024-02-30T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '+275760-09-13T00:00:00Z',
      '-271821-04-20T00:00:00Z',
      'not a date',
      null,
      true,
      [],
      {},
    ),
    hostileString,
  );
  const encoded = (value: unknown) =>
    Buffer.from(JSON.stringify(value) ?? '', 'utf8').toString('base64url');
  const choices: fc.Arbitrary<unknown>[] = [
    fc.array(part, { maxLength: 4 }).map(encoded),
    fc.json().map((json) => Buffer.from(json).toString('base64url')),
    fc.constantFrom<unknown>('', '!!', 'W10', 'e30', 'WyIxIl0', 'a'.repeat(300), 0, true),
    hostileString,
  ];
  if (realCursors.length > 0) {
    choices.push(
      fc
        .tuple(fc.constantFrom(...realCursors), fc.nat(), fc.constantFrom('A', '_', '-', 'z'))
        .map(([cursor, at, char]) => {
          const i = at % cursor.length;
          return cursor.slice(0, i) + char + cursor.slice(i + 1);
        }),
    );
  }
  return fc.oneof(...choices);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

/** ISO 8601 with a real calendar date and clock time (the range is the service's to choose). */
function isStrictDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const offsetHours = match[9] === undefined ? 0 : Number(match[9]);
  const offsetMinutes = match[10] === undefined ? 0 : Number(match[10]);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59
  );
}

/** A value no field may accept; `refusedAsInput` when only BAD_USER_INPUT may refuse it. */
export interface InvalidValue {
  description: string;
  /** Ids and date-times are parsed before anything else: nothing but their parse may refuse them. */
  refusedAsInput: boolean;
}

function invalidScalar(scalar: string, value: unknown): InvalidValue | undefined {
  if (scalar === 'ID' && (typeof value === 'string' || typeof value === 'number')) {
    if (decodeGlobalId(String(value))) return undefined;
    return { description: `the id ${JSON.stringify(value)}`, refusedAsInput: true };
  }
  if (typeof value !== 'string') return undefined;
  if (scalar === 'DateTime' && !isStrictDateTime(value)) {
    return { description: `the date-time ${JSON.stringify(value)}`, refusedAsInput: true };
  }
  if (value.includes('\u0000')) return { description: 'a NUL character', refusedAsInput: false };
  if (LONE_SURROGATE.test(value)) {
    return { description: 'an unpaired surrogate', refusedAsInput: false };
  }
  return undefined;
}

/**
 * The values among `variables` that no field may accept: ids that are not global ids, date-times
 * that are not strict ISO 8601 dates of the calendar, text with NUL or unpaired surrogates. A
 * mutation that succeeded with one of them took bad input for good input.
 */
export function invalidValues(
  args: readonly GraphQLArgument[],
  variables: Record<string, unknown>,
): InvalidValue[] {
  const found: InvalidValue[] = [];
  const walk = (type: GraphQLInputType, value: unknown, path: string): void => {
    if (value === null || value === undefined) return;
    if (isNonNullType(type)) return walk(type.ofType, value, path);
    if (isListType(type)) {
      if (Array.isArray(value))
        value.forEach((item, i) => walk(type.ofType, item, `${path}[${i}]`));
      return;
    }
    if (isInputObjectType(type)) {
      if (typeof value !== 'object' || Array.isArray(value)) return;
      for (const field of Object.values(type.getFields())) {
        walk(field.type, (value as Record<string, unknown>)[field.name], `${path}.${field.name}`);
      }
      return;
    }
    if (isScalarType(type)) {
      const invalid = invalidScalar(type.name, value);
      if (invalid) found.push({ ...invalid, description: `${path}: ${invalid.description}` });
    }
  };
  for (const arg of args) walk(arg.type, variables[arg.name], arg.name);
  return found;
}
