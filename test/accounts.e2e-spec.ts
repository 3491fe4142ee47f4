import jwt from 'jsonwebtoken';
import { parseGlobalId, toGlobalId } from '@app/common';
import { errorCode, GraphQLResponse, TestApp, testLogs, TestUser } from '@app/testing';
import { TimelineFanout } from '@app/timeline';

const SECRET = 'test-secret-test-secret-test-secret-!!';
const PASSWORD = 'correct horse battery';
const USER_FIELDS =
  'id handle displayName bio avatarUrl role suspended createdAt followersCount followingCount postsCount';

const SIGN_UP = `mutation($input: SignUpInput!) {
  signUp(input: $input) { token user { ${USER_FIELDS} } }
}`;
const SIGN_IN = `mutation($login: String!, $password: String!) {
  signIn(input: { login: $login, password: $password }) { token user { id handle } }
}`;
const ME = '{ me { id handle } }';
const UPDATE_PROFILE = `mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { id displayName bio avatarUrl }
}`;
const SET_ROLE = `mutation($userId: ID!, $role: Role!) { setRole(userId: $userId, role: $role) { id role } }`;
const SUSPEND = `mutation($userId: ID!, $reason: String) {
  suspendUser(userId: $userId, reason: $reason) { id handle suspended }
}`;
const UNSUSPEND =
  'mutation($userId: ID!) { unsuspendUser(userId: $userId) { id handle suspended } }';
const DELETE_ACCOUNT = 'mutation($password: String!) { deleteAccount(password: $password) }';
const SEARCH =
  'query($q: String!, $first: Int) { searchUsers(query: $q, first: $first) { handle } }';
const USER_BY_HANDLE =
  'query($handle: String!) { user(handle: $handle) { id followersCount followingCount } }';
const HOME = `{ homeTimeline(first: 50) { edges { node { ... on Post { id author { handle } } } } } }`;
const CREATE_POST = `mutation($text: String!, $replyToId: ID) {
  createPost(input: { text: $text, replyToId: $replyToId }) { id }
}`;

/** The database id inside a User global id, for SQL checks. */
const rowId = (user: TestUser) => parseGlobalId(user.id, 'User');

function fieldsOf(result: GraphQLResponse): string[] {
  return (
    (result.errors?.[0]?.extensions?.fields as { field: string }[] | undefined)?.map(
      (f) => f.field,
    ) ?? []
  );
}

async function homePostIds(t: TestApp, viewer: TestUser): Promise<string[]> {
  const data = await t.ok<{ homeTimeline: { edges: { node: { id: string } }[] } }>(
    HOME,
    {},
    viewer.token,
  );
  return data.homeTimeline.edges.map((edge) => edge.node.id);
}

async function makeAdmin(t: TestApp, user: TestUser): Promise<void> {
  await t.sql(`UPDATE users SET role = 'ADMIN' WHERE id = $1`, [rowId(user)]);
}

