import { ErrorCode } from '@app/common';
import { Actor, inDays, PASSWORD, World } from './support/world';

/**
 * The authorization matrix: for every mutation and subscription, what each actor gets when they
 * call it on the owner's things. PRODUCT.md's rules, cell by cell:
 * - signing in is needed for every mutation but signUp and signIn; a suspended or deleted
 *   account's old token is refused (UNAUTHENTICATED over HTTP, close 4403 on a websocket);
 * - the owner's content does not exist for the account the owner blocks (NOT_FOUND), and the
 *   owner's profile neither: acting on it is NOT_FOUND too, but blocking back;
 * - moderating (ending, canceling, chat mode, bans, removing comments, deleting posts) is for the
 *   owner and admins: FORBIDDEN for anyone else who can see the thing;
 * - shows and airings are for PARTNER and ADMIN accounts, reports and roles for admins;
 * - private things (paired screens, watch-later entries) are the owner's alone: NOT_FOUND.
 */

/** A cell: the call succeeds, fails with this code, or (websockets) the socket closes with it. */
export type Outcome = 'ok' | ErrorCode | { closed: number };

export type Expectations = Record<Actor, Outcome>;

type SignedInActor = 'stranger' | 'owner' | 'follower' | 'blocked' | 'admin';

/** Cells of a mutation that needs a signed-in, active account. */
function signedIn(cells: Record<SignedInActor, Outcome>): Expectations {
  return {
    anonymous: 'UNAUTHENTICATED',
    suspended: 'UNAUTHENTICATED',
    deleted: 'UNAUTHENTICATED',
    ...cells,
  };
}

/** Anyone signed in may, on their own behalf. */
const anyone = signedIn({
  stranger: 'ok',
  owner: 'ok',
  follower: 'ok',
  blocked: 'ok',
  admin: 'ok',
});
/** Anyone who can see the owner's thing may (the account the owner blocks cannot see it). */
const viewers = signedIn({
  stranger: 'ok',
  owner: 'ok',
  follower: 'ok',
  blocked: 'NOT_FOUND',
  admin: 'ok',
});
/** The owner and admins moderate it; others who see it may not; the blocked cannot see it. */
const moderators = signedIn({
  stranger: 'FORBIDDEN',
  owner: 'ok',
  follower: 'FORBIDDEN',
  blocked: 'NOT_FOUND',
  admin: 'ok',
});
/** About the owner's account itself: not on yourself, and not on someone who blocks you. */
const towardOwner = signedIn({
  stranger: 'ok',
  owner: 'BAD_USER_INPUT',
  follower: 'ok',
  blocked: 'NOT_FOUND',
  admin: 'ok',
});
/** Undoing a relation with the owner: a no-op on yourself; the blocker still does not exist. */
const undoTowardOwner = signedIn({
  stranger: 'ok',
  owner: 'ok',
  follower: 'ok',
  blocked: 'NOT_FOUND',
  admin: 'ok',
});
const partners = signedIn({
  stranger: 'FORBIDDEN',
  owner: 'ok',
  follower: 'FORBIDDEN',
  blocked: 'FORBIDDEN',
  admin: 'ok',
});
const admins = signedIn({
  stranger: 'FORBIDDEN',
  owner: 'FORBIDDEN',
  follower: 'FORBIDDEN',
  blocked: 'FORBIDDEN',
  admin: 'ok',
});
const ownerOnly = signedIn({
  stranger: 'NOT_FOUND',
  owner: 'ok',
  follower: 'NOT_FOUND',
  blocked: 'NOT_FOUND',
  admin: 'NOT_FOUND',
});
/** Public mutations: a stale or refused token in the header does not stop signing in again. */
const everyone: Expectations = {
  anonymous: 'ok',
  stranger: 'ok',
  owner: 'ok',
  follower: 'ok',
  blocked: 'ok',
  suspended: 'ok',
  deleted: 'ok',
  admin: 'ok',
};

