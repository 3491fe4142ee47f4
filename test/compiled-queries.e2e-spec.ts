import { GraphQLSchemaHost } from '@nestjs/graphql';
import { execute, parse } from 'graphql';
import { AuthService } from '@app/accounts';
import { WentLiveNotifier } from '@app/notifications';
import { TestApp, TestUser, webOperation } from '@app/testing';

/**
 * Queries over HTTP run as compiled JavaScript (apps/api/src/graphql/compiled-queries.ts). Each of
 * the web app's queries, over a timeline with every kind of card, must answer exactly what
 * graphql-js's own execution of the same document answers for the same viewer; and a query that
 * meets an error answers as it always did.
 */

const CREATE_SHOW = `mutation($input: CreateShowInput!) { createShow(input: $input) { id slug } }`;
const ADD_AIRING = `mutation($showId: ID!, $input: AiringInput!) { addAiring(showId: $showId, input: $input) { id } }`;
const START = `mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { id } }`;
const END = `mutation($id: ID!) { endBroadcast(id: $id) { id } }`;
const LIKE = `mutation($id: ID!) { likePost(id: $id) { id } }`;
const TAP = `mutation($input: SeeItInput!) { seeIt(input: $input) { savedForLater } }`;
const PAIR = `mutation($name: String!, $kind: SeeItTarget!) { pairDevice(name: $name, kind: $kind) { deviceToken } }`;
const MINUTE = 60_000;

describe('queries run compiled', () => {
  let t: TestApp;
  let viewer: TestUser;
  let writer: TestUser;
  let showSlug: string;
  let liveId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    [viewer, writer] = [await t.signUp(), await t.signUp()];
    const partner = await t.signUp();
    await t.sql(`UPDATE users SET role = 'PARTNER' WHERE handle = $1`, [partner.handle]);
    await t.follow(viewer, writer);
    await t.follow(viewer, partner);
    await t.follow(writer, viewer);

    const show = (
      await t.ok(
        CREATE_SHOW,
        {
          input: { slug: 'compiled', title: 'Compiled', network: 'NBC', hashtag: '#Compiled' },
        },
        partner.token,
      )
    ).createShow as { id: string; slug: string };
    showSlug = show.slug;
    const airing = (from: number, to: number) => ({
      channel: 'NBC East',
      startsAt: new Date(Date.now() + from * MINUTE).toISOString(),
      endsAt: new Date(Date.now() + to * MINUTE).toISOString(),
    });
    await t.ok(ADD_AIRING, { showId: show.id, input: airing(-10, 50) }, partner.token);
    await t.ok(ADD_AIRING, { showId: show.id, input: airing(120, 180) }, partner.token);

    const ended = (await t.ok(START, { input: { title: 'earlier' } }, writer.token)).startBroadcast
      .id as string;
    await t.ok(END, { id: ended }, writer.token);
    liveId = (await t.ok(START, { input: { title: 'on air' } }, writer.token)).startBroadcast
      .id as string;
    const liked = await t.post(writer, `hello @${viewer.handle} #Compiled`);
    await t.ok(LIKE, { id: liked }, viewer.token);
    await t.post(writer, { text: 'watch this', broadcastId: liveId });
    await t.post(writer, { text: 'a reply', replyToId: liked });
    await t.post(partner, 'tonight #Compiled');
    await t.post(viewer, 'my own');
    await t.ok(TAP, { input: { showId: show.id, action: 'LATER' } }, viewer.token);
    await t.ok(TAP, { input: { broadcastId: liveId, action: 'LATER' } }, viewer.token);
    await t.ok(PAIR, { name: 'Living room', kind: 'TV' }, viewer.token);
    // The go-live's notifications are written a second later: written now, so nothing writes
    // between the two answers and their snapshots (HomeTimeline's updatesCursor) are the same.
    await t.app.get(WentLiveNotifier).settled();
  });
  afterAll(() => t.close());

  /** graphql-js's own answer to the document, for the viewer, on the app's schema. */
  async function interpreted(
    document: string,
    variables: Record<string, unknown>,
    user: TestUser,
  ): Promise<unknown> {
    const contextValue = await t.app
      .get(AuthService)
      .createContext(`Bearer ${user.token}`, '127.0.0.1');
    const result = await execute({
      schema: t.app.get(GraphQLSchemaHost).schema,
      document: parse(document),
      contextValue,
      variableValues: variables,
    });
    expect(result.errors).toBeUndefined();
    return JSON.parse(JSON.stringify(result.data));
  }

  it.each([
    ['timeline.graphql', 'HomeTimeline', () => ({})],
    ['profile.graphql', 'Profile', () => ({ handle: writer.handle })],
    ['profile.graphql', 'ProfileTimeline', () => ({ handle: writer.handle })],
    ['broadcast.graphql', 'BroadcastPage', () => ({ id: liveId })],
    ['broadcast.graphql', 'LiveNow', () => ({})],
    ['notifications.graphql', 'Notifications', () => ({})],
    ['see-it.graphql', 'Show', () => ({ slug: showSlug })],
    ['see-it.graphql', 'WatchLater', () => ({})],
    ['see-it.graphql', 'Devices', () => ({})],
    ['session.graphql', 'Me', () => ({})],
  ])('answers the web app’s %s %s as graphql-js does', async (file, name, variables) => {
    const document = webOperation(file, name);
    const compiled = await t.ok(document, variables(), viewer.token);
    expect(compiled).toEqual(await interpreted(document, variables(), viewer));
    // The same document again comes from the compiled code kept for it.
    expect(await t.ok(document, variables(), viewer.token)).toEqual(compiled);
  });

  it('answers a query that meets an error as before: data where it could, the error coded', async () => {
    const body = await t.gql(
      `query($id: ID!) { me { handle } post(id: $id) { id } }`,
      { id: 'bm90LWEtcG9zdA' },
      viewer.token,
    );
    expect(body.data).toEqual({ me: { handle: viewer.handle }, post: null });
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers a signed-out query of a signed-in field UNAUTHENTICATED', async () => {
    const body = await t.gql(`{ homeTimeline(first: 5) { edges { cursor } } }`, {});
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });
});
