import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { AppConfig, loadConfig, RATE_LIMITS } from '@app/config';
import { QueryCounter } from '@app/database';
import { createApp } from '../../../apps/api/src/create-app';
import { testLogs } from './test-logs';
import { TestSocket } from './test-socket';
import { SubscriptionSetUps, TestSubscription } from './test-subscription';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: {
    message: string;
    path?: string[];
    locations?: { line: number; column: number }[];
    extensions?: Record<string, any>;
  }[];
}

export interface TestUser {
  id: string;
  handle: string;
  token: string;
}

/** createPost's input, as the contract has it. */
export interface TestPostInput {
  text: string;
  replyToId?: string;
  broadcastId?: string;
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.SEEIT_TEST_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The real app on a fresh database of its own, listening on a free loopback port. */
export class TestApp {
  private userCount = 0;
  /** The subscriptions this app's server has set up (for operations run on a TestSocket). */
  subscriptionSetUps: SubscriptionSetUps;

  private constructor(
    public app: NestExpressApplication,
    public url: string,
    readonly databaseUrl: string,
    readonly queries: QueryCounter,
    private readonly database: string,
    private readonly config: AppConfig,
    private readonly env: Record<string, string>,
    private readonly poolSize: number,
  ) {
    this.subscriptionSetUps = SubscriptionSetUps.instrument(app.get(GraphQLSchemaHost).schema);
  }