describe('accounts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  const userCount = async () => Number((await t.sql('SELECT count(*) AS n FROM users'))[0].n);

  describe('signUp', () => {
    it('returns a token and the user, never the email or the password hash', async () => {
      const result = await t.gql(SIGN_UP, {
        input: {
          handle: 'Alice_1',
          email: 'Alice.One@Example.com',
          password: PASSWORD,
          displayName: 'Alice',
        },
      });
      expect(result.errors).toBeUndefined();
      const { token, user } = result.data.signUp;
      expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(user).toMatchObject({
        handle: 'Alice_1',
        displayName: 'Alice',
        bio: null,
        avatarUrl: null,
        role: 'MEMBER',
        suspended: false,
        followersCount: 0,
        followingCount: 0,
        postsCount: 0,
      });
      const [row] = await t.sql('SELECT email, password_hash FROM users WHERE id = $1', [
        parseGlobalId(user.id, 'User'),
      ]);
      expect(row.email).toBe('alice.one@example.com');
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      const json = JSON.stringify(result).toLowerCase();
      expect(json).not.toContain('alice.one@example.com');
      expect(json).not.toContain('argon2');
      expect(json).not.toContain(PASSWORD);
      expect((await t.ok(ME, {}, token)).me).toEqual({ id: user.id, handle: 'Alice_1' });
    });

    it('accepts handles of exactly 3 and 30 characters', async () => {
      for (const handle of ['abc', 'h'.repeat(30)]) {
        const result = await t.gql(SIGN_UP, {
          input: { handle, email: `${handle}@example.com`, password: PASSWORD },
        });
        expect(result.data?.signUp.user.handle).toBe(handle);
      }
    });

    it.each([
      ['bad characters', 'bad-handle!'],
      ['a space', 'two words'],
      ['2 characters', 'ab'],
      ['31 characters', 'x'.repeat(31)],
    ])('refuses a handle with %s (BAD_USER_INPUT), creating nothing', async (_case, handle) => {
      const before = await userCount();
      const result = await t.gql(SIGN_UP, {
        input: { handle, email: 'handle-case@example.com', password: PASSWORD },
      });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['handle']);
      expect(await userCount()).toBe(before);
    });

    it('refuses a handle taken in another case (CONFLICT)', async () => {
      await t.signUp('Taken_Name');
      const before = await userCount();
      const result = await t.gql(SIGN_UP, {
        input: { handle: 'tAKEN_nAME', email: 'other-taken@example.com', password: PASSWORD },
      });
      expect(errorCode(result)).toBe('CONFLICT');
      expect(result.errors![0].message).toMatch(/handle/);
      expect(await userCount()).toBe(before);
    });

    it('refuses a malformed email (BAD_USER_INPUT)', async () => {
      const before = await userCount();
      const result = await t.gql(SIGN_UP, {
        input: { handle: 'mail_bad', email: 'not-an-email@', password: PASSWORD },
      });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['email']);
      expect(await userCount()).toBe(before);
    });

    it('refuses an email already used in another case (CONFLICT)', async () => {
      await t.gql(SIGN_UP, {
        input: { handle: 'mail_owner', email: 'dup@example.com', password: PASSWORD },
      });
      const before = await userCount();
      const result = await t.gql(SIGN_UP, {
        input: { handle: 'mail_thief', email: 'DUP@Example.COM', password: PASSWORD },
      });
      expect(errorCode(result)).toBe('CONFLICT');
      expect(result.errors![0].message).toMatch(/email/);
      expect(await userCount()).toBe(before);
    });

    it('refuses a password of 7 characters (BAD_USER_INPUT)', async () => {
      const before = await userCount();
      const result = await t.gql(SIGN_UP, {
        input: { handle: 'short_pw', email: 'short-pw@example.com', password: '1234567' },
      });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['password']);
      expect(await userCount()).toBe(before);
    });
  });

  describe('signIn', () => {
    let user: TestUser;
    beforeAll(async () => {
      user = await t.signUp('Sign_In_User');
    });

    it('accepts the handle, in any case', async () => {
      const data = await t.ok(SIGN_IN, { login: 'sign_in_user', password: PASSWORD });
      expect(data.signIn.user).toEqual({ id: user.id, handle: 'Sign_In_User' });
      expect((await t.ok(ME, {}, data.signIn.token)).me.id).toBe(user.id);
    });

    it('accepts the email, in any case', async () => {
      const data = await t.ok(SIGN_IN, { login: 'SIGN_IN_USER@example.com', password: PASSWORD });
      expect(data.signIn.user.id).toBe(user.id);
      expect((await t.ok(ME, {}, data.signIn.token)).me.id).toBe(user.id);
    });

    it('answers a wrong password and an unknown login alike (UNAUTHENTICATED)', async () => {
      const wrongPassword = await t.gql(SIGN_IN, {
        login: 'Sign_In_User',
        password: 'not it at all',
      });
      const unknownLogin = await t.gql(SIGN_IN, { login: 'nobody_here', password: PASSWORD });
      const unknownEmail = await t.gql(SIGN_IN, {
        login: 'nobody@example.com',
        password: PASSWORD,
      });
      for (const result of [wrongPassword, unknownLogin, unknownEmail]) {
        expect(errorCode(result)).toBe('UNAUTHENTICATED');
        expect(result.data).toBeNull();
      }
      expect(unknownLogin.errors![0].message).toBe(wrongPassword.errors![0].message);
      expect(unknownEmail.errors![0].message).toBe(wrongPassword.errors![0].message);
    });
  });

  describe('tokens', () => {
    let user: TestUser;
    beforeAll(async () => {
      user = await t.signUp();
    });

    const profileWith = (token: string) =>
      t.gql(UPDATE_PROFILE, { input: { displayName: 'Hijacked' } }, token);

    it('me is null without a token', async () => {
      expect(await t.gql(ME)).toEqual({ data: { me: null } });
    });

    it('refuses a token signed with another secret', async () => {
      const forged = jwt.sign({ sub: rowId(user) }, 'another-secret-another-secret-another!!');
      expect(errorCode(await t.gql(ME, {}, forged))).toBe('UNAUTHENTICATED');
      const result = await profileWith(forged);
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
      expect(result.errors![0].message).toMatch(/not valid/);
    });

    it('refuses an expired token', async () => {
      const expired = jwt.sign(
        { sub: rowId(user), exp: Math.floor(Date.now() / 1000) - 60 },
        SECRET,
        { algorithm: 'HS256' },
      );
      expect(errorCode(await t.gql(ME, {}, expired))).toBe('UNAUTHENTICATED');
      const result = await profileWith(expired);
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
      expect(result.errors![0].message).toMatch(/expired/);
    });

    it('runs a websocket operation signed out once the token the socket opened with expires', async () => {
      // The socket is authenticated once; its token's expiry still applies to each operation.
      const soon = jwt.sign({ sub: rowId(user), exp: Math.floor(Date.now() / 1000) + 2 }, SECRET, {
        algorithm: 'HS256',
      });
      const socket = t.openSocket(soon);
      try {
        const before = await socket.run(ME).until((op) => op.completed);
        expect(before.results[0].data).toEqual({ me: { id: user.id, handle: user.handle } });
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const after = await socket.run(ME).until((op) => op.completed);
        expect(errorCode(after.results[0])).toBe('UNAUTHENTICATED');
        expect(after.results[0].errors![0].message).toMatch(/expired/);
      } finally {
        await socket.close();
      }
    });

    it('refuses an Authorization header that is not a bearer token', async () => {
      const result = await t.gql(UPDATE_PROFILE, { input: { displayName: 'x' } }, undefined, {
        authorization: `Token ${user.token}`,
      });
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
      expect(result.errors![0].message).toMatch(/Bearer/);
    });

    it.each([
      ['a sub that is not an id', { sub: '1 OR 1=1' }, { expiresIn: 60 }],
      ['a sub beyond bigint', { sub: '99999999999999999999999' }, { expiresIn: 60 }],
      ['a numeric sub', { sub: 1 }, { expiresIn: 60 }],
      ['no expiry', { sub: 'USER' }, {}],
    ])(
      'refuses a signed token with %s: UNAUTHENTICATED over HTTP, 4403 on a websocket',
      async (_case, claims, options) => {
        const sub = claims.sub === 'USER' ? rowId(user) : claims.sub;
        const token = jwt.sign({ ...claims, sub }, SECRET, { algorithm: 'HS256', ...options });
        const result = await t.gql(ME, {}, token);
        expect(result.errors).toEqual([
          expect.objectContaining({
            message: 'Your token is not valid. Sign in again.',
            extensions: { code: 'UNAUTHENTICATED' },
          }),
        ]);
        const socket = t.openSocket(token);
        expect(await socket.closed()).toBe(4403);
        expect(socket.connected).toBe(0);
      },
    );

    describe('in connection_init', () => {
      it.each([
        ['a number', 12345],
        ['true', true],
        ['an array', [`Bearer x`]],
        ['an object', { token: 'x' }],
        ['a value without Bearer', 'Token x'],
        ['a bearer of no valid token', 'Bearer x'],
      ])('closes the socket of an authorization that is %s with 4403', async (_case, value) => {
        const socket = t.openSocket(undefined, { authorization: value });
        expect(await socket.closed()).toBe(4403);
        expect(socket.connected).toBe(0);
      });

      it.each([
        ['absent', {}],
        ['null', { authorization: null }],
        ['blank', { authorization: ' ' }],
      ])('leaves the socket of an authorization that is %s signed out', async (_case, params) => {
        const socket = t.openSocket(undefined, params);
        const op = await socket.run(ME).until((o) => o.completed);
        expect(op.results).toEqual([{ data: { me: null } }]);
        await socket.close();
      });

      it('reads the key in any case, like an HTTP header', async () => {
        const signedIn = t.openSocket(undefined, { Authorization: `Bearer ${user.token}` });
        const op = await signedIn.run(ME).until((o) => o.completed);
        expect(op.results).toEqual([{ data: { me: { id: user.id, handle: user.handle } } }]);
        await signedIn.close();
        const forged = t.openSocket(undefined, { Authorization: 'Bearer x' });
        expect(await forged.closed()).toBe(4403);
        const both = t.openSocket(undefined, {
          authorization: `Bearer ${user.token}`,
          AUTHORIZATION: `Bearer ${user.token}`,
        });
        expect(await both.closed()).toBe(4403);
      });
    });

    it('nothing was changed by the refused tokens', async () => {
      const [row] = await t.sql('SELECT display_name FROM users WHERE id = $1', [rowId(user)]);
      expect(row.display_name).toBe(user.handle);
    });
  });

  describe('updateProfile', () => {
    let user: TestUser;
    const profile = async () =>
      (
        await t.sql('SELECT display_name, bio, avatar_url FROM users WHERE id = $1', [rowId(user)])
      )[0];

    beforeAll(async () => {
      user = await t.signUp();
    });

    it('changes the given fields, trimmed', async () => {
      const data = await t.ok(
        UPDATE_PROFILE,
        {
          input: {
            displayName: '  New Name  ',
            bio: 'I watch TV.',
            avatarUrl: 'https://cdn.example.com/a.png',
          },
        },
        user.token,
      );
      expect(data.updateProfile).toEqual({
        id: user.id,
        displayName: 'New Name',
        bio: 'I watch TV.',
        avatarUrl: 'https://cdn.example.com/a.png',
      });
      expect(await profile()).toEqual({
        display_name: 'New Name',
        bio: 'I watch TV.',
        avatar_url: 'https://cdn.example.com/a.png',
      });
    });

    it.each([
      ['a 51-character displayName', { displayName: 'd'.repeat(51) }, 'displayName'],
      ['an avatarUrl that is not http(s)', { avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
      ['an avatarUrl that is not a URL', { avatarUrl: 'not a url' }, 'avatarUrl'],
      [
        'a 161-character bio beside a valid name',
        { displayName: 'Fine', bio: 'b'.repeat(161) },
        'bio',
      ],
    ])('refuses %s (BAD_USER_INPUT) and changes nothing', async (_case, input, field) => {
      const before = await profile();
      const result = await t.gql(UPDATE_PROFILE, { input }, user.token);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual([field]);
      expect(await profile()).toEqual(before);
    });

    it('clears the bio with an empty string, leaving the rest', async () => {
      const data = await t.ok(UPDATE_PROFILE, { input: { bio: '' } }, user.token);
      expect(data.updateProfile.bio).toBeNull();
      expect(await profile()).toEqual({
        display_name: 'New Name',
        bio: null,
        avatar_url: 'https://cdn.example.com/a.png',
      });
    });

    it('needs a signed-in account (UNAUTHENTICATED)', async () => {
      const before = await profile();
      const result = await t.gql(UPDATE_PROFILE, { input: { displayName: 'Anon' } });
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
      expect(await profile()).toEqual(before);
    });
  });

  describe('updateProfile with null', () => {
    it('refuses displayName: null (it cannot be cleared) and changes nothing', async () => {
      const user = await t.signUp();
      await t.ok(UPDATE_PROFILE, { input: { displayName: 'Kept', bio: 'kept' } }, user.token);
      for (const result of [
        await t.gql(UPDATE_PROFILE, { input: { displayName: null, bio: 'new' } }, user.token),
        await t.gql(
          'mutation { updateProfile(input: { displayName: null }) { id } }',
          {},
          user.token,
        ),
      ]) {
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
        expect(fieldsOf(result)).toEqual(['displayName']);
      }
      const [row] = await t.sql('SELECT display_name, bio FROM users WHERE id = $1', [rowId(user)]);
      expect(row).toEqual({ display_name: 'Kept', bio: 'kept' });
    });

    it('clears bio and avatarUrl with null', async () => {
      const user = await t.signUp();
      await t.ok(
        UPDATE_PROFILE,
        { input: { bio: 'b', avatarUrl: 'https://example.com/a.png' } },
        user.token,
      );
      const data = await t.ok(
        UPDATE_PROFILE,
        { input: { bio: null, avatarUrl: null } },
        user.token,
      );
      expect(data.updateProfile).toMatchObject({ bio: null, avatarUrl: null });
    });
  });

  describe('searchUsers', () => {
    beforeAll(async () => {
      const exact = await t.signUp('scout');
      const popular = await t.signUp('scouting_pro');
      await t.signUp('Scout_Two');
      await t.signUp('boyscout');
      const named = await t.signUp('zz_named');
      await t.ok(UPDATE_PROFILE, { input: { displayName: 'Scoutmaster Flynn' } }, named.token);
      // The exact handle must come first even when another match has more followers.
      const fan = await t.signUp();
      await t.follow(fan, popular);
      expect(exact.handle).toBe('scout');

      await t.signUp('wild_card');
      await t.signUp('wildXcard');
      const percent = await t.signUp('pct_user');
      await t.ok(UPDATE_PROFILE, { input: { displayName: '%off deals' } }, percent.token);
    });

    const search = async (q: string, first?: number) =>
      (await t.ok(SEARCH, { q, first })).searchUsers.map((u: { handle: string }) => u.handle);

    it('matches handle and display name prefixes case-insensitively, exact handle first', async () => {
      const handles = await search('SCOUT');
      expect(handles[0]).toBe('scout');
      expect(handles.slice(1)).toEqual(['scouting_pro', 'Scout_Two', 'zz_named']);
      expect(handles).not.toContain('boyscout');
      expect(await search('@scoutm')).toEqual(['zz_named']);
    });

    it('honours first', async () => {
      expect(await search('scout', 2)).toEqual(['scout', 'scouting_pro']);
    });

    it.each([0, 101])('refuses first: %i (BAD_USER_INPUT)', async (first) => {
      const result = await t.gql(SEARCH, { q: 'scout', first });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['first']);
    });

    it('treats the LIKE wildcards % and _ literally', async () => {
      expect(await search('wild_')).toEqual(['wild_card']);
      expect(await search('%')).toEqual(['pct_user']);
      expect(await search('w%d')).toEqual([]);
      expect(await search('_')).toEqual([]);
    });
  });

  describe('setRole', () => {
    let admin: TestUser;
    let member: TestUser;
    let target: TestUser;
    const roleOf = async (user: TestUser) =>
      (await t.sql('SELECT role FROM users WHERE id = $1', [rowId(user)]))[0].role;

    beforeAll(async () => {
      admin = await t.signUp();
      member = await t.signUp();
      target = await t.signUp();
      await makeAdmin(t, admin);
    });

    it('is refused to a MEMBER (FORBIDDEN)', async () => {
      const result = await t.gql(SET_ROLE, { userId: target.id, role: 'ADMIN' }, member.token);
      expect(errorCode(result)).toBe('FORBIDDEN');
      expect(await roleOf(target)).toBe('MEMBER');
    });

    it('is refused when signed out (UNAUTHENTICATED)', async () => {
      const result = await t.gql(SET_ROLE, { userId: target.id, role: 'ADMIN' });
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
      expect(await roleOf(target)).toBe('MEMBER');
    });

    it('lets an admin change another account', async () => {
      const data = await t.ok(SET_ROLE, { userId: target.id, role: 'PARTNER' }, admin.token);
      expect(data.setRole).toEqual({ id: target.id, role: 'PARTNER' });
      expect(await roleOf(target)).toBe('PARTNER');
    });

    it('does not let an admin change their own role (FORBIDDEN)', async () => {
      const result = await t.gql(SET_ROLE, { userId: admin.id, role: 'MEMBER' }, admin.token);
      expect(errorCode(result)).toBe('FORBIDDEN');
      expect(await roleOf(admin)).toBe('ADMIN');
    });

    it('answers NOT_FOUND for an unknown user', async () => {
      const result = await t.gql(
        SET_ROLE,
        { userId: toGlobalId('User', '999999999'), role: 'PARTNER' },
        admin.token,
      );
      expect(errorCode(result)).toBe('NOT_FOUND');
    });

    it.each([
      ['a malformed id', 'not an id!'],
      ['the id of a Post', toGlobalId('Post', '1')],
    ])('refuses %s (BAD_USER_INPUT)', async (_case, userId) => {
      const result = await t.gql(SET_ROLE, { userId, role: 'PARTNER' }, admin.token);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['userId']);
    });
  });

  describe('node', () => {
    it('resolves a User by its global id', async () => {
      const user = await t.signUp();
      const data = await t.ok(
        'query($id: ID!) { node(id: $id) { __typename id ... on User { handle } } }',
        {
          id: user.id,
        },
      );
      expect(data.node).toEqual({ __typename: 'User', id: user.id, handle: user.handle });
    });

    it('refuses a malformed id (BAD_USER_INPUT)', async () => {
      const result = await t.gql('{ node(id: "%%%") { id } }');
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
    });
  });

  describe('text with a NUL character', () => {
    /** What the process writes to stdout and stderr (its logs) while `work` runs. */
    async function logsDuring(work: () => Promise<unknown>): Promise<string> {
      const written: string[] = [];
      const capture = (chunk: unknown) => {
        written.push(String(chunk));
        return true;
      };
      const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
      const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
      try {
        await work();
      } finally {
        out.mockRestore();
        err.mockRestore();
      }
      return written.join('');
    }

    it('is refused at sign-up (BAD_USER_INPUT), and nothing about it is logged', async () => {
      const before = await userCount();
      let result: GraphQLResponse = {};
      const logs = await logsDuring(async () => {
        result = await t.gql(SIGN_UP, {
          input: {
            handle: 'nul_name',
            email: 'nul.name@example.com',
            password: PASSWORD,
            displayName: 'Nul\u0000Name',
          },
        });
      });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['displayName']);
      expect(await userCount()).toBe(before);
      expect(logs).not.toMatch(/nul\.name@example\.com|argon2/);
    });

    it('is refused in a sign-in login, a profile, a search and a suspension reason', async () => {
      const user = await t.signUp();
      const admin = await t.signUp();
      await makeAdmin(t, admin);
      const signIn = await t.gql(SIGN_IN, { login: `${user.handle}\u0000`, password: PASSWORD });
      expect(fieldsOf(signIn)).toEqual(['login']);
      const profile = await t.gql(UPDATE_PROFILE, { input: { bio: 'a\u0000b' } }, user.token);
      expect(fieldsOf(profile)).toEqual(['bio']);
      const search = await t.gql(SEARCH, { q: 'a\u0000' });
      expect(fieldsOf(search)).toEqual(['query']);
      const suspend = await t.gql(SUSPEND, { userId: user.id, reason: 'a\u0000b' }, admin.token);
      expect(fieldsOf(suspend)).toEqual(['reason']);
      for (const result of [signIn, profile, search, suspend]) {
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
      }
      const [row] = await t.sql('SELECT bio, suspended_at FROM users WHERE id = $1', [rowId(user)]);
      expect(row).toEqual({ bio: null, suspended_at: null });
    });
  });

  describe('text that is not valid Unicode', () => {
    const LONE = ['\uD800', '\uDFFF', 'a\uDC00b', 'z\uDBFF'];

    it.each(LONE)('refuses an email with the unpaired surrogate %j at sign-up', async (bad) => {
      const before = await userCount();
      const result = await t.gql(SIGN_UP, {
        input: { handle: 'lone_mail', email: `lo${bad}ne@example.com`, password: PASSWORD },
      });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['email']);
      expect(await userCount()).toBe(before);
    });

    it('names every such field of a sign-up at once', async () => {
      const result = await t.gql(SIGN_UP, {
        input: {
          handle: 'lone_all',
          email: 'lone.all@example.com',
          password: `${PASSWORD}\uD800`,
          displayName: 'Lone\uDC00',
        },
      });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result).sort()).toEqual(['displayName', 'password']);
    });

    it('refuses it in a sign-in login and password, a profile, a search and a post', async () => {
      const user = await t.signUp();
      const login = await t.gql(SIGN_IN, { login: `${user.handle}\uD800`, password: PASSWORD });
      expect(fieldsOf(login)).toEqual(['login']);
      const password = await t.gql(SIGN_IN, { login: user.handle, password: 'x\uDFFFxxxxxxx' });
      expect(fieldsOf(password)).toEqual(['password']);
      const profile = await t.gql(UPDATE_PROFILE, { input: { bio: 'a\uD800b' } }, user.token);
      expect(fieldsOf(profile)).toEqual(['bio']);
      const search = await t.gql(SEARCH, { q: 'a\uDC00' });
      expect(fieldsOf(search)).toEqual(['query']);
      const post = await t.gql(CREATE_POST, { text: 'hi \uD83D there' }, user.token);
      expect(fieldsOf(post)).toEqual(['text']);
      for (const result of [login, password, profile, search, post]) {
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
      }
      const [row] = await t.sql(
        'SELECT bio, (SELECT count(*) FROM posts WHERE author_id = users.id)::int AS posts FROM users WHERE id = $1',
        [rowId(user)],
      );
      expect(row).toEqual({ bio: null, posts: 0 });
    });

    it('keeps surrogate pairs (emoji) as they are', async () => {
      const user = await t.signUp();
      const data = await t.ok(UPDATE_PROFILE, { input: { displayName: 'Rocket 🚀' } }, user.token);
      expect(data.updateProfile.displayName).toBe('Rocket 🚀');
    });

    it('refuses it in a subscription argument over websockets too', async () => {
      const user = await t.signUp();
      const subscription = await t.subscribe(
        'subscription($after: String) { timelineUpdates(after: $after) { kind } }',
        { after: 'x\uD800' },
        user.token,
      );
      try {
        const result = await subscription.next();
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
        expect(fieldsOf(result)).toEqual(['after']);
      } finally {
        await subscription.close();
      }
    });
  });

  describe('suspendUser and unsuspendUser', () => {
    let admin: TestUser;
    let member: TestUser;
    let target: TestUser;
    let follower: TestUser;
    let targetPost: string;
    const state = async () =>
      (
        await t.sql('SELECT suspended_at, suspension_reason FROM users WHERE id = $1', [
          rowId(target),
        ])
      )[0];

    beforeAll(async () => {
      admin = await t.signUp();
      member = await t.signUp();
      target = await t.signUp();
      follower = await t.signUp();
      await makeAdmin(t, admin);
      await t.follow(follower, target);
      targetPost = await t.post(target, 'hello from the soon suspended');
    });

    it.each([
      ['signed out', () => undefined, 'UNAUTHENTICATED'],
      ['a MEMBER', () => member.token, 'FORBIDDEN'],
    ])('refuses %s', async (_case, token, code) => {
      const suspend = await t.gql(SUSPEND, { userId: target.id }, token());
      const unsuspend = await t.gql(UNSUSPEND, { userId: target.id }, token());
      expect(errorCode(suspend)).toBe(code);
      expect(errorCode(unsuspend)).toBe(code);
      expect(await state()).toEqual({ suspended_at: null, suspension_reason: null });
    });

    it('does not let an admin suspend themselves (FORBIDDEN)', async () => {
      const result = await t.gql(SUSPEND, { userId: admin.id }, admin.token);
      expect(errorCode(result)).toBe('FORBIDDEN');
      const [row] = await t.sql('SELECT suspended_at FROM users WHERE id = $1', [rowId(admin)]);
      expect(row.suspended_at).toBeNull();
    });

    it('answers NOT_FOUND for an unknown user', async () => {
      const missing = toGlobalId('User', '999999999');
      expect(errorCode(await t.gql(SUSPEND, { userId: missing }, admin.token))).toBe('NOT_FOUND');
      expect(errorCode(await t.gql(UNSUSPEND, { userId: missing }, admin.token))).toBe('NOT_FOUND');
    });

    it('refuses a reason over 500 characters (BAD_USER_INPUT)', async () => {
      const result = await t.gql(
        SUSPEND,
        { userId: target.id, reason: 'r'.repeat(501) },
        admin.token,
      );
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['reason']);
      expect(await state()).toEqual({ suspended_at: null, suspension_reason: null });
    });

    it('refuses a malformed user id (BAD_USER_INPUT)', async () => {
      const result = await t.gql(SUSPEND, { userId: 'nope' }, admin.token);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
    });

    it('hides a suspended account everywhere and stops its tokens', async () => {
      expect(await homePostIds(t, follower)).toContain(targetPost);

      const data = await t.ok(SUSPEND, { userId: target.id, reason: '  spam  ' }, admin.token);
      expect(data.suspendUser).toEqual({ id: target.id, handle: target.handle, suspended: true });
      const row = await state();
      expect(row.suspended_at).toBeInstanceOf(Date);
      expect(row.suspension_reason).toBe('spam');

      const withToken = await t.gql(UPDATE_PROFILE, { input: { bio: 'still here' } }, target.token);
      expect(errorCode(withToken)).toBe('UNAUTHENTICATED');
      expect(withToken.errors![0].message).toMatch(/no longer active/);
      expect(errorCode(await t.gql(ME, {}, target.token))).toBe('UNAUTHENTICATED');

      const signIn = await t.gql(SIGN_IN, { login: target.handle, password: PASSWORD });
      expect(errorCode(signIn)).toBe('UNAUTHENTICATED');

      const profile = await t.gql(USER_BY_HANDLE, { handle: target.handle }, follower.token);
      expect(errorCode(profile)).toBe('NOT_FOUND');
      expect(
        (await t.ok('query($id: ID!) { node(id: $id) { id } }', { id: target.id })).node,
      ).toBeNull();
      expect(await homePostIds(t, follower)).not.toContain(targetPost);
      const searched = await t.ok(SEARCH, { q: target.handle });
      expect(searched.searchUsers).toEqual([]);
    });

    it('suspending again keeps the original date and updates the reason', async () => {
      const before = await state();
      const data = await t.ok(SUSPEND, { userId: target.id, reason: 'still spam' }, admin.token);
      expect(data.suspendUser.suspended).toBe(true);
      expect(await state()).toEqual({
        suspended_at: before.suspended_at,
        suspension_reason: 'still spam',
      });
    });

    it('unsuspending restores the account, its token and its content', async () => {
      const data = await t.ok(UNSUSPEND, { userId: target.id }, admin.token);
      expect(data.unsuspendUser).toEqual({
        id: target.id,
        handle: target.handle,
        suspended: false,
      });
      expect(await state()).toEqual({ suspended_at: null, suspension_reason: null });

      expect((await t.ok(ME, {}, target.token)).me.id).toBe(target.id);
      expect(
        (await t.ok(SIGN_IN, { login: target.handle, password: PASSWORD })).signIn.user.id,
      ).toBe(target.id);
      const profile = await t.ok(USER_BY_HANDLE, { handle: target.handle });
      expect(profile.user.id).toBe(target.id);
      expect(await homePostIds(t, follower)).toContain(targetPost);
    });

    it('closes the open websockets of a suspended account at once (4403)', async () => {
      const victim = await t.signUp();
      const socket = await t.subscribe(
        'subscription { notificationAdded { id } }',
        {},
        victim.token,
      );
      expect(socket.isEnded).toBe(false);
      await t.ok(SUSPEND, { userId: victim.id }, admin.token);
      for (let i = 0; i < 50 && !socket.isEnded; i += 1)
        await new Promise((r) => setTimeout(r, 20));
      expect(socket.closeCode).toBe(4403);
      const again = await t.subscribe(
        'subscription { notificationAdded { id } }',
        {},
        victim.token,
      );
      expect(again.closeCode).toBe(4403);
    });

    it('counts the reason in characters, not UTF-16 units', async () => {
      const reason = '🚫'.repeat(500);
      const data = await t.ok(SUSPEND, { userId: member.id, reason }, admin.token);
      expect(data.suspendUser.suspended).toBe(true);
      const [row] = await t.sql('SELECT suspension_reason FROM users WHERE id = $1', [
        rowId(member),
      ]);
      expect(row.suspension_reason).toBe(reason);
    });
  });
});