export interface MutationRow {
  field: string;
  /** What this case checks, when a field has more than one. */
  case?: string;
  document: string;
  /** Variables for one cell; fixtures made here belong to the row's owner. */
  variables: (world: World, actor: Actor) => Promise<Record<string, unknown>>;
  expect: Expectations;
  /** The row changes relations between the cast (follows, blocks) or deletes them: a new cast. */
  freshCast?: 'cast' | 'cast and admin';
}

const id = (make: (world: World) => Promise<string>) => async (world: World) => ({
  id: await make(world),
});
const ownerId = (world: World) => Promise.resolve({ id: world.owner.id });
const SUBJECT_USER = `mutation($id: ID!) { FIELD(userId: $id) { id handle bio } }`;
const towardUser = (field: string, expect: Expectations): MutationRow => ({
  field,
  document: SUBJECT_USER.replace('FIELD', field),
  variables: ownerId,
  expect,
  freshCast: 'cast',
});

let airingDay = 10;

export const MUTATIONS: MutationRow[] = [
  {
    field: 'addAiring',
    document: `mutation($showId: ID!, $input: AiringInput!) { addAiring(showId: $showId, input: $input) { id } }`,
    variables: async (world) => {
      airingDay += 1;
      return {
        showId: (await world.show()).id,
        input: { channel: 'one', startsAt: inDays(airingDay), endsAt: inDays(airingDay + 0.05) },
      };
    },
    expect: partners,
  },
  {
    field: 'banViewer',
    document: `mutation($id: ID!, $userId: ID!) { banViewer(broadcastId: $id, userId: $userId) }`,
    variables: async (world) => ({ id: await world.liveBroadcast(), userId: world.bystander.id }),
    expect: moderators,
  },
  // Blocking back stays possible, whoever blocks whom (graph.resolver.ts).
  towardUser(
    'block',
    signedIn({
      stranger: 'ok',
      owner: 'BAD_USER_INPUT',
      follower: 'ok',
      blocked: 'ok',
      admin: 'ok',
    }),
  ),
  {
    field: 'cancelBroadcast',
    document: `mutation($id: ID!) { cancelBroadcast(id: $id) { id status } }`,
    variables: id((world) => world.scheduledBroadcast()),
    expect: moderators,
  },
  {
    field: 'claimScreenCode',
    case: 'once the owner paired with the code (before, it is null for anyone)',
    document: `mutation($secret: String!) { claimScreenCode(pairingSecret: $secret) { deviceToken } }`,
    variables: async (world) => ({ secret: await world.pairedScreenSecret() }),
    expect: everyone,
  },
  {
    field: 'createPost',
    case: 'a reply to the owner’s post',
    document: `mutation($input: CreatePostInput!) { createPost(input: $input) { id } }`,
    variables: async (world) => ({ input: { text: 'a reply', replyToId: await world.post() } }),
    expect: viewers,
  },
  {
    field: 'createPost',
    case: 'sharing the owner’s live broadcast',
    document: `mutation($input: CreatePostInput!) { createPost(input: $input) { id } }`,
    variables: async (world) => ({
      input: { text: 'watch', broadcastId: await world.liveBroadcast() },
    }),
    expect: viewers,
  },
  {
    field: 'createShow',
    document: `mutation($input: CreateShowInput!) { createShow(input: $input) { id } }`,
    variables: (world) => {
      const name = world.unique('made');
      return Promise.resolve({ input: { slug: name, hashtag: name, title: name, network: 'Net' } });
    },
    expect: partners,
  },
  {
    field: 'deleteAccount',
    case: 'each actor deletes their own account',
    document: `mutation($password: String!) { deleteAccount(password: $password) }`,
    variables: () => Promise.resolve({ password: PASSWORD }),
    expect: anyone,
    freshCast: 'cast and admin',
  },
  {
    field: 'deleteReplay',
    document: `mutation($id: ID!) { deleteReplay(broadcastId: $id) { id replayAvailable } }`,
    variables: id((world) => world.replay()),
    expect: moderators,
  },
  {
    field: 'deletePost',
    document: `mutation($id: ID!) { deletePost(id: $id) }`,
    variables: id((world) => world.post()),
    expect: moderators,
  },
  {
    field: 'endBroadcast',
    document: `mutation($id: ID!) { endBroadcast(id: $id) { id status } }`,
    variables: id((world) => world.liveBroadcast()),
    expect: moderators,
  },
  towardUser('follow', towardOwner),
  {
    field: 'joinBroadcast',
    document: `mutation($id: ID!) { joinBroadcast(id: $id) { id viewerCount } }`,
    variables: id((world) => world.liveBroadcast()),
    expect: viewers,
  },
  {
    field: 'joinBroadcast',
    case: 'a followers-only broadcast',
    document: `mutation($id: ID!) { joinBroadcast(id: $id) { id viewerCount } }`,
    variables: id((world) => world.liveBroadcast({ visibility: 'FOLLOWERS' })),
    expect: signedIn({
      stranger: 'NOT_FOUND',
      owner: 'ok',
      follower: 'ok',
      blocked: 'NOT_FOUND',
      admin: 'NOT_FOUND',
    }),
  },
  {
    field: 'leaveBroadcast',
    document: `mutation($id: ID!) { leaveBroadcast(id: $id) { id viewerCount } }`,
    variables: id((world) => world.liveBroadcast()),
    expect: viewers,
  },
  {
    field: 'likePost',
    document: `mutation($id: ID!) { likePost(id: $id) { id likesCount } }`,
    variables: id((world) => world.post()),
    expect: viewers,
  },
  {
    field: 'markNotificationsRead',
    case: 'up to a notification of the owner’s (others mark only their own)',
    document: `mutation($upTo: ID) { markNotificationsRead(upTo: $upTo) }`,
    variables: async (world) => ({ upTo: await world.notification() }),
    expect: anyone,
  },
  towardUser('mute', towardOwner),
  {
    field: 'pairDevice',
    document: `mutation($name: String!) { pairDevice(name: $name, kind: TV) { device { id } deviceToken } }`,
    variables: (world) => Promise.resolve({ name: world.unique('screen') }),
    expect: anyone,
  },
  {
    field: 'pairDevice',
    case: 'with the code a screen shows',
    document: `mutation($name: String!, $code: String) { pairDevice(name: $name, kind: TV, screenCode: $code) { device { id } } }`,
    variables: async (world) => ({
      name: world.unique('screen'),
      code: (await world.screenCode()).code,
    }),
    expect: anyone,
  },
  {
    field: 'postComment',
    document: `mutation($id: ID!) { postComment(broadcastId: $id, text: "hi") { id } }`,
    variables: id((world) => world.liveBroadcast()),
    expect: viewers,
  },
  {
    field: 'postComment',
    case: 'chat for followers only',
    document: `mutation($id: ID!) { postComment(broadcastId: $id, text: "hi") { id } }`,
    variables: id((world) => world.liveBroadcast({ chatMode: 'FOLLOWERS' })),
    expect: signedIn({
      stranger: 'FORBIDDEN',
      owner: 'ok',
      follower: 'ok',
      blocked: 'NOT_FOUND',
      admin: 'FORBIDDEN',
    }),
  },
  {
    field: 'removeComment',
    case: 'a third party’s comment in the owner’s chat',
    document: `mutation($id: ID!) { removeComment(id: $id) }`,
    variables: id(async (world) => world.comment(await world.liveBroadcast())),
    expect: moderators,
  },
  {
    field: 'removeFromWatchLater',
    document: `mutation($id: ID!) { removeFromWatchLater(id: $id) }`,
    variables: id((world) => world.watchLaterEntry()),
    expect: ownerOnly,
  },
  {
    field: 'report',
    case: 'the owner’s post',
    document: `mutation($input: ReportInput!) { report(input: $input) { id status } }`,
    variables: async (world) => ({ input: { postId: await world.post(), reason: 'spam' } }),
    expect: towardOwner,
  },
  {
    field: 'requestScreenCode',
    document: `mutation { requestScreenCode { code pairingSecret expiresAt } }`,
    variables: () => Promise.resolve({}),
    expect: everyone,
  },
  {
    field: 'resolveReport',
    document: `mutation($id: ID!) { resolveReport(id: $id, status: DISMISSED) { id status } }`,
    variables: id((world) => world.report()),
    expect: admins,
  },
  {
    field: 'seeIt',
    case: 'the owner’s live broadcast',
    document: `mutation($input: SeeItInput!) { seeIt(input: $input) { url } }`,
    variables: async (world) => ({
      input: { broadcastId: await world.liveBroadcast(), action: 'WEB' },
    }),
    expect: viewers,
  },
  {
    field: 'seeIt',
    case: 'the owner’s show',
    document: `mutation($input: SeeItInput!) { seeIt(input: $input) { url } }`,
    variables: async (world) => ({ input: { showId: (await world.show()).id, action: 'WEB' } }),
    expect: viewers,
  },
  {
    field: 'sendHearts',
    document: `mutation($id: ID!) { sendHearts(broadcastId: $id, count: 3) }`,
    variables: id((world) => world.liveBroadcast()),
    expect: viewers,
  },
  {
    field: 'setChatMode',
    document: `mutation($id: ID!) { setChatMode(broadcastId: $id, mode: OFF) { id chatMode } }`,
    variables: id((world) => world.liveBroadcast()),
    expect: moderators,
  },
  {
    field: 'setRole',
    document: `mutation($id: ID!) { setRole(userId: $id, role: PARTNER) { id role } }`,
    variables: id(async (world) => (await world.account()).id),
    expect: admins,
  },
  {
    field: 'signIn',
    document: `mutation($input: SignInInput!) { signIn(input: $input) { token } }`,
    variables: async (world) => ({
      input: { login: (await world.account()).handle, password: PASSWORD },
    }),
    expect: everyone,
  },
  {
    field: 'signUp',
    document: `mutation($input: SignUpInput!) { signUp(input: $input) { token } }`,
    variables: (world) => {
      const handle = world.unique('new');
      return Promise.resolve({
        input: { handle, email: `${handle}@example.com`, password: PASSWORD },
      });
    },
    expect: everyone,
  },
  {
    field: 'startBroadcast',
    case: 'scheduled, so no actor runs into their own LIVE one',
    document: `mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { id status } }`,
    variables: () => Promise.resolve({ input: { title: 'soon', scheduledFor: inDays(2) } }),
    expect: anyone,
  },
  {
    field: 'suspendUser',
    document: `mutation($id: ID!) { suspendUser(userId: $id, reason: "spam") { id suspended } }`,
    variables: id(async (world) => (await world.account()).id),
    expect: admins,
  },
  towardUser('unblock', undoTowardOwner),
  towardUser('unfollow', undoTowardOwner),
  {
    field: 'unlikePost',
    document: `mutation($id: ID!) { unlikePost(id: $id) { id likesCount } }`,
    variables: id((world) => world.post()),
    expect: viewers,
  },
  towardUser('unmute', undoTowardOwner),
  {
    field: 'unpairDevice',
    document: `mutation($id: ID!) { unpairDevice(id: $id) }`,
    variables: id(async (world) => (await world.device()).id),
    expect: ownerOnly,
  },
  {
    field: 'unsuspendUser',
    document: `mutation($id: ID!) { unsuspendUser(userId: $id) { id suspended } }`,
    variables: id(async (world) => (await world.suspendedAccount()).id),
    expect: admins,
  },
  {
    field: 'updateProfile',
    case: 'each actor their own profile',
    document: `mutation { updateProfile(input: { bio: "hello" }) { id bio } }`,
    variables: () => Promise.resolve({}),
    expect: anyone,
  },
];

