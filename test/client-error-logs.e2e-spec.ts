import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { errorCode, GraphQLResponse, TestApp } from '@app/testing';

/**
 * What the logs say about errors clients cause: a line at debug or warn without a stack, never
 * an ERROR. Captured at the Logger, which every Nest logger instance goes through.
 */
describe('logs of client errors', () => {
  let t: TestApp;
  let lines: Record<'error' | 'warn' | 'debug', string[]>;

  const capture = () => {
    lines = { error: [], warn: [], debug: [] };
    for (const level of ['error', 'warn', 'debug'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        lines[level].push(args.map(String).join(' | '));
      });
    }
  };
  const noStack = (line: string) => expect(line).not.toMatch(/\n\s+at /);

  beforeAll(async () => {
    t = await TestApp.start({ MAX_BODY_BYTES: '2048' });
  });
  beforeEach(capture);
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => t.close());

  it('answers a body over MAX_BODY_BYTES in GraphQL’s error shape (413), logged as one warning', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(3000) } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'The request body is larger than 2048 bytes, the most allowed.',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(lines.error).toEqual([]);
    expect(lines.warn).toEqual([
      'POST /graphql: 413 The request body is larger than 2048 bytes, the most allowed.',
    ]);
  });

  it('answers malformed JSON in the same shape (400), logged without a stack', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(lines.error).toEqual([]);
    expect(lines.warn).toHaveLength(1);
    lines.warn.forEach(noStack);
  });

  it.each([
    ['a corrupt gzip body', 'gzip', Buffer.from([0x1f, 0x8b, 0x00, 0x00]), 400],
    ['a corrupt brotli body', 'br', Buffer.from('xx'), 400],
    ['an unknown Content-Encoding', 'compress-9', Buffer.from('{}'), 415],
  ])(
    'answers %s in the same shape, logged as one warning without a stack',
    async (_case, encoding, body, status) => {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body,
      });
      expect(response.status).toBe(status);
      const answer = (await response.json()) as { errors: { extensions: { code: string } }[] };
      expect(answer.errors).toEqual([
        {
          message: expect.stringMatching(/^The request body could not be read: /),
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ]);
      expect(lines.error).toEqual([]);
      expect(lines.warn).toHaveLength(1);
      lines.warn.forEach(noStack);
    },
  );

  it.each([
    ['version 1', { version: 1, sha256Hash: 'deadbeef' }],
    ['version 2', { version: 2, sha256Hash: 'deadbeef' }],
    ['not an object', 'x'],
  ])(
    'answers a persisted query extension (%s) BAD_USER_INPUT: persisted queries are off',
    async (_case, persistedQuery) => {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery } }),
      });
      const answer = (await response.json()) as GraphQLResponse;
      expect(answer.data).toBeUndefined();
      expect(answer.errors).toEqual([
        {
          message: 'PersistedQueryNotSupported',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ]);
      expect(lines.error).toEqual([]);
    },
  );

  it('logs bad input and validation failures below ERROR, without stacks', async () => {
    const user = await t.signUp();
    const invalid = await t.gql(
      'mutation { updateProfile(input: { bio: "' + 'x'.repeat(1000) + '" }) { id } }',
      {},
      user.token,
    );
    expect(errorCode(invalid)).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql('{ me { nope } }'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql('mutation { markNotificationsRead }'))).toBe('UNAUTHENTICATED');
    expect(lines.error).toEqual([]);
    [...lines.warn, ...lines.debug].forEach(noStack);
  });

  it('logs a /health 503 as one warning without a stack', async () => {
    jest
      .spyOn(t.app.get(DataSource), 'query')
      .mockRejectedValueOnce(new Error('connect ECONNREFUSED'));
    expect((await fetch(`${t.url}/health`)).status).toBe(503);
    expect(lines.error).toEqual([]);
    expect(lines.warn).toEqual(['GET /health: 503 Service Unavailable Exception']);
  });
});