describe('accounts: deleteAccount', () => {
  let t: TestApp;
  // Accounts with more than one follower are served from the pulled items, so deleting one
  // exercises both kinds of timeline rows.
  beforeAll(async () => {
    t = await TestApp.start({ FANOUT_MAX_FOLLOWERS: '1' });
  });
  afterAll(() => t.close());

  const counts = async (user: TestUser) =>
    (
      await t.sql<{ followers_count: number; following_count: number; posts_count: number }>(
        'SELECT followers_count, following_count, posts_count FROM users WHERE id = $1',
        [rowId(user)],
      )
    )[0];
  const postCounts = async (postId: string) =>
    (
      await t.sql('SELECT likes_count, replies_count FROM posts WHERE id = $1', [
        parseGlobalId(postId, 'Post'),
      ])
    )[0];
  const timelineRows = async (user: TestUser) => {
    const id = rowId(user);
    const [row] = await t.sql(
      `SELECT
         (SELECT count(*) FROM timeline_entries WHERE owner_id = $1)::int AS owned,
         (SELECT count(*) FROM timeline_entries WHERE author_id = $1 AND owner_id <> $1)::int AS authored,
         (SELECT count(*) FROM timeline_pulled_items WHERE author_id = $1)::int AS pulled,
         (SELECT count(*) FROM timeline_pull_authors WHERE author_id = $1)::int AS pull_author`,
      [id],
    );
    return row;
  };

  it('needs a signed-in account (UNAUTHENTICATED)', async () => {
    const result = await t.gql(DELETE_ACCOUNT, { password: PASSWORD });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong password (BAD_USER_INPUT) and changes nothing', async () => {
    const user = await t.signUp();
    const friend = await t.signUp();
    await t.follow(friend, user);
    const before = await counts(friend);
    const result = await t.gql(DELETE_ACCOUNT, { password: 'not my password' }, user.token);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toEqual(['password']);
    expect(await t.sql('SELECT 1 FROM users WHERE id = $1', [rowId(user)])).toHaveLength(1);
    expect(await t.sql('SELECT 1 FROM follows WHERE followee_id = $1', [rowId(user)])).toHaveLength(
      1,
    );
    expect(await counts(friend)).toEqual(before);
    expect((await t.ok(ME, {}, user.token)).me.id).toBe(user.id);
  });

  it('changes nothing when any part of the deletion fails: it is one transaction', async () => {
    const user = await t.signUp();
    const friend = await t.signUp();
    await t.follow(friend, user);
    await t.follow(user, friend);
    const liked = await t.post(friend, 'liked by the leaver');
    await t.ok('mutation($id: ID!) { likePost(id: $id) { id } }', { id: liked }, user.token);
    await t.post(user, { text: 'an answer', replyToId: liked });
    const snapshot = async () => ({
      friend: await counts(friend),
      post: await postCounts(liked),
      user: await t.sql('SELECT id FROM users WHERE id = $1', [rowId(user)]),
      follows: await t.sql('SELECT follower_id, followee_id FROM follows ORDER BY 1, 2'),
      likes: await t.sql('SELECT post_id, user_id FROM post_likes ORDER BY 1, 2'),
      timeline: await timelineRows(user),
    });
    const before = await snapshot();
    // The timeline listener runs after the graph's and the posts' have written.
    jest
      .spyOn(t.app.get(TimelineFanout), 'forgetAccount')
      .mockRejectedValueOnce(new Error('disk full'));
    const result = await t.gql(DELETE_ACCOUNT, { password: PASSWORD }, user.token);
    expect(errorCode(result)).toBe('INTERNAL_SERVER_ERROR');
    expect(testLogs.take('error', /disk full/)).toHaveLength(1);
    expect(await snapshot()).toEqual(before);
  });

  it('deletes the account and all it made, keeping every counter exact', async () => {
    const gone = await t.signUp();
    const fan = await t.signUp();
    const lateFan = await t.signUp();
    const author = await t.signUp();

    await t.follow(fan, gone);
    // Pushed into fan's timeline while `gone` has one follower; lateFan gets it by backfill.
    const pushedPost = await t.post(gone, 'an early post');
    await t.follow(lateFan, gone);
    await t.follow(gone, author);
    await t.follow(author, gone);
    // With three followers, this one goes to the pulled items.
    const pulledPost = await t.post(gone, 'a later post');

    const authorsPost = await t.post(author, 'something to like and answer');
    await t.ok('mutation($id: ID!) { likePost(id: $id) { id } }', { id: authorsPost }, gone.token);
    await t.ok('mutation($id: ID!) { likePost(id: $id) { id } }', { id: authorsPost }, fan.token);
    await t.post(gone, { text: 'a reply that goes away', replyToId: authorsPost });
    await t.post(fan, { text: 'a reply that stays', replyToId: authorsPost });
    const answerToGone = await t.post(author, {
      text: 'a reply to the leaver',
      replyToId: pushedPost,
    });

    expect(await homePostIds(t, fan)).toEqual(expect.arrayContaining([pushedPost, pulledPost]));
    expect(await homePostIds(t, lateFan)).toEqual(expect.arrayContaining([pushedPost, pulledPost]));
    expect(await postCounts(authorsPost)).toEqual({ likes_count: 2, replies_count: 2 });
    expect(await counts(author)).toEqual({
      followers_count: 1,
      following_count: 1,
      posts_count: 2,
    });
    expect(await counts(fan)).toMatchObject({ following_count: 1 });
    const rowsBefore = await timelineRows(gone);
    expect(rowsBefore.owned).toBeGreaterThan(0);
    expect(rowsBefore.authored).toBeGreaterThan(0);
    expect(rowsBefore.pulled).toBeGreaterThan(0);
    expect(rowsBefore.pull_author).toBe(1);

    expect(await t.ok(DELETE_ACCOUNT, { password: PASSWORD }, gone.token)).toEqual({
      deleteAccount: true,
    });

    const goneId = rowId(gone);
    expect(await t.sql('SELECT 1 FROM users WHERE id = $1', [goneId])).toHaveLength(0);
    expect(await t.sql('SELECT 1 FROM posts WHERE author_id = $1', [goneId])).toHaveLength(0);
    expect(
      await t.sql('SELECT 1 FROM follows WHERE follower_id = $1 OR followee_id = $1', [goneId]),
    ).toHaveLength(0);
    expect(await t.sql('SELECT 1 FROM post_likes WHERE user_id = $1', [goneId])).toHaveLength(0);
    expect(await timelineRows(gone)).toEqual({ owned: 0, authored: 0, pulled: 0, pull_author: 0 });

    expect(await counts(fan)).toEqual({ followers_count: 0, following_count: 0, posts_count: 1 });
    expect(await counts(lateFan)).toEqual({
      followers_count: 0,
      following_count: 0,
      posts_count: 0,
    });
    expect(await counts(author)).toEqual({
      followers_count: 0,
      following_count: 0,
      posts_count: 2,
    });
    const seen = await t.ok(
      'query($id: ID!) { post(id: $id) { likesCount repliesCount } }',
      { id: authorsPost },
      fan.token,
    );
    expect(seen.post).toEqual({ likesCount: 1, repliesCount: 1 });
    const fanProfile = await t.ok(USER_BY_HANDLE, { handle: fan.handle });
    expect(fanProfile.user).toMatchObject({ followingCount: 0 });

    for (const viewer of [fan, lateFan, author]) {
      const home = await homePostIds(t, viewer);
      expect(home).not.toContain(pushedPost);
      expect(home).not.toContain(pulledPost);
    }
    // Other people's replies to the deleted posts stay, no longer pointing at them.
    const answer = await t.ok(
      'query($id: ID!) { post(id: $id) { id replyTo { id } } }',
      { id: answerToGone },
      author.token,
    );
    expect(answer.post).toEqual({ id: answerToGone, replyTo: null });

    expect(errorCode(await t.gql(ME, {}, gone.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.gql(UPDATE_PROFILE, { input: { bio: 'x' } }, gone.token))).toBe(
      'UNAUTHENTICATED',
    );
    expect(errorCode(await t.gql(USER_BY_HANDLE, { handle: gone.handle }))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(SIGN_IN, { login: gone.handle, password: PASSWORD }))).toBe(
      'UNAUTHENTICATED',
    );
  });
});

