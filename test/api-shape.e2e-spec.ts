import {
  assertInterfaceType,
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  IntrospectionQuery,
  isLeafType,
  isNonNullType,
  isObjectType,
  isRequiredArgument,
} from 'graphql';
import { TestApp, TestUser } from '@app/testing';

/**
 * The API's shape as a client developer meets it, read from the running app's introspection:
 * every type with an id is a Node that node(id:) fetches with its own query's visibility, and the
 * members of TimelineItem can be asked for every field they share without aliases.
 */

const NODE = `query($id: ID!) { node(id: $id) { __typename id } }`;
const MINUTE = 60_000;
/** Each is fetched below for an allowed and a denied viewer; checked against the schema's. */
const NODE_TYPES = [
  'User',
  'Post',
  'Broadcast',
  'BroadcastComment',
  'Show',
  'Airing',
  'Device',
  'WatchLaterEntry',
  'Notification',
  'Report',
];

/** Object types with an `id: ID!` field, by name. */
function typesWithId(schema: GraphQLSchema): GraphQLObjectType[] {
  return Object.values(schema.getTypeMap()).filter((type): type is GraphQLObjectType => {
    if (!isObjectType(type) || type.name.startsWith('__')) return false;
    const id = type.getFields().id;
    return !!id && isNonNullType(id.type) && getNamedType(id.type).name === 'ID';
  });
}

/** A selection of every field the union's members share, the same text in each member. */
function sharedSelection(schema: GraphQLSchema, unionName: string): string {
  const union = schema.getType(unionName);
  if (!union || !('getTypes' in union)) throw new Error(`${unionName} is not a union`);
  const members = union.getTypes();
  const shared = Object.keys(members[0].getFields()).filter((name) =>
    members.every((member) => name in member.getFields()),
  );
  const fields = shared.map((name) => {
    const field = members[0].getFields()[name];
    const required = field.args.filter(isRequiredArgument);
    if (required.length > 0) {
      throw new Error(`${unionName} members share ${name}, which needs arguments: give them here`);
    }
    return isLeafType(getNamedType(field.type)) ? name : `${name} { __typename }`;
  });
  return members.map((member) => `... on ${member.name} { ${fields.join(' ')} }`).join(' ');
}