/** A websocket refused at connection_init: the token is bad, or its account is gone. */
const REFUSED = { closed: 4403 };

/** Subscriptions: a refused old token closes the socket; anonymous sockets are allowed. */
function subscribers(cells: Record<'anonymous' | SignedInActor, Outcome>): Expectations {
  return { suspended: REFUSED, deleted: REFUSED, ...cells };
}

/** The owner's public things: anyone may watch them, signed in or not, but whom the owner blocks. */
const publicStream = subscribers({
  anonymous: 'ok',
  stranger: 'ok',
  owner: 'ok',
  follower: 'ok',
  blocked: 'NOT_FOUND',
  admin: 'ok',
});
/** Each signed-in actor's own stream (their notifications, their timeline). */
const ownStream = subscribers({
  anonymous: 'UNAUTHENTICATED',
  stranger: 'ok',
  owner: 'ok',
  follower: 'ok',
  blocked: 'ok',
  admin: 'ok',
});

export interface SubscriptionRow {
  field: string;
  document: string;
  variables: (world: World) => Promise<Record<string, unknown>>;
  /** connection_init extras for an actor (a paired screen's deviceToken). */
  connectionParams?: (
    world: World,
    actor: Actor,
    variables: Record<string, unknown>,
  ) => Record<string, unknown>;
  /** Makes one event for every actor whose cell is 'ok' to receive. */
  trigger: (world: World, receivers: Actor[], variables: Record<string, unknown>) => Promise<void>;
  expect: Expectations;
}

