import { GraphQLResponse, fetchSchema, rootFields, TestApp, TestSubscription } from '@app/testing';
import {
  MUTATIONS,
  MutationRow,
  Outcome,
  SUBSCRIPTIONS,
  SubscriptionRow,
} from './authorization-matrix.table';
import { Actor, ACTORS, World, worldEnv } from './support/world';

/**
 * Every mutation over HTTP and every subscription over graphql-ws websockets, as each actor:
 * anonymous, a stranger, the owner, a follower, the account the owner blocks, a suspended
 * account's old token, a deleted account's old token, and an admin. The rows are in
 * authorization-matrix.table.ts; a Mutation or Subscription field without a row fails here.
 * Each row reports all its wrong cells at once.
 */

function describeOutcome(result: GraphQLResponse | undefined, closeCode?: number): string {
  if (closeCode !== undefined) return `closed ${closeCode}`;
  if (!result) return 'nothing';
  const error = result.errors?.[0];
  if (error) return `${error.extensions?.code ?? 'no code'} (${error.message})`;
  return 'ok';
}

function matches(
  expected: Outcome,
  result: GraphQLResponse | undefined,
  field: string,
  closeCode?: number,
): boolean {
  if (typeof expected === 'object') return closeCode === expected.closed;
  if (closeCode !== undefined || !result) return false;
  if (expected === 'ok') return !result.errors?.length && result.data?.[field] != null;
  return (
    result.errors?.length === 1 &&
    result.errors[0].extensions?.code === expected &&
    result.data?.[field] == null
  );
}

function title(row: { field: string; case?: string }): string {
  return row.case ? `${row.field}: ${row.case}` : row.field;
}

describe('Authorization matrix', () => {
  let app: TestApp;
  let world: World;

  beforeAll(async () => {
    // TestApp sets every rate limit out of reach: the matrix checks who may act, not how often.
    const env = worldEnv();
    app = await TestApp.start(env);
    world = await World.create(app, env);
  });

  afterAll(async () => {
    await app.close();
  });

  it('has a row for every mutation and subscription of the schema, and no row for a field that is gone', async () => {
    const schema = await fetchSchema(app);
    const problems: string[] = [];
    for (const [root, rows] of [
      ['Mutation', MUTATIONS],
      ['Subscription', SUBSCRIPTIONS],
    ] as const) {
      const fields = rootFields(schema, root).map((field) => field.name);
      const covered = new Set(rows.map((row) => row.field));
      for (const field of fields) {
        if (!covered.has(field)) {
          problems.push(
            `${root}.${field} has no row in test/authorization-matrix.table.ts: add one with a cell for each actor.`,
          );
        }
      }
      for (const field of covered) {
        if (!fields.includes(field))
          problems.push(`${root}.${field} has a row but is not in the schema.`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every row a cell for every actor', () => {
    for (const row of [...MUTATIONS, ...SUBSCRIPTIONS]) {
      expect(Object.keys(row.expect).sort()).toEqual([...ACTORS].sort());
    }
  });

  async function runMutationRow(row: MutationRow): Promise<string[]> {
    world.cast = row.freshCast
      ? await world.newCast(row.freshCast === 'cast and admin')
      : world.shared;
    const wrong: string[] = [];
    for (const actor of ACTORS) {
      const variables = await row.variables(world, actor);
      const result = await app.gql(row.document, variables, world.token(actor));
      const expected = row.expect[actor];
      if (!matches(expected, result, row.field)) {
        wrong.push(
          `${actor}: expected ${JSON.stringify(expected)}, got ${describeOutcome(result)}`,
        );
      }
    }
    world.cast = world.shared;
    return wrong;
  }

  describe('mutations over HTTP', () => {
    it.each(MUTATIONS.map((row) => [title(row), row] as const))('%s', async (_name, row) => {
      expect(await runMutationRow(row)).toEqual([]);
    });
  });

  async function openCell(
    row: SubscriptionRow,
    actor: Actor,
    variables: Record<string, unknown>,
  ): Promise<TestSubscription> {
    const params = row.connectionParams?.(world, actor, variables) ?? {};
    return app.subscribe(row.document, variables, world.token(actor), params);
  }

  /** The first thing a cell's socket got: a result, an error, or its close. */
  async function firstOutcome(
    subscription: TestSubscription,
  ): Promise<{ result?: GraphQLResponse; closeCode?: number }> {
    try {
      const result = await subscription.next(5000);
      if (subscription.closeCode !== undefined && subscription.closeCode !== 1000) {
        return { closeCode: subscription.closeCode };
      }
      return { result };
    } catch {
      return { closeCode: subscription.closeCode };
    }
  }

  async function runSubscriptionRow(row: SubscriptionRow): Promise<string[]> {
    const variables = await row.variables(world);
    const cells = await Promise.all(
      ACTORS.map(async (actor) => ({ actor, subscription: await openCell(row, actor, variables) })),
    );
    const receivers = ACTORS.filter((actor) => row.expect[actor] === 'ok');
    await row.trigger(world, receivers, variables);
    const wrong: string[] = [];
    await Promise.all(
      cells.map(async ({ actor, subscription }) => {
        const { result, closeCode } = await firstOutcome(subscription);
        const expected: Outcome = row.expect[actor];
        if (!matches(expected, result, row.field, closeCode)) {
          wrong.push(
            `${actor}: expected ${JSON.stringify(expected)}, got ${describeOutcome(result, closeCode)}`,
          );
        }
        await subscription.close();
      }),
    );
    return wrong.sort();
  }

  describe('subscriptions over websockets', () => {
    it.each(SUBSCRIPTIONS.map((row) => [row.field, row] as const))('%s', async (_name, row) => {
      expect(await runSubscriptionRow(row)).toEqual([]);
    });
  });

  it('keeps the expectations of the shared cast intact (no row changed who follows or blocks whom)', async () => {
    const data = await app.ok(
      `query($h: String!) { user(handle: $h) { viewerFollows } }`,
      { h: world.shared.owner.handle },
      world.shared.follower.token,
    );
    expect(data.user.viewerFollows).toBe(true);
    const hidden = await app.gql(
      `query($h: String!) { user(handle: $h) { id } }`,
      { h: world.shared.owner.handle },
      world.shared.blocked.token,
    );
    expect(hidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
