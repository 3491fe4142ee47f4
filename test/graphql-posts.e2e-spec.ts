import { gzipSync } from 'node:zlib';
import { TestApp } from '@app/testing';

/**
 * POST /graphql is served in front of express (apps/api/src/http/graphql-posts.ts). A query
 * string on the path sends the same request through express, so each case compares the two.
 */
describe('POST /graphql in front of express', () => {
  let t: TestApp;
  let token: string;
  const DIRECT = '/graphql';
  const THROUGH_EXPRESS = '/graphql?via=express';

  beforeAll(async () => {
    t = await TestApp.start({ MAX_BODY_BYTES: '2048' });
    token = (await t.signUp()).token;
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });

  /** What a client sees of an answer: status, every header but the date, and the body. */
  const seen = async (response: Response) => ({
    status: response.status,
    headers: Object.fromEntries([...response.headers].filter(([name]) => name !== 'date')),
    body: await response.text(),
  });

  const bothWays = async (body: string | Buffer, headers: Record<string, string> = {}) => {
    const direct = await seen(await post(DIRECT, body, headers));
    const throughExpress = await seen(await post(THROUGH_EXPRESS, body, headers));
    return { direct, throughExpress };
  };

  it('answers without entering express; other requests still go through it', async () => {
    const express = t.app.getHttpAdapter().getInstance() as unknown as { handle: () => void };
    const handle = jest.spyOn(express, 'handle');
    const direct = await post(DIRECT, JSON.stringify({ query: '{ __typename }' }));
    expect(await direct.json()).toEqual({ data: { __typename: 'Query' } });
    expect(handle).not.toHaveBeenCalled();
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('answers a query with the viewer as express does, headers included', async () => {
    const { direct, throughExpress } = await bothWays(
      JSON.stringify({ query: '{ me { handle } }' }),
      { authorization: `Bearer ${token}` },
    );
    expect(direct).toEqual(throughExpress);
    expect(direct.status).toBe(200);
    expect(direct.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(direct.body)),
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
      connection: 'keep-alive',
      'keep-alive': expect.any(String),
    });
    expect(JSON.parse(direct.body)).toEqual({
      data: { me: { handle: expect.any(String) } },
    });
  });

  it('reads a gzip body as express does', async () => {
    const { direct, throughExpress } = await bothWays(
      gzipSync(JSON.stringify({ query: '{ __typename }' })),
      { 'content-encoding': 'gzip' },
    );
    expect(direct).toEqual(throughExpress);
    expect(JSON.parse(direct.body)).toEqual({ data: { __typename: 'Query' } });
  });

  it('reads a chunked body, without Content-Length, as express does', async () => {
    const chunked = (path: string) =>
      fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new Blob(['{"query": ', '"{ __typename }"}']).stream(),
        duplex: 'half',
      } as RequestInit);
    const direct = await seen(await chunked(DIRECT));
    expect(direct).toEqual(await seen(await chunked(THROUGH_EXPRESS)));
    expect(JSON.parse(direct.body)).toEqual({ data: { __typename: 'Query' } });
  });

  it.each([
    ['a body over MAX_BODY_BYTES', JSON.stringify({ query: 'x'.repeat(3000) }), {}, 413],
    ['malformed JSON', '{"query": ', {}, 400],
    ['JSON that is not an object', '"{ __typename }"', {}, 400],
    ['an unsupported charset', '{}', { 'content-type': 'application/json; charset=latin1' }, 415],
    ['a corrupt gzip body', Buffer.from([0x1f, 0x8b, 0, 0]), { 'content-encoding': 'gzip' }, 400],
  ])(
    'refuses %s in GraphQL’s error shape, readable cross-origin',
    async (_case, body, headers: Record<string, string>, status) => {
      const { direct, throughExpress } = await bothWays(body, headers);
      expect(direct.status).toBe(status);
      expect(direct.headers['access-control-allow-origin']).toBe('*');
      expect(JSON.parse(direct.body)).toEqual({
        errors: [{ message: expect.any(String), extensions: { code: 'BAD_USER_INPUT' } }],
      });
      expect(direct).toEqual(throughExpress);
    },
  );

  it.each([
    ['text/plain', '{"query": "{ __typename }"}'],
    ['application/x-www-form-urlencoded', 'query=%7B__typename%7D'],
  ])('refuses a %s body as express does', async (type, body) => {
    const { direct, throughExpress } = await bothWays(body, { 'content-type': type });
    expect(direct).toEqual(throughExpress);
    expect(direct.status).toBe(400);
  });
});
