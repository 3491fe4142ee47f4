/**
 * The bare Apollo Server 5 peer: a small schema for the bench's home page whose resolvers run
 * the statements seeit runs (bench/peers-apollo-statements.ts) with per-request DataLoaders,
 * and no framework around them.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { Pool } from 'pg';
import { toGlobalId } from '@app/common';
import { BearerCheck } from './peers-auth';
import { settingsFromEnv } from './peers-protocol';
import { recordingPool, serveParent } from './peers-server-support';
import { BANS, BLOCKERS, BROADCASTS, HOME, LIKES, POSTS, USERS } from './peers-apollo-statements';

const TYPE_DEFS = `#graphql
  type Query { homeTimeline(first: Int!): TimelineConnection! }
  type TimelineConnection { edges: [TimelineEdge!]! pageInfo: PageInfo! }
  type TimelineEdge { node: TimelineItem! }
  type PageInfo { hasNextPage: Boolean! }
  union TimelineItem = Post | Broadcast
  type User { id: ID! handle: String! displayName: String! }
  type Post {
    id: ID!
    text: String!
    createdAt: String!
    likesCount: Int!
    viewerHasLiked: Boolean!
    author: User!
  }
  type Broadcast {
    id: ID!
    title: String!
    status: String!
    startedAt: String
    broadcaster: User!
  }
`;

interface UserRow {
  id: string;
  handle: string;
  display_name: string;
}
interface PostRow {
  kind: 'POST';
  id: string;
  author_id: string;
  text: string;
  likes_count: number;
  created_at: Date;
}
interface BroadcastRow {
  kind: 'BROADCAST';
  id: string;
  broadcaster_id: string;
  title: string;
  status: string;
  started_at: Date | null;
}
interface RefRow {
  item_id: string | null;
  item_kind: 'POST' | 'BROADCAST' | null;
}

/** A batch loader by id over one `= ANY($n)` statement; rows missing from the answer are null. */
function byId<T>(load: (ids: readonly string[]) => Promise<Map<string, T>>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const found = await load(ids);
    return ids.map((id) => found.get(id) ?? null);
  });
}

class RequestContext {
  readonly users;
  readonly blockers;
  readonly bans;
  readonly likes;
  readonly posts;
  readonly broadcasts;

  constructor(
    private readonly pool: Pool,
    readonly viewerId: string,
  ) {
    const rows = async <T>(sql: string, params: unknown[]) =>
      (await pool.query(sql, params)).rows as T[];
    const keyed = <T extends object>(list: T[], key: (row: T) => string) =>
      new Map(list.map((row) => [key(row), row]));
    const flags = (list: Record<string, string>[], column: string) =>
      new Map(list.map((row) => [row[column], true]));
    this.users = byId(async (ids) => keyed(await rows<UserRow>(USERS, [ids]), (u) => u.id));
    this.blockers = byId(async (ids) => flags(await rows(BLOCKERS, [viewerId, ids]), 'blocker_id'));
    this.bans = byId(async (ids) => flags(await rows(BANS, [viewerId, ids]), 'broadcast_id'));
    this.likes = byId(async (ids) => flags(await rows(LIKES, [viewerId, ids]), 'post_id'));
    // An item shows when its author is active and does not block the viewer, and for a
    // broadcast when the viewer is not banned from it.
    this.posts = byId(async (ids) => {
      const found = await rows<PostRow>(POSTS, [ids]);
      const authors = found.map((p) => p.author_id);
      const [active, blocking] = await Promise.all([
        this.users.loadMany(authors),
        this.blockers.loadMany(authors),
      ]);
      return keyed(
        found
          .filter((_, i) => active[i] && !blocking[i])
          .map((p) => ({ ...p, kind: 'POST' as const })),
        (p) => p.id,
      );
    });
    this.broadcasts = byId(async (ids) => {
      const found = await rows<BroadcastRow>(BROADCASTS, [ids]);
      const casters = found.map((b) => b.broadcaster_id);
      const [active, banned, blocking] = await Promise.all([
        this.users.loadMany(casters),
        this.bans.loadMany(found.map((b) => b.id)),
        this.blockers.loadMany(casters),
      ]);
      return keyed(
        found
          .filter((_, i) => active[i] && !banned[i] && !blocking[i])
          .map((b) => ({ ...b, kind: 'BROADCAST' as const })),
        (b) => b.id,
      );
    });
  }

  async home(first: number): Promise<{ refs: RefRow[]; hasNextPage: boolean }> {
    const found = (await this.pool.query<RefRow>(HOME, [this.viewerId, first + 1])).rows;
    const refs = found.filter((row) => row.item_id !== null);
    return { refs: refs.slice(0, first), hasNextPage: refs.length > first };
  }
}

const RESOLVERS = {
  Query: {
    homeTimeline: (_: unknown, args: { first: number }, context: RequestContext) =>
      context.home(args.first),
  },
  TimelineConnection: {
    edges: async ({ refs }: { refs: RefRow[] }, _: unknown, context: RequestContext) => {
      const items = await Promise.all(
        refs.map((ref) =>
          ref.item_kind === 'POST'
            ? context.posts.load(ref.item_id!)
            : context.broadcasts.load(ref.item_id!),
        ),
      );
      return items.filter((item) => item !== null).map((node) => ({ node }));
    },
    pageInfo: ({ hasNextPage }: { hasNextPage: boolean }) => ({ hasNextPage }),
  },
  TimelineItem: {
    __resolveType: (item: PostRow | BroadcastRow) => (item.kind === 'POST' ? 'Post' : 'Broadcast'),
  },
  User: {
    id: (user: UserRow) => toGlobalId('User', user.id),
    displayName: (user: UserRow) => user.display_name,
  },
  Post: {
    id: (post: PostRow) => toGlobalId('Post', post.id),
    createdAt: (post: PostRow) => post.created_at.toISOString(),
    likesCount: (post: PostRow) => post.likes_count,
    viewerHasLiked: async (post: PostRow, _: unknown, context: RequestContext) =>
      (await context.likes.load(post.id)) ?? false,
    author: (post: PostRow, _: unknown, context: RequestContext) =>
      context.users.load(post.author_id),
  },
  Broadcast: {
    id: (broadcast: BroadcastRow) => toGlobalId('Broadcast', broadcast.id),
    startedAt: (broadcast: BroadcastRow) => broadcast.started_at?.toISOString() ?? null,
    broadcaster: (broadcast: BroadcastRow, _: unknown, context: RequestContext) =>
      context.users.load(broadcast.broadcaster_id),
  },
};

async function main(): Promise<void> {
  const settings = settingsFromEnv();
  const { pool, recorder } = recordingPool(settings);
  const bearer = new BearerCheck(settings.jwtSecret);
  const unauthenticated = () =>
    new GraphQLError('Your token is not valid. Sign in again.', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  const server = new ApolloServer<RequestContext>({
    typeDefs: TYPE_DEFS,
    resolvers: RESOLVERS,
    includeStacktraceInErrorResponses: false,
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    // As seeit: the token, then its account must still be active.
    context: async ({ req }) => {
      const viewerId = bearer.viewerOf(req.headers.authorization);
      if (!viewerId) throw unauthenticated();
      const active = await pool.query(USERS, [[viewerId]]);
      if (active.rows.length === 0) throw unauthenticated();
      return new RequestContext(pool, viewerId);
    },
  });
  serveParent(Number(new URL(url).port), recorder, async () => {
    await server.stop();
    await pool.end();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