describe('accounts: sign-in rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ RATE_LIMIT_SIGN_IN: '3/15m', RATE_LIMIT_CONFIRM_PASSWORD: '3/15m' });
  });
  afterAll(() => t.close());

  it('refuses the 4th attempt on one login (RATE_LIMITED), even with the right password', async () => {
    const user = await t.signUp('limited');
    const other = await t.signUp('unlimited');
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const result = await t.gql(SIGN_IN, { login: 'limited', password: 'wrong password' });
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
    }
    const fourth = await t.gql(SIGN_IN, { login: 'LIMITED', password: PASSWORD });
    expect(errorCode(fourth)).toBe('RATE_LIMITED');
    expect(fourth.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(fourth.data).toBeNull();

    // Per login (and address): another account still signs in; the limited one keeps its token.
    expect((await t.ok(SIGN_IN, { login: 'unlimited', password: PASSWORD })).signIn.user.id).toBe(
      other.id,
    );
    expect((await t.ok(ME, {}, user.token)).me.id).toBe(user.id);
  });

  it('limits password guesses through deleteAccount too', async () => {
    const user = await t.signUp();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const result = await t.gql(DELETE_ACCOUNT, { password: `guess ${attempt}` }, user.token);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
    }
    const fourth = await t.gql(DELETE_ACCOUNT, { password: PASSWORD }, user.token);
    expect(errorCode(fourth)).toBe('RATE_LIMITED');
    expect(fourth.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(await t.sql('SELECT 1 FROM users WHERE id = $1', [rowId(user)])).toHaveLength(1);
  });
});

