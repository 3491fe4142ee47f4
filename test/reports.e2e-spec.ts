import { parseGlobalId, toGlobalId } from '@app/common';
import { errorCode, GraphQLResponse, TestApp, TestUser } from '@app/testing';

/**
 * Reports over HTTP: members report a user, post, comment or broadcast they can see; admins read
 * the queue and resolve it. Every refused call is checked to have stored nothing.
 */

const REPORT_FIELDS = `id reason status createdAt reporter { handle } user { handle }
  post { id text } comment { id text } broadcast { id title }`;
const REPORT = `mutation($input: ReportInput!) { report(input: $input) { ${REPORT_FIELDS} } }`;
const REPORTS = `query($status: ReportStatus, $first: Int, $after: String) {
  reports(status: $status, first: $first, after: $after) {
    edges { cursor node { ${REPORT_FIELDS} } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
const RESOLVE = `mutation($id: ID!, $status: ReportStatus!) {
  resolveReport(id: $id, status: $status) { ${REPORT_FIELDS} } }`;
const NODE = `query($id: ID!) { node(id: $id) { __typename ... on Report { ${REPORT_FIELDS} } } }`;
const DELETE_POST = `mutation($id: ID!) { deletePost(id: $id) }`;
const START = `mutation($title: String!, $visibility: BroadcastVisibility) {
  startBroadcast(input: { title: $title, visibility: $visibility }) { id } }`;
const COMMENT = `mutation($id: ID!, $text: String!) { postComment(broadcastId: $id, text: $text) { id } }`;
const REMOVE_COMMENT = `mutation($id: ID!) { removeComment(id: $id) }`;
const BLOCK = `mutation($id: ID!) { block(userId: $id) { id } }`;
const SUSPEND = `mutation($id: ID!) { suspendUser(userId: $id) { id } }`;
const DELETE_ACCOUNT = `mutation($password: String!) { deleteAccount(password: $password) }`;

interface ReportNode {
  id: string;
  reason: string;
  status: 'OPEN' | 'ACTIONED' | 'DISMISSED';
  createdAt: string;
  reporter: { handle: string } | null;
  user: { handle: string } | null;
  post: { id: string; text: string } | null;
  comment: { id: string; text: string } | null;
  broadcast: { id: string; title: string } | null;
}

/** What a non-admin sees of who reported and what: nothing. */
const NO_PARTIES = { reporter: null, user: null, post: null, comment: null, broadcast: null };

const fieldsOf = (result: GraphQLResponse): string[] =>
  (result.errors?.[0]?.extensions?.fields as { field: string }[] | undefined)?.map(
    (f) => f.field,
  ) ?? [];

describe('reports (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await TestApp.start({ RATE_LIMIT_REPORTS: '20/1h' });
    admin = await t.signUp();
    await t.sql(`UPDATE users SET role = 'ADMIN' WHERE handle = $1`, [admin.handle]);
  });
  afterAll(() => t.close());

  const post = (author: TestUser, text = 'buy followers at example.com') => t.post(author, text);
  const goLive = async (
    broadcaster: TestUser,
    visibility: 'PUBLIC' | 'FOLLOWERS' = 'PUBLIC',
  ): Promise<string> =>
    (await t.ok(START, { title: 'free stuff', visibility }, broadcaster.token)).startBroadcast.id;
  const comment = async (
    author: TestUser,
    broadcastId: string,
    text = 'spam spam',
  ): Promise<string> =>
    (await t.ok(COMMENT, { id: broadcastId, text }, author.token)).postComment.id;
  const report = (reporter: TestUser | undefined, input: Record<string, unknown>) =>
    t.gql<{ report: ReportNode }>(REPORT, { input: { reason: 'spam', ...input } }, reporter?.token);
  const reportOk = async (reporter: TestUser, input: Record<string, unknown>) =>
    (
      await t.ok<{ report: ReportNode }>(
        REPORT,
        { input: { reason: 'spam', ...input } },
        reporter.token,
      )
    ).report;
  const asAdmin = async (id: string): Promise<ReportNode> => {
    const { __typename, ...node } = (await t.ok(NODE, { id }, admin.token)).node;
    expect(__typename).toBe('Report');
    return node;
  };
  const resolve = (id: string, status: string, user: TestUser = admin) =>
    t.gql<{ resolveReport: ReportNode }>(RESOLVE, { id, status }, user.token);
  /** Every stored report, to show that a refused call changed nothing. */
  const allReports = () => t.sql('SELECT * FROM reports ORDER BY id');

  /** Runs a call that must fail with `code`, and checks that no report was added or changed. */
  async function refused(
    call: () => Promise<GraphQLResponse>,
    code: string,
  ): Promise<GraphQLResponse> {
    const before = await allReports();
    const result = await call();
    expect(errorCode(result)).toBe(code);
    expect(await allReports()).toEqual(before);
    return result;
  }

  describe('filing', () => {
    it('reports each kind of target; the reporter sees what they said, not who or what', async () => {
      const [reporter, troll] = [await t.signUp(), await t.signUp()];
      const postId = await post(troll);
      const broadcastId = await goLive(troll);
      const commentId = await comment(troll, broadcastId);
      const targets = [
        { input: { userId: troll.id }, kind: 'USER', admin: { user: { handle: troll.handle } } },
        {
          input: { postId },
          kind: 'POST',
          admin: { post: { id: postId, text: 'buy followers at example.com' } },
        },
        {
          input: { commentId },
          kind: 'COMMENT',
          admin: { comment: { id: commentId, text: 'spam spam' } },
        },
        {
          input: { broadcastId },
          kind: 'BROADCAST',
          admin: { broadcast: { id: broadcastId, title: 'free stuff' } },
        },
      ];
      for (const target of targets) {
        const filed = await reportOk(reporter, { ...target.input, reason: `  ${target.kind} \n` });
        expect(filed).toEqual({
          id: expect.any(String),
          reason: target.kind,
          status: 'OPEN',
          createdAt: expect.any(String),
          ...NO_PARTIES,
        });
        expect(Date.parse(filed.createdAt)).toBeGreaterThan(Date.now() - 60_000);
        // Admins see who reported and what.
        expect(await asAdmin(filed.id)).toEqual({
          ...filed,
          ...NO_PARTIES,
          reporter: { handle: reporter.handle },
          ...target.admin,
        });
        const [row] = await t.sql(
          'SELECT target_kind, num_nonnulls(user_id, post_id, comment_id, broadcast_id) AS set FROM reports WHERE id = $1',
          [parseGlobalId(filed.id, 'Report')],
        );
        expect(row).toEqual({ target_kind: target.kind, set: 1 });
      }
    });

    it('reporting the same target again while it is OPEN returns the report already filed', async () => {
      const [reporter, troll] = [await t.signUp(), await t.signUp()];
      const first = await reportOk(reporter, { userId: troll.id, reason: 'first words' });
      const again = await reportOk(reporter, { userId: troll.id, reason: 'other words' });
      expect(again).toEqual(first);
      // Many taps at once still make one report.
      const racing = await Promise.all(
        Array.from({ length: 5 }, () => reportOk(reporter, { userId: troll.id })),
      );
      expect(racing.map((r) => r.id)).toEqual(Array(5).fill(first.id));
      const count = () =>
        t.sql('SELECT count(*)::int AS n FROM reports WHERE reporter_id = $1', [
          parseGlobalId(reporter.id, 'User'),
        ]);
      expect(await count()).toEqual([{ n: 1 }]);

      // Others reporting the same account, or this reporter once it is decided, are new reports.
      const other = await reportOk(await t.signUp(), { userId: troll.id });
      expect(other.id).not.toBe(first.id);
      expect(errorCode(await resolve(first.id, 'DISMISSED'))).toBeUndefined();
      const later = await reportOk(reporter, { userId: troll.id, reason: 'still at it' });
      expect(later).toMatchObject({ reason: 'still at it', status: 'OPEN' });
      expect(later.id).not.toBe(first.id);
      expect(await count()).toEqual([{ n: 2 }]);
    });

    it('an account can report one it blocks', async () => {
      const [reporter, troll] = [await t.signUp(), await t.signUp()];
      await t.ok(BLOCK, { id: troll.id }, reporter.token);
      const postId = await post(troll);
      expect((await reportOk(reporter, { postId })).status).toBe('OPEN');
      expect((await reportOk(reporter, { userId: troll.id })).status).toBe('OPEN');
    });

    it('admins see a reported followers-only broadcast they do not follow', async () => {
      const [follower, broadcaster] = [await t.signUp(), await t.signUp()];
      await t.follow(follower, broadcaster);
      const broadcastId = await goLive(broadcaster, 'FOLLOWERS');
      const filed = await reportOk(follower, { broadcastId });
      expect((await asAdmin(filed.id)).broadcast).toEqual({ id: broadcastId, title: 'free stuff' });
    });

    it('admins still see a reported account after suspending it', async () => {
      const [reporter, troll] = [await t.signUp(), await t.signUp()];
      const filed = await reportOk(reporter, { userId: troll.id });
      await t.ok(
        `mutation($id: ID!) { suspendUser(userId: $id) { id } }`,
        { id: troll.id },
        admin.token,
      );
      expect((await asAdmin(filed.id)).user).toEqual({ handle: troll.handle });
    });

    it('a report outlives its target, which then reads as null', async () => {
      const [reporter, troll] = [await t.signUp(), await t.signUp()];
      const postId = await post(troll);
      const broadcastId = await goLive(troll);
      const commentId = await comment(troll, broadcastId);
      const onPost = await reportOk(reporter, { postId });
      const onComment = await reportOk(reporter, { commentId });
      await t.ok(DELETE_POST, { id: postId }, troll.token);
      await t.ok(REMOVE_COMMENT, { id: commentId }, troll.token);

      for (const filed of [onPost, onComment]) {
        expect(await asAdmin(filed.id)).toMatchObject({
          ...NO_PARTIES,
          status: 'OPEN',
          reporter: { handle: reporter.handle },
        });
      }
      const kinds = await t.sql(
        `SELECT target_kind, num_nonnulls(user_id, post_id, comment_id, broadcast_id) AS set
         FROM reports WHERE id = ANY($1::bigint[]) ORDER BY id`,
        [[onPost.id, onComment.id].map((id) => parseGlobalId(id, 'Report'))],
      );
      expect(kinds).toEqual([
        { target_kind: 'POST', set: 0 },
        { target_kind: 'COMMENT', set: 0 },
      ]);
      // A new report of the same kind by the same reporter does not collide with the orphan.
      expect((await reportOk(reporter, { postId: await post(troll) })).status).toBe('OPEN');
    });

    it("a deleted account's reports go with it", async () => {
      const [reporter, troll] = [await t.signUp(), await t.signUp()];
      const filed = await reportOk(reporter, { userId: troll.id });
      await t.ok(DELETE_ACCOUNT, { password: 'correct horse battery' }, reporter.token);
      expect((await t.ok(NODE, { id: filed.id }, admin.token)).node).toBeNull();
    });
  });

  describe('refused reports store nothing', () => {
    let reporter: TestUser;
    let troll: TestUser;
    let postId: string;
    beforeAll(async () => {
      [reporter, troll] = [await t.signUp(), await t.signUp()];
      postId = await post(troll);
    });

    it('needs a signed-in account', async () => {
      await refused(() => report(undefined, { postId }), 'UNAUTHENTICATED');
    });

    it('needs exactly one target, naming the fields', async () => {
      const none = await refused(() => report(reporter, {}), 'BAD_USER_INPUT');
      expect(fieldsOf(none)).toEqual(['userId', 'postId', 'commentId', 'broadcastId']);
      const two = await refused(
        () => report(reporter, { userId: troll.id, postId }),
        'BAD_USER_INPUT',
      );
      expect(fieldsOf(two)).toEqual(['userId', 'postId']);
    });

    it.each([
      ['a malformed id', 'postId', 'not-an-id!'],
      ['an id of another type', 'postId', toGlobalId('User', 1)],
      ['a user id that is a post id', 'userId', toGlobalId('Post', 1)],
      ['a comment id that is a broadcast id', 'commentId', toGlobalId('Broadcast', 1)],
    ])('refuses %s as BAD_USER_INPUT', async (_what, field, id) => {
      const result = await refused(() => report(reporter, { [field]: id }), 'BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual([field]);
    });

    it.each([
      ['userId', toGlobalId('User', '999999999')],
      ['postId', toGlobalId('Post', '999999999')],
      ['commentId', toGlobalId('BroadcastComment', '999999999')],
      ['broadcastId', toGlobalId('Broadcast', '999999999')],
    ])('answers NOT_FOUND for a missing %s', async (field, id) => {
      await refused(() => report(reporter, { [field]: id }), 'NOT_FOUND');
    });

    it('answers NOT_FOUND for what the reporter cannot see', async () => {
      const [blocker, blocked, stranger] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const blockerPost = await post(blocker);
      const broadcastId = await goLive(blocker);
      const commentId = await comment(blocker, broadcastId);
      await t.ok(BLOCK, { id: blocked.id }, blocker.token);
      for (const input of [
        { userId: blocker.id },
        { postId: blockerPost },
        { broadcastId },
        { commentId },
      ]) {
        await refused(() => report(blocked, input), 'NOT_FOUND');
      }
      // A followers-only broadcast, for someone who does not follow.
      const hidden = await goLive(stranger, 'FOLLOWERS');
      await refused(() => report(reporter, { broadcastId: hidden }), 'NOT_FOUND');
      // A suspended account and its posts are gone for everyone but admins.
      const suspended = await t.signUp();
      const suspendedPost = await post(suspended);
      await t.ok(SUSPEND, { id: suspended.id }, admin.token);
      await refused(() => report(reporter, { userId: suspended.id }), 'NOT_FOUND');
      await refused(() => report(reporter, { postId: suspendedPost }), 'NOT_FOUND');
    });

    it('refuses reporting yourself or your own things', async () => {
      const own = await post(reporter);
      const broadcastId = await goLive(reporter);
      const ownComment = await comment(reporter, broadcastId);
      for (const [field, id] of [
        ['userId', reporter.id],
        ['postId', own],
        ['broadcastId', broadcastId],
        ['commentId', ownComment],
      ]) {
        const result = await refused(() => report(reporter, { [field]: id }), 'BAD_USER_INPUT');
        expect(fieldsOf(result)).toEqual([field]);
      }
    });

    it.each([
      ['an empty reason', ''],
      ['a blank reason', ' \n\t '],
      ['a reason over 500 characters', 'x'.repeat(501)],
      ['a NUL character', 'spam\u0000'],
    ])('refuses %s', async (_what, reason) => {
      const result = await refused(() => report(reporter, { postId, reason }), 'BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['reason']);
    });

    it('keeps a 500-character reason whole', async () => {
      const reason = 'é'.repeat(500);
      expect((await reportOk(await t.signUp(), { postId, reason })).reason).toBe(reason);
    });

    it('limits each reporter to 20 reports an hour', async () => {
      const busy = await t.signUp();
      const posts = await Promise.all(Array.from({ length: 21 }, (_, i) => post(troll, `ad ${i}`)));
      for (const id of posts.slice(0, 20)) await reportOk(busy, { postId: id });
      const limited = await refused(() => report(busy, { postId: posts[20] }), 'RATE_LIMITED');
      expect(limited.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
      // Even a repeat of an earlier report waits: the limit is counted before any lookup.
      await refused(() => report(busy, { postId: posts[0] }), 'RATE_LIMITED');
      // Others are not affected.
      expect((await reportOk(await t.signUp(), { postId: posts[20] })).status).toBe('OPEN');
    });
  });

  describe('the admin queue', () => {
    /** Every page of the queue, `size` at a time. */
    async function walk(size: number, status?: string): Promise<ReportNode[]> {
      const nodes: ReportNode[] = [];
      let after: string | undefined;
      for (;;) {
        const page = (await t.ok(REPORTS, { status, first: size, after }, admin.token)).reports;
        expect(page.edges.length).toBeLessThanOrEqual(size);
        expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
        nodes.push(...page.edges.map((edge: { node: ReportNode }) => edge.node));
        if (!page.pageInfo.hasNextPage) return nodes;
        after = page.pageInfo.endCursor;
      }
    }
    const stored = async (status?: string): Promise<string[]> =>
      (
        await t.sql(
          `SELECT id FROM reports WHERE $1::report_status IS NULL OR status = $1 ORDER BY id DESC`,
          [status ?? null],
        )
      ).map((row) => toGlobalId('Report', row.id));

    it('lists every report newest first, page by page, and by status', async () => {
      const reporter = await t.signUp();
      const filed: ReportNode[] = [];
      for (let i = 0; i < 5; i += 1) {
        filed.push(await reportOk(reporter, { userId: (await t.signUp()).id }));
      }
      await resolve(filed[1].id, 'ACTIONED');
      await resolve(filed[3].id, 'DISMISSED');

      const all = await walk(2);
      expect(all.map((r) => r.id)).toEqual(await stored());
      expect(all.slice(0, 5).map((r) => r.id)).toEqual(filed.map((r) => r.id).reverse());
      expect(all[0].reporter).toEqual({ handle: reporter.handle });
      for (const status of ['OPEN', 'ACTIONED', 'DISMISSED']) {
        const listed = await walk(3, status);
        expect(listed.map((r) => r.id)).toEqual(await stored(status));
        expect(listed.every((r) => r.status === status)).toBe(true);
      }
      const open = (await walk(100, 'OPEN')).map((r) => r.id);
      expect(open).toEqual(expect.arrayContaining([filed[0].id, filed[2].id, filed[4].id]));
      expect(open).not.toContain(filed[1].id);
    });

    it('loads who reported and what in a fixed number of statements', async () => {
      const [reporter, troll] = [await t.signUp(), await t.signUp()];
      const broadcastId = await goLive(troll);
      for (let i = 0; i < 3; i += 1) {
        await reportOk(reporter, { userId: (await t.signUp()).id });
        await reportOk(reporter, { postId: await post(troll, `ad ${i}`) });
        await reportOk(reporter, { commentId: await comment(troll, broadcastId, `c ${i}`) });
        await reportOk(reporter, { broadcastId: await goLive(await t.signUp()) });
      }
      const statements = async (first: number) => {
        t.queries.reset();
        const page = (await t.ok(REPORTS, { first }, admin.token)).reports;
        expect(page.edges).toHaveLength(first);
        return t.queries.total;
      };
      expect(await statements(12)).toBe(await statements(4));
    });

    it('refuses bad paging', async () => {
      expect(errorCode(await t.gql(REPORTS, { first: 101 }, admin.token))).toBe('BAD_USER_INPUT');
      expect(errorCode(await t.gql(REPORTS, { after: 'nope!' }, admin.token))).toBe(
        'BAD_USER_INPUT',
      );
    });

    it('is for admins only', async () => {
      const member = await t.signUp();
      expect(errorCode(await t.gql(REPORTS, {}))).toBe('UNAUTHENTICATED');
      expect(errorCode(await t.gql(REPORTS, {}, member.token))).toBe('FORBIDDEN');
    });
  });

  describe('resolving', () => {
    let reporter: TestUser;
    beforeEach(async () => {
      reporter = await t.signUp();
    });
    const fileOne = async () => reportOk(reporter, { userId: (await t.signUp()).id });
    const rowOf = async (id: string) =>
      (
        await t.sql('SELECT status, resolved_at, resolved_by FROM reports WHERE id = $1', [
          parseGlobalId(id, 'Report'),
        ])
      )[0];

    it('decides an OPEN report once; the same decision again changes nothing', async () => {
      const filed = await fileOne();
      const decided = (await resolve(filed.id, 'ACTIONED')).data!.resolveReport;
      expect(decided).toMatchObject({
        id: filed.id,
        status: 'ACTIONED',
        reporter: { handle: reporter.handle },
      });
      const row = await rowOf(filed.id);
      expect(row).toMatchObject({
        status: 'ACTIONED',
        resolved_by: parseGlobalId(admin.id, 'User'),
      });
      expect(row.resolved_at).toBeInstanceOf(Date);

      const otherAdmin = await t.signUp();
      await t.sql(`UPDATE users SET role = 'ADMIN' WHERE handle = $1`, [otherAdmin.handle]);
      expect((await resolve(filed.id, 'ACTIONED', otherAdmin)).data!.resolveReport).toEqual(
        decided,
      );
      expect(await rowOf(filed.id)).toEqual(row);
      // The reporter learns the outcome, still without who or what.
      expect((await t.ok(NODE, { id: filed.id }, reporter.token)).node).toMatchObject({
        status: 'ACTIONED',
        ...NO_PARTIES,
      });
    });

    it('refuses to overturn another decision (CONFLICT) or to reopen (BAD_USER_INPUT)', async () => {
      const filed = await fileOne();
      await resolve(filed.id, 'DISMISSED');
      await refused(() => resolve(filed.id, 'ACTIONED'), 'CONFLICT');
      const reopen = await refused(() => resolve(filed.id, 'OPEN'), 'BAD_USER_INPUT');
      expect(fieldsOf(reopen)).toEqual(['status']);
      const open = await fileOne();
      await refused(() => resolve(open.id, 'OPEN'), 'BAD_USER_INPUT');
      expect(await rowOf(open.id)).toMatchObject({ status: 'OPEN', resolved_at: null });
    });

    it('answers NOT_FOUND for an unknown report and BAD_USER_INPUT for a bad id', async () => {
      await refused(() => resolve(toGlobalId('Report', '999999999'), 'ACTIONED'), 'NOT_FOUND');
      for (const id of ['nope!', toGlobalId('Post', 1)]) {
        const result = await refused(() => resolve(id, 'ACTIONED'), 'BAD_USER_INPUT');
        expect(fieldsOf(result)).toEqual(['id']);
      }
    });

    it('is for admins only', async () => {
      const filed = await fileOne();
      await refused(() => t.gql(RESOLVE, { id: filed.id, status: 'DISMISSED' }), 'UNAUTHENTICATED');
      const member = await t.signUp();
      for (const user of [reporter, member]) {
        await refused(() => resolve(filed.id, 'DISMISSED', user), 'FORBIDDEN');
      }
    });
  });

  describe('who sees a report', () => {
    it('admins and its reporter, by id; who and what only admins', async () => {
      const [reporter, troll, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const postId = await post(troll);
      const filed = await reportOk(reporter, { postId, reason: 'scam' });

      const expected = { __typename: 'Report', ...filed };
      expect((await t.ok(NODE, { id: filed.id }, reporter.token)).node).toEqual(expected);
      expect((await t.ok(NODE, { id: filed.id }, admin.token)).node).toEqual({
        ...expected,
        reporter: { handle: reporter.handle },
        post: { id: postId, text: 'buy followers at example.com' },
      });
      expect((await t.ok(NODE, { id: filed.id }, other.token)).node).toBeNull();
      expect((await t.ok(NODE, { id: filed.id }, troll.token)).node).toBeNull();
      expect((await t.ok(NODE, { id: filed.id })).node).toBeNull();
    });
  });
});