describe('API shape (e2e)', () => {
  let t: TestApp;
  let schema: GraphQLSchema;

  beforeAll(async () => {
    t = await TestApp.start();
    const introspection = await t.ok<IntrospectionQuery>(getIntrospectionQuery());
    schema = buildClientSchema(introspection);
  });
  afterAll(() => t.close());

  describe('TimelineItem', () => {
    /** Checks one timeline item selected with sharedSelection. */
    function expectSharedFields(node: any): void {
      expect(['Broadcast', 'Post']).toContain(node.__typename);
      expect(node.id).toEqual(expect.any(String));
      // Post.seeIt is null for a post with no show or broadcast; a broadcast always has one.
      if (node.__typename === 'Broadcast') expect(node.seeIt).toEqual({ __typename: 'SeeIt' });
    }

    it('has members that agree on every shared field: one selection, no aliases, gets data', async () => {
      const owner = await t.signUp();
      await t.ok(`mutation { createPost(input: { text: "a post" }) { id } }`, {}, owner.token);
      await t.ok(
        `mutation { startBroadcast(input: { title: "a broadcast" }) { id } }`,
        {},
        owner.token,
      );
      const selection = sharedSelection(schema, 'TimelineItem');
      const query = `{ homeTimeline(first: 10) { edges { node { __typename ${selection} } } } }`;

      const result = await t.gql(query, {}, owner.token);

      expect(result.errors).toBeUndefined();
      const nodes = result.data.homeTimeline.edges.map((edge: any) => edge.node);
      expect(nodes.map((node: any) => node.__typename).sort()).toEqual(['Broadcast', 'Post']);
      nodes.forEach(expectSharedFields);
    });

    it('takes the same selection in timelineUpdates over a websocket', async () => {
      const [reader, writer] = [await t.signUp(), await t.signUp()];
      await t.ok(
        `mutation($id: ID!) { follow(userId: $id) { id } }`,
        { id: writer.id },
        reader.token,
      );
      const selection = sharedSelection(schema, 'TimelineItem');
      const sub = await t.subscribe(
        `subscription { timelineUpdates { kind item { __typename ${selection} } } }`,
        {},
        reader.token,
      );
      try {
        await t.ok(`mutation { createPost(input: { text: "pushed" }) { id } }`, {}, writer.token);
        await t.ok(
          `mutation { startBroadcast(input: { title: "pushed live" }) { id } }`,
          {},
          writer.token,
        );
        const items = [];
        while (items.length < 2) {
          const { kind, item } = (await sub.nextData()).timelineUpdates;
          if (kind === 'ADDED' || kind === 'NOW_LIVE') items.push(item);
        }
        expect(items.map((item) => item.__typename).sort()).toEqual(['Broadcast', 'Post']);
        items.forEach(expectSharedFields);
      } finally {
        await sub.close();
      }
    });
  });

  describe('node(id:)', () => {
    interface NodeCase {
      id: string;
      /** May see it through its own query. */
      allowed: TestUser;
      /** May not: blocked by its owner, or not its owner. */
      denied: TestUser;
    }
    const cases = new Map<string, NodeCase>();

    beforeAll(async () => {
      const [owner, fan, blocked] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await t.sql('UPDATE users SET role = $2 WHERE handle = $1', [owner.handle, 'PARTNER']);
      await t.ok(`mutation($id: ID!) { follow(userId: $id) { id } }`, { id: owner.id }, fan.token);
      await t.ok(
        `mutation($id: ID!) { block(userId: $id) { id } }`,
        { id: blocked.id },
        owner.token,
      );
      const ownersContent = (id: string): NodeCase => ({ id, allowed: fan, denied: blocked });

      cases.set('User', ownersContent(owner.id));
      const post = await t.ok(
        `mutation { createPost(input: { text: "hello" }) { id } }`,
        {},
        owner.token,
      );
      cases.set('Post', ownersContent(post.createPost.id));
      const broadcast = await t.ok(
        `mutation { startBroadcast(input: { title: "live" }) { id } }`,
        {},
        owner.token,
      );
      cases.set('Broadcast', ownersContent(broadcast.startBroadcast.id));
      const comment = await t.ok(
        `mutation($id: ID!) { postComment(broadcastId: $id, text: "hi") { id } }`,
        { id: broadcast.startBroadcast.id },
        owner.token,
      );
      cases.set('BroadcastComment', ownersContent(comment.postComment.id));
      const show = await t.ok(
        `mutation { createShow(input: { slug: "shape-show", title: "Shape", network: "N", hashtag: "ShapeShow" }) { id } }`,
        {},
        owner.token,
      );
      cases.set('Show', ownersContent(show.createShow.id));
      const airing = await t.ok(
        `mutation($showId: ID!, $input: AiringInput!) { addAiring(showId: $showId, input: $input) { airings { id } } }`,
        {
          showId: show.createShow.id,
          input: {
            channel: 'One',
            startsAt: new Date(Date.now() + 60 * MINUTE).toISOString(),
            endsAt: new Date(Date.now() + 90 * MINUTE).toISOString(),
          },
        },
        owner.token,
      );
      cases.set('Airing', ownersContent(airing.addAiring.airings[0].id));

      // Things that are one account's alone: anyone else is denied.
      const device = await t.ok(
        `mutation { pairDevice(name: "Living room", kind: TV) { device { id } } }`,
        {},
        fan.token,
      );
      cases.set('Device', { id: device.pairDevice.device.id, allowed: fan, denied: owner });
      await t.ok(
        `mutation($id: ID!) { seeIt(input: { showId: $id, action: LATER }) { savedForLater } }`,
        { id: show.createShow.id },
        fan.token,
      );
      const saved = await t.ok(`{ watchLater { edges { node { id } } } }`, {}, fan.token);
      cases.set('WatchLaterEntry', {
        id: saved.watchLater.edges[0].node.id,
        allowed: fan,
        denied: owner,
      });
      const notifications = await t.ok(
        `{ notifications(first: 1) { edges { node { id kind } } } }`,
        {},
        owner.token,
      );
      expect(notifications.notifications.edges[0].node.kind).toBe('FOLLOWED');
      cases.set('Notification', {
        id: notifications.notifications.edges[0].node.id,
        allowed: owner,
        denied: fan,
      });
      const report = await t.ok(
        `mutation($id: ID!) { report(input: { postId: $id, reason: "spam" }) { id } }`,
        { id: post.createPost.id },
        fan.token,
      );
      cases.set('Report', { id: report.report.id, allowed: fan, denied: owner });
    });

    it('every type with an id implements Node', () => {
      const notNodes = typesWithId(schema)
        .filter((type) => !type.getInterfaces().some((i) => i.name === 'Node'))
        .map((type) => type.name);
      expect(notNodes).toEqual([]);
    });

    it('is tested below for every type that implements Node', () => {
      const nodeTypes = schema
        .getPossibleTypes(assertInterfaceType(schema.getType('Node')))
        .map((type) => type.name);
      expect([...NODE_TYPES].sort()).toEqual(nodeTypes.sort());
      expect([...cases.keys()].sort()).toEqual(nodeTypes.sort());
    });

    it.each(NODE_TYPES)(
      'fetches a %s for a viewer who may see it, and null for one who may not',
      async (type) => {
        const { id, allowed, denied } = cases.get(type)!;

        const seen = await t.gql(NODE, { id }, allowed.token);
        const hidden = await t.gql(NODE, { id }, denied.token);

        expect(seen).toEqual({ data: { node: { __typename: type, id } } });
        expect(hidden).toEqual({ data: { node: null } });
      },
    );
  });
});