describe('accounts: the first admin (BOOTSTRAP_ADMIN)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ BOOTSTRAP_ADMIN: 'admin1' });
  });
  afterAll(() => t.close());

  const signUp = async (handle: string) =>
    (
      await t.ok(SIGN_UP, {
        input: { handle, email: `${handle.toLowerCase()}@example.com`, password: PASSWORD },
      })
    ).signUp as { token: string; user: { id: string; role: string } };
  const roleOf = async (handle: string) =>
    (await t.sql('SELECT role FROM users WHERE lower(handle) = lower($1)', [handle]))[0]?.role;

  it('is never granted at sign-up; the existing account gets it when the service starts', async () => {
    const admin = await signUp('admin1');
    expect(admin.user.role).toBe('MEMBER');
    expect((await signUp('admin1x')).user.role).toBe('MEMBER');
    await t.restart();
    expect(await roleOf('admin1')).toBe('ADMIN');
    expect(await roleOf('admin1x')).toBe('MEMBER');
    const me = await t.ok('{ me { handle role } }', {}, admin.token);
    expect(me.me).toEqual({ handle: 'admin1', role: 'ADMIN' });
  });

  it('is granted once: a demotion is not undone by a restart', async () => {
    await t.sql(`UPDATE users SET role = 'MEMBER' WHERE handle = 'admin1'`);
    await t.restart();
    expect(await roleOf('admin1')).toBe('MEMBER');
    await t.sql(`UPDATE users SET role = 'ADMIN' WHERE handle = 'admin1'`);
  });

  it('never passes to whoever signs up with the handle of the deleted admin', async () => {
    const admin = await t.ok(SIGN_IN, { login: 'admin1', password: PASSWORD });
    await t.ok(DELETE_ACCOUNT, { password: PASSWORD }, admin.signIn.token);
    const taker = await signUp('ADMIN1');
    expect(taker.user.role).toBe('MEMBER');
    await t.restart();
    expect(await roleOf('ADMIN1')).toBe('MEMBER');
    const me = await t.ok('{ me { role } }', {}, taker.token);
    expect(me.me.role).toBe('MEMBER');
    const promote = await t.gql(SET_ROLE, { userId: taker.user.id, role: 'ADMIN' }, taker.token);
    expect(errorCode(promote)).toBe('FORBIDDEN');
  });
});
