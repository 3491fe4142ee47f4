import fc from 'fast-check';
import { getNamedType, GraphQLField, GraphQLSchema, isCompositeType } from 'graphql';
import { createClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { HeartsService } from '@app/broadcasts';
import { decodeGlobalId, NodeTypeName } from '@app/common';
import { WentLiveNotifier } from '@app/notifications';
import { fetchSchema, rootFields, TestApp, TestUser } from '@app/testing';
import { MUTATIONS } from './authorization-matrix.table';
import {
  argumentsArbitrary,
  edgeCases,
  FuzzContext,
  IdPools,
  invalidValues,
} from './support/fuzz-inputs';
import { World, worldEnv } from './support/world';

/**
 * Property-based fuzzing of every mutation, query and subscription, with arguments derived from
 * the running app's schema (test/support/fuzz-inputs.ts), as a signed-in account with real things
 * around it so calls get past authorization and exercise their inputs. For every call:
 * - the answer is a GraphQL response, and every error code is a documented one (never
 *   INTERNAL_SERVER_ERROR);
 * - no message carries a stack, SQL, an email, a password hash, a token or a stream key;
 * - a mutation that failed changed nothing in the database (a hash of every row of every table);
 * - the process still answers /health afterwards.
 *
 * SEEIT_FUZZ_RUNS (runs per field) and SEEIT_FUZZ_SEED make a long run, e.g.
 *   SEEIT_FUZZ_RUNS=2000 SEEIT_FUZZ_SEED=$RANDOM npx jest test/fuzz.e2e-spec.ts
 * A failure prints the seed and path that replay it.
 */

const RUNS = Number(process.env.SEEIT_FUZZ_RUNS ?? 10);
/** Queries only read: fewer random runs each, after the same edge cases. */
const QUERY_RUNS = Math.max(1, Math.ceil(RUNS / 2));
const SEED = Number(process.env.SEEIT_FUZZ_SEED ?? 7);
/** Jest's time per root type: generous for long runs (a call takes milliseconds). */
const TIMEOUT_MS = 120_000 + RUNS * 60 * 100;

const DOCUMENTED_CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
]);

/** What must never reach a client, whatever it sent (checked once its own input is taken out). */
const LEAKS: [string, RegExp][] = [
  ['a stack trace', /\n\s+at |\bat \S+ \(|node_modules|\.[jt]s:\d+/],
  [
    'SQL',
    /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b|violates|relation "|syntax error at or near|duplicate key|invalid input syntax|out of range for type|QueryFailedError|\bpg_/,
  ],
  ['an email address', /[\w.+-]+@[\w-]+\.(com|org|net)\b/i],
  ['a password hash', /\$argon2/],
  ['a token', /eyJ[\w-]{8,}\.[\w-]{8,}\./],
];

interface Answer {
  status: number;
  text: string;
  body?: {
    data?: Record<string, unknown> | null;
    errors?: { message?: unknown; extensions?: Record<string, unknown> }[];
  };
}

/** Every string a request carried, so an error that echoes the client's own input is not a leak. */
function sentStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string' && value.length > 0)
    into.push(value, JSON.stringify(value).slice(1, -1));
  else if (Array.isArray(value)) value.forEach((item) => sentStrings(item, into));
  else if (value && typeof value === 'object')
    Object.values(value).forEach((item) => sentStrings(item, into));
  return into;
}

function withoutEcho(text: string, sent: string[]): string {
  let rest = text;
  for (const echo of [...sent].sort((a, b) => b.length - a.length))
    rest = rest.split(echo).join('');
  return rest;
}

/** A short, exact rendering of the variables for a failure message (huge strings summarized). */
function preview(variables: unknown): string {
  return JSON.stringify(variables, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 200
      ? `<${value.length} × ${JSON.stringify(value.slice(0, 2))}…>`
      : value,
  );
}

/** The selection a field needs to be valid: __typename for objects, nothing for leaves. */
function selection(field: GraphQLField<unknown, unknown>): string {
  return isCompositeType(getNamedType(field.type)) ? '{ __typename }' : '';
}

