import { errorCode, TestApp, TestUser } from '@app/testing';

/**
 * An optional id given as an empty string is a malformed id (BAD_USER_INPUT naming the field), not
 * a missing one: a reply with replyToId "" must not become a top-level post, nor a See it tap with
 * showId "" a tap on the broadcast. Nothing is written.
 */
describe('Empty optional ids', () => {
  let app: TestApp;
  let user: TestUser;
  let broadcastId: string;

  beforeAll(async () => {
    app = await TestApp.start();
    user = await app.signUp();
    const data = await app.ok(
      `mutation { startBroadcast(input: { title: "live" }) { id } }`,
      {},
      user.token,
    );
    broadcastId = data.startBroadcast.id;
  });

  afterAll(async () => {
    await app.close();
  });

  async function counts(): Promise<unknown> {
    return (
      await app.sql(
        `SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM see_it_taps) AS taps`,
      )
    )[0];
  }

  it.each([
    [
      'createPost replyToId',
      `mutation { createPost(input: { text: "hi", replyToId: "" }) { id } }`,
      'replyToId',
    ],
    [
      'createPost broadcastId',
      `mutation { createPost(input: { text: "hi", broadcastId: "" }) { id } }`,
      'broadcastId',
    ],
    [
      'seeIt showId',
      `mutation($b: ID!) { seeIt(input: { action: WEB, showId: "", broadcastId: $b }) { url } }`,
      'showId',
    ],
    [
      'seeIt deviceId',
      `mutation($b: ID!) { seeIt(input: { action: WEB, broadcastId: $b, deviceId: "" }) { url } }`,
      'deviceId',
    ],
  ])('%s: "" is BAD_USER_INPUT and changes nothing', async (_name, document, field) => {
    const before = await counts();
    const result = await app.gql(document, { b: broadcastId }, user.token);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].extensions?.fields).toEqual([expect.objectContaining({ field })]);
    expect(await counts()).toEqual(before);
  });
});