  /**
   * `poolSize` 1 puts every statement on one connection, so a caller can wrap work in its own
   * BEGIN … ROLLBACK; `queries` is the statement logger (the SQL snapshot passes both).
   */
  static async start(
    env: Record<string, string> = {},
    {
      poolSize = 5,
      queries = new QueryCounter(),
    }: { poolSize?: number; queries?: QueryCounter } = {},
  ): Promise<TestApp> {
    const adminUrl = process.env.SEEIT_TEST_ADMIN_URL;
    const template = process.env.SEEIT_TEST_TEMPLATE;
    if (!adminUrl || !template)
      throw new Error('Run the tests through jest (globalSetup prepares the database).');
    const database = `seeit_t_${randomBytes(6).toString('hex')}`;
    await admin((client) => client.query(`CREATE DATABASE ${database} TEMPLATE ${template}`));
    const url = databaseUrl(adminUrl, database);
    const fullEnv: Record<string, string> = {
      NODE_ENV: 'test',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'seeit-test-')),
      JWT_SECRET: 'test-secret-test-secret-test-secret-!!',
      MEDIA_HOOK_SECRET: 'test-media-hook-secret-test-media-hook',
      DATABASE_URL: url,
      // Test apps share the machine's Redis; ids start at 1 in every test database.
      REDIS_KEY_PREFIX: `seeit-test-${database}:`,
      // Suites sign up and act many times from 127.0.0.1; those that test a limit set it.
      ...Object.fromEntries(Object.values(RATE_LIMITS).map(({ env }) => [env, '1000000/1s'])),
      ...env,
    };
    const config = loadConfig(fullEnv);
    const app = await TestApp.listen(config, url, queries, poolSize);
    return new TestApp(app, TestApp.urlOf(app), url, queries, database, config, fullEnv, poolSize);
  }

  private static async listen(
    config: AppConfig,
    url: string,
    queries: QueryCounter,
    poolSize: number,
    port = 0,
  ): Promise<NestExpressApplication> {
    const app = await createApp(config, { url, logger: queries, poolSize }, testLogs);
    await app.listen(port, '127.0.0.1');
    return app;
  }

  private static urlOf(app: NestExpressApplication): string {
    const address = app.getHttpServer().address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  /**
   * Stops the process and starts a new one on the same database: on another port, or on the same
   * one with `samePort` (as a browser's page, tied to its origin, sees a server restart), running
   * `meanwhile` while it is down.
   */
  async restart(
    options: { samePort?: boolean; meanwhile?: () => Promise<void> } = {},
  ): Promise<void> {
    const port = options.samePort ? Number(new URL(this.url).port) : 0;
    await this.app.close();
    await options.meanwhile?.();
    this.app = await TestApp.listen(
      this.config,
      this.databaseUrl,
      this.queries,
      this.poolSize,
      port,
    );
    this.url = TestApp.urlOf(this.app);
    this.subscriptionSetUps = SubscriptionSetUps.instrument(this.app.get(GraphQLSchemaHost).schema);
  }

  /** A second API process on the same database, as behind a load balancer. */
  async startSibling(
    env: Record<string, string> = {},
  ): Promise<{ app: NestExpressApplication; url: string }> {
    const config = loadConfig({ ...this.env, ...env });
    const app = await TestApp.listen(config, this.databaseUrl, new QueryCounter(), this.poolSize);
    return { app, url: TestApp.urlOf(app) };
  }

  async close(): Promise<void> {
    await this.app.close();
    testLogs.flush();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`));
    rmSync(this.env.DATA_DIR, { recursive: true, force: true });
  }

  async gql<T = any>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }

  /** Like gql, but fails the test on any error and returns the data. */
  async ok<T = any>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<T> {
    const result = await this.gql<T>(query, variables, token);
    if (result.errors?.length)
      throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
    return result.data as T;
  }

  /** Opens a graphql-ws subscription over a real websocket; `token` goes in connection_init. */
  subscribe<T = any>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    connectionParams: Record<string, unknown> = {},
  ): Promise<TestSubscription<T>> {
    return TestSubscription.open<T>(
      `${this.url.replace('http', 'ws')}/graphql`,
      query,
      variables,
      {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...connectionParams,
      },
      this.subscriptionSetUps,
    );
  }

  /** A graphql-ws connection for several operations at once; `token` goes in connection_init. */
  openSocket(
    token?: string,
    connectionParams: Record<string, unknown> = {},
    options?: Parameters<typeof TestSocket.open>[2],
  ): TestSocket {
    return TestSocket.open(
      this.url,
      { ...(token ? { authorization: `Bearer ${token}` } : {}), ...connectionParams },
      options,
    );
  }

  /** Signs up a new account (unique handle unless given). */
  async signUp(handle?: string, password = 'correct horse battery'): Promise<TestUser> {
    this.userCount += 1;
    const name = handle ?? `user_${this.userCount}_${randomBytes(3).toString('hex')}`;
    const data = await this.ok<{ signUp: { token: string; user: { id: string; handle: string } } }>(
      `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id handle } } }`,
      { input: { handle: name, email: `${name.toLowerCase()}@example.com`, password } },
    );
    return { id: data.signUp.user.id, handle: data.signUp.user.handle, token: data.signUp.token };
  }

  /** `author` posts `input` (its text alone, or the whole input); the post's id. */
  async post(author: TestUser, input: string | TestPostInput): Promise<string> {
    const data = await this.ok<{ createPost: { id: string } }>(
      `mutation($input: CreatePostInput!) { createPost(input: $input) { id } }`,
      { input: typeof input === 'string' ? { text: input } : input },
      author.token,
    );
    return data.createPost.id;
  }

  /** `follower` follows `followee`; `notify` left out is the API's default. */
  async follow(follower: TestUser, followee: TestUser, notify?: boolean): Promise<void> {
    await this.ok(
      `mutation($id: ID!, $notify: Boolean) { follow(userId: $id, notify: $notify) { id } }`,
      { id: followee.id, notify },
      follower.token,
    );
  }

  /** Runs SQL against this app's database (for setup and for checking that nothing changed). */
  async sql<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
}

/** The `extensions.code` of the first error, for failure-path assertions. */
export function errorCode(result: GraphQLResponse): string | undefined {
  return result.errors?.[0]?.extensions?.code as string | undefined;
}