function documentFor(
  operation: 'mutation' | 'query' | 'subscription',
  field: GraphQLField<unknown, unknown>,
): string {
  const definitions = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return `${operation} Fuzz${definitions ? `(${definitions})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection(field)} }`;
}

/** Checks one answer; the problems found, each a sentence. */
function inspect(answer: Answer, sent: string[], secrets: string[]): string[] {
  const problems: string[] = [];
  const body = answer.body;
  if (!body || typeof body !== 'object' || (!('data' in body) && !Array.isArray(body.errors))) {
    return [`not a GraphQL response: HTTP ${answer.status} ${answer.text.slice(0, 300)}`];
  }
  for (const error of body.errors ?? []) {
    const code = error.extensions?.code;
    if (typeof code !== 'string' || !DOCUMENTED_CODES.has(code)) {
      problems.push(`undocumented code ${String(code)}: ${String(error.message).slice(0, 300)}`);
    }
    if (error.extensions && ('stacktrace' in error.extensions || 'exception' in error.extensions)) {
      problems.push(`a stack trace in extensions: ${String(error.message).slice(0, 300)}`);
    }
  }
  const visible = withoutEcho(answer.text, sent);
  for (const [what, pattern] of LEAKS) {
    const found = pattern.exec(visible);
    if (found) problems.push(`${what} in the answer ("${found[0]}"): ${visible.slice(0, 400)}`);
  }
  for (const secret of secrets) {
    if (visible.includes(secret))
      problems.push(`a secret of a fixture in the answer: ${visible.slice(0, 400)}`);
  }
  return problems;
}

/** `items` in groups of `size`, the last one padded with the first item. */
function inBatchesOf<T>(size: number, items: T[]): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    const batch = items.slice(i, i + size);
    while (batch.length < size) batch.push(items[0]);
    batches.push(batch);
  }
  return batches;
}

/** A hash of every row of every table, per table, to show that a failed call changed nothing. */
class DatabaseFingerprint {
  private constructor(
    private readonly client: Client,
    private readonly query: string,
  ) {}

  static async open(url: string): Promise<DatabaseFingerprint> {
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations'
       ORDER BY table_name`,
    );
    const query = rows
      .map(
        ({ name }) =>
          `SELECT '${name}' AS name, count(*) || ':' || coalesce(md5(string_agg(md5(to_jsonb(t)::text), ',' ORDER BY md5(to_jsonb(t)::text))), '') AS sum FROM "${name}" t`,
      )
      .join('\nUNION ALL\n');
    return new DatabaseFingerprint(client, query);
  }

  async take(): Promise<Map<string, string>> {
    const { rows } = await this.client.query<{ name: string; sum: string }>(this.query);
    return new Map(rows.map((row) => [row.name, row.sum]));
  }

  static changed(before: Map<string, string>, after: Map<string, string>): string[] {
    return [...before.keys()].filter((name) => before.get(name) !== after.get(name));
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

describe('Fuzzing every operation’s inputs', () => {
  let app: TestApp;
  let world: World;
  let schema: GraphQLSchema;
  let fingerprint: DatabaseFingerprint;
  let context: FuzzContext;
  /** The owner's things the fuzzed ids point at; made again once a run spoiled them. */
  let pools: IdPools | undefined;
  const secrets: string[] = [];
  /** Fixtures that stay for the whole file; the rest are made again for each field. */
  const lasting: IdPools = {};

  beforeAll(async () => {
    // TestApp sets every rate limit out of reach: the fuzzer checks inputs, not how often they come.
    const env = worldEnv();
    app = await TestApp.start(env);
    world = await World.create(app, env);
    schema = await fetchSchema(app);
    fingerprint = await DatabaseFingerprint.open(app.databaseUrl);
    const show = await world.show();
    const withAiring = await app.ok(
      `mutation($id: ID!, $input: AiringInput!) { addAiring(showId: $id, input: $input) { airings { id } } }`,
      {
        id: show.id,
        input: {
          channel: 'one',
          startsAt: new Date(Date.now() + 3600_000).toISOString(),
          endsAt: new Date(Date.now() + 7200_000).toISOString(),
        },
      },
      world.owner.token,
    );
    lasting.Airing = [withAiring.addAiring.airings[0].id];
    lasting.Report = [await world.report()];
    lasting.Notification = [await world.notification()];
    const { owner } = world.shared;
    lasting.User = [
      world.shared.stranger,
      world.shared.follower,
      world.shared.blocked,
      world.bystander,
      world.admin,
    ].map((user) => user.id);
    secrets.push(world.bystander.token, world.admin.token);
    context = {
      field: '',
      pools: {},
      knownHandle: world.bystander.handle,
      cursors: await realCursors(owner),
    };
  });

  afterAll(async () => {
    await fingerprint?.close();
    await app?.close();
  });

  /** First-page cursors of the owner's lists, to alter into near misses. */
  async function realCursors(owner: TestUser): Promise<string[]> {
    await world.post();
    const data = await app.ok(
      `{ homeTimeline(first: 1) { pageInfo { endCursor } } notifications(first: 1) { pageInfo { endCursor } }
         shows(first: 1) { pageInfo { endCursor } } liveNow(first: 1) { pageInfo { endCursor } } }`,
      {},
      owner.token,
    );
    return Object.values(data)
      .map((connection: any) => connection.pageInfo.endCursor)
      .filter((cursor): cursor is string => typeof cursor === 'string');
  }

  /** Fresh things of the owner's for one field's runs: a run may delete or end them. */
  async function freshPools(): Promise<IdPools> {
    const replayed = await world.replay();
    const live = await world.liveBroadcast();
    const ingest = await app.ok(
      `query($id: ID!) { broadcast(id: $id) { ingest { streamKey } } }`,
      { id: live },
      world.owner.token,
    );
    secrets.push(ingest.broadcast.ingest.streamKey);
    const device = await freshDevice();
    return {
      ...lasting,
      Post: [await world.post(), await world.post(world.bystander)],
      Broadcast: [live, await world.scheduledBroadcast(), replayed],
      BroadcastComment: [await world.comment(live, world.owner)],
      Show: [(await world.show()).id],
      Device: [device.id],
      WatchLaterEntry: [await world.watchLaterEntry()],
    };
  }

  /** Whether every fixture is as made: none deleted, broadcasts in their state, no viewers. */
  async function intact(current: IdPools): Promise<boolean> {
    const ids = (type: NodeTypeName) => (current[type] ?? []).map((id) => decodeGlobalId(id)!.id);
    const [broadcast, scheduled] = ids('Broadcast');
    const [{ missing }] = await app.sql<{ missing: number }>(
      `SELECT 7 - (
         (SELECT count(*) FROM broadcasts WHERE id = $1 AND status = 'LIVE') +
         (SELECT count(*) FROM broadcasts WHERE id = $2 AND status = 'SCHEDULED') +
         (SELECT count(*) FROM posts WHERE id = ANY($3::bigint[])) +
         (SELECT count(*) FROM broadcast_comments WHERE id = ANY($4::bigint[])) +
         (SELECT count(*) FROM devices WHERE id = ANY($5::bigint[])) +
         (SELECT count(*) FROM watch_later WHERE id = ANY($6::bigint[])) -
         -- Presence expires after 60 s and a sweep then writes: no joins may outlive a field.
         (SELECT count(*) FROM broadcast_viewers)
       )::int AS missing`,
      [
        broadcast,
        scheduled,
        ids('Post'),
        ids('BroadcastComment'),
        ids('Device'),
        ids('WatchLaterEntry'),
      ],
    );
    return missing === 0;
  }

  /** The owner's only paired screen: the runs of pairDevice fill the list up to its cap. */
  async function freshDevice(): Promise<{ id: string; token: string }> {
    const paired = await app.ok(`{ devices { id } }`, {}, world.owner.token);
    for (const { id } of paired.devices) {
      await app.ok(`mutation($id: ID!) { unpairDevice(id: $id) }`, { id }, world.owner.token);
    }
    const device = await world.device();
    secrets.push(device.token);
    return device;
  }

  /** Undoes what runs did to the fixtures' accounts (a garbage id can be a real one). */
  async function restoreAccounts(): Promise<void> {
    const admin = world.admin.token;
    for (const id of [world.owner.id, ...(lasting.User ?? [])]) {
      await app.ok(`mutation($id: ID!) { unsuspendUser(userId: $id) { id } }`, { id }, admin);
      if (id === world.admin.id) continue;
      const role = id === world.owner.id ? 'PARTNER' : 'MEMBER';
      await app.ok(
        `mutation($id: ID!, $role: Role!) { setRole(userId: $id, role: $role) { id } }`,
        { id, role },
        admin,
      );
    }
  }

  /** The owner (a PARTNER), or the admin for fields only admins may call (per the matrix). */
  function callerFor(field: string): TestUser {
    const rows = MUTATIONS.filter((row) => row.field === field);
    const adminOnly =
      rows.length > 0 &&
      rows.every((row) => row.expect.owner !== 'ok' && row.expect.admin === 'ok');
    return adminOnly ? world.admin : world.owner;
  }

  async function post(
    document: string,
    variables: Record<string, unknown>,
    token: string,
  ): Promise<Answer> {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: document, variables }),
    });
    const text = await response.text();
    try {
      return { status: response.status, text, body: JSON.parse(text) };
    } catch {
      return { status: response.status, text };
    }
  }

  async function assertHealthy(): Promise<void> {
    const response = await fetch(`${app.url}/health`);
    expect(response.status).toBe(200);
  }

  /** One call's problems, as a line naming the exact input. */
  function report(field: string, variables: unknown, problems: string[]): string {
    return `${field}(${preview(variables)}):\n  ${problems.join('\n  ')}`;
  }

  /**
   * Fuzzes one field: every edge case (each reported), then `runs` random cases (the first
   * failure reported, shrunk, with the seed and path that replay it).
   */
  async function fuzzField<T>(
    name: string,
    probe: (input: T) => Promise<string[]>,
    random: fc.Arbitrary<T>,
    edges: T[],
    runs: number,
  ): Promise<string[]> {
    const failures: string[] = [];
    for (const edge of edges) {
      const problems = await probe(edge);
      if (problems.length > 0) failures.push(report(name, edge, problems));
    }
    const details = await fc.check(
      fc.asyncProperty(random, async (input) => {
        const problems = await probe(input);
        if (problems.length > 0) throw new Error(report(name, input, problems));
      }),
      { seed: SEED, numRuns: runs },
    );
    if (details.failed) {
      const error = details.errorInstance;
      failures.push(
        `${error instanceof Error ? error.message : String(error)}\n  replay: SEEIT_FUZZ_SEED=${details.seed} (path ${details.counterexamplePath}) after ${details.numRuns} runs, shrunk ${details.numShrinks} times`,
      );
    }
    return failures;
  }

  /**
   * Fuzzes every field of a root type of the running app's schema, so a new field is fuzzed
   * without a change here; the fixtures made again when a field's runs spoiled them, and the
   * health checked after each.
   */
  async function everyField(
    root: 'Mutation' | 'Query' | 'Subscription',
    fuzz: (field: GraphQLField<unknown, unknown>, context: FuzzContext) => Promise<string[]>,
  ): Promise<string[]> {
    const failures: string[] = [];
    for (const field of rootFields(schema, root)) {
      if (!pools || !(await intact(pools))) pools = await freshPools();
      failures.push(...(await fuzz(field, { ...context, field: field.name, pools })));
      await assertHealthy();
    }
    return failures;
  }

  /**
   * The tables once a go-live's notifications, written a moment after it (by this probe, an
   * earlier one or a fixture), are in.
   */
  async function settledFingerprint(): Promise<Map<string, string>> {
    await app.app.get(WentLiveNotifier).settled();
    return fingerprint.take();
  }

  it(
    'fuzzes every mutation: documented codes only, no leaks, bad input refused, nothing changed when it failed',
    async () => {
      let last = new Map<string, string>();
      const failures = await everyField('Mutation', async (field, fieldContext) => {
        const caller = callerFor(field.name);
        const document = documentFor('mutation', field);
        const probe = async (variables: Record<string, unknown>): Promise<string[]> => {
          const before = last;
          const answer = await post(document, variables, caller.token);
          const problems = inspect(answer, sentStrings(variables), secrets);
          const succeeded = answer.body?.data?.[field.name] != null && !answer.body.errors?.length;
          const invalid = invalidValues(field.args, variables);
          const code = answer.body?.errors?.[0]?.extensions?.code;
          if (!succeeded && code !== 'BAD_USER_INPUT' && code !== 'RATE_LIMITED') {
            for (const value of invalid.filter((v) => v.refusedAsInput)) {
              problems.push(
                `refused ${value.description} with ${String(code)}, not BAD_USER_INPUT`,
              );
            }
          }
          if (succeeded) {
            for (const value of invalid) problems.push(`accepted ${value.description}`);
            // Hearts are counted in batches: write them before comparing the tables.
            if (field.name === 'sendHearts') await app.app.get(HeartsService).settled();
          }
          last = await settledFingerprint();
          const changed = DatabaseFingerprint.changed(before, last);
          if (!succeeded && changed.length > 0) {
            problems.push(`failed, yet changed the tables ${changed.join(', ')}`);
          }
          return problems;
        };
        // Each probe compares with the state the previous one left; fixtures may have been made.
        last = await settledFingerprint();
        const failures = await fuzzField(
          field.name,
          probe,
          argumentsArbitrary(field.args, fieldContext),
          edgeCases(field.args, fieldContext),
          RUNS,
        );
        if (caller === world.admin) await restoreAccounts();
        return failures;
      });
      expect(failures).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it('answers a request body over the cap as a GraphQL error, and stays up', async () => {
    const variables = { input: { text: 'x'.repeat(200_000) } };
    const answer = await post(
      `mutation($input: CreatePostInput!) { createPost(input: $input) { id } }`,
      variables,
      world.owner.token,
    );
    expect(inspect(answer, sentStrings(variables), secrets)).toEqual([]);
    expect(answer.body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await assertHealthy();
  });

  it(
    'fuzzes every query (cursors, page sizes, ids, search text): documented codes only, no leaks',
    async () => {
      const failures = await everyField('Query', (field, fieldContext) => {
        const document = documentFor('query', field);
        return fuzzField(
          field.name,
          async (variables: Record<string, unknown>) =>
            inspect(
              await post(document, variables, world.admin.token),
              sentStrings(variables),
              secrets,
            ),
          argumentsArbitrary(field.args, fieldContext),
          edgeCases(field.args, fieldContext),
          QUERY_RUNS,
        );
      });
      expect(failures).toEqual([]);
    },
    TIMEOUT_MS,
  );

  /** The first message of a subscription over a real websocket, or nothing within `waitMs`. */
  function subscribeOnce(
    document: string,
    variables: Record<string, unknown>,
    connectionParams: Record<string, unknown>,
    waitMs = 300,
  ): Promise<Answer> {
    return new Promise((resolve) => {
      const client = createClient({
        url: `${app.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams,
        retryAttempts: 0,
        lazy: true,
      });
      const finish = (answer: Answer) => {
        clearTimeout(timer);
        void client.dispose();
        resolve(answer);
      };
      // Nothing yet: the subscription was accepted and waits for events.
      const timer = setTimeout(
        () => finish({ status: 0, text: '{}', body: { data: null } }),
        waitMs,
      );
      client.subscribe(
        { query: document, variables },
        {
          next: (result) =>
            finish({ status: 0, text: JSON.stringify(result), body: result as Answer['body'] }),
          error: (error: unknown) => {
            if (Array.isArray(error)) {
              finish({
                status: 0,
                text: JSON.stringify({ errors: error }),
                body: { errors: error },
              });
            } else {
              const close = error as { code?: number; reason?: string };
              finish({
                status: 0,
                text: `socket closed ${close.code} ${close.reason ?? String(error)}`,
              });
            }
          },
          complete: () => finish({ status: 0, text: '{}', body: { data: null } }),
        },
      );
    });
  }

  it(
    'fuzzes every subscription over websockets: documented codes only, no leaks',
    async () => {
      // playCommands takes no arguments: it answers UNAUTHENTICATED to a socket without a screen.
      const connectionParams = { authorization: `Bearer ${world.owner.token}` };
      const failures = await everyField('Subscription', (field, fieldContext) => {
        const document = documentFor('subscription', field);
        // Four sockets at a time: a subscription that is accepted answers nothing until waitMs.
        const probe = async (batch: Record<string, unknown>[]): Promise<string[]> => {
          const answers = await Promise.all(
            batch.map((variables) => subscribeOnce(document, variables, connectionParams)),
          );
          return answers.flatMap((answer, i) =>
            inspect(answer, sentStrings(batch[i]), secrets).map(
              (problem) => `${preview(batch[i])}: ${problem}`,
            ),
          );
        };
        return fuzzField(
          field.name,
          probe,
          fc.array(argumentsArbitrary(field.args, fieldContext), { minLength: 4, maxLength: 4 }),
          inBatchesOf(4, edgeCases(field.args, fieldContext)),
          Math.max(2, Math.ceil(RUNS / 4)),
        );
      });
      expect(failures).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