export const SUBSCRIPTIONS: SubscriptionRow[] = [
  {
    field: 'broadcastEvents',
    document: `subscription($id: ID!) { broadcastEvents(broadcastId: $id) { kind } }`,
    variables: id((world) => world.liveBroadcast()),
    trigger: async (world, _receivers, variables) => {
      await world.comment(variables.id as string, world.owner);
    },
    expect: publicStream,
  },
  {
    field: 'notificationAdded',
    document: `subscription { notificationAdded { kind } }`,
    variables: () => Promise.resolve({}),
    trigger: async (world, receivers) => {
      const handles = receivers.map((actor) => `@${world.user(actor)!.handle}`);
      await world.post(world.bystander, `hello ${handles.join(' ')}`);
    },
    expect: ownStream,
  },
  {
    field: 'playCommands',
    document: `subscription { playCommands { url } }`,
    variables: async (world) => {
      const device = await world.device();
      return { deviceId: device.id, deviceToken: device.token };
    },
    // Only the owner's screen presents its deviceToken; everyone else connects as themselves.
    connectionParams: (_world, actor, variables) =>
      actor === 'owner' ? { deviceToken: variables.deviceToken } : {},
    trigger: async (world, _receivers, variables) => {
      const show = await world.show();
      await world.app.ok(
        `mutation($input: SeeItInput!) { seeIt(input: $input) { sentToDevice } }`,
        { input: { showId: show.id, action: 'TV', deviceId: variables.deviceId } },
        world.owner.token,
      );
    },
    expect: subscribers({
      anonymous: 'UNAUTHENTICATED',
      stranger: 'UNAUTHENTICATED',
      owner: 'ok',
      follower: 'UNAUTHENTICATED',
      blocked: 'UNAUTHENTICATED',
      admin: 'UNAUTHENTICATED',
    }),
  },
  {
    field: 'showConversation',
    document: `subscription($id: ID!) { showConversation(showId: $id) { id } }`,
    variables: async (world) => ({ id: (await world.show()).id }),
    trigger: async (world, _receivers, variables) => {
      const data = await world.app.ok(
        `query($id: ID!) { node(id: $id) { ... on Show { hashtag } } }`,
        {
          id: variables.id,
        },
      );
      await world.post(world.bystander, `watching #${data.node.hashtag}`);
    },
    expect: publicStream,
  },
  {
    field: 'timelineUpdates',
    document: `subscription { timelineUpdates { kind } }`,
    variables: () => Promise.resolve({}),
    trigger: async (world, receivers) => {
      for (const actor of receivers) await world.post(world.user(actor), 'for my timeline');
    },
    expect: ownStream,
  },
];
