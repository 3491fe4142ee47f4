/**
 * The bare Apollo Server 5 peer: a small schema for the bench's home page whose resolvers run
 * the statements seeit runs (bench/peers-apollo-statements.ts), prepared as seeit prepares them,
 * and no framework around them.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError } from 'graphql';
import { Pool } from 'pg';
import { toGlobalId } from '@app/common';
import { profile } from './cpu-profile';
import { BearerCheck } from './peers-auth';
import { settingsFromEnv } from './peers-protocol';
import { PAGE_SIZE } from './peers-query';
import { recordingPool, serveParent } from './peers-server-support';
import { HOME, USERS } from './peers-apollo-statements';
import { sleep } from './support';

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
  text: string;
  likes_count: number;
  created_at: Date;
  viewer_liked: boolean;
  author: UserRow;
}
interface BroadcastRow {
  kind: 'BROADCAST';
  id: string;
  title: string;
  status: string;
  started_at: Date | null;
  broadcaster: UserRow;
}

/**
 * A row of the home statement (bench/peers-apollo-statements.ts), with the columns this schema
 * shows; every column of a join that found nothing is null, and so are the reference columns of
 * the one row of an empty page.
 */
interface HomeRow {
  item_id: string | null;
  item_kind: 'POST' | 'BROADCAST' | null;
  author_id: string;
  author__id: string | null;
  author__handle: string;
  author__display_name: string;
  author_blocks_viewer: boolean;
  post__id: string | null;
  post__text: string;
  post__likes_count: number;
  post__created_at: Date;
  viewer_liked: boolean;
  broadcast__id: string | null;
  broadcast__title: string;
  broadcast__status: string;
  broadcast__visibility: 'PUBLIC' | 'FOLLOWERS';
  broadcast__started_at: Date | null;
  broadcast_banned: boolean;
  broadcast_follows: boolean | null;
}

/**
 * The item of a row as the viewer may see it, by seeit's rules (PostsService.isVisible,
 * BroadcastsService.isVisible): it exists, its author is active and does not block the viewer,
 * and a broadcast does not ban the viewer and is public, the viewer's own or followed.
 */
function visibleItem(row: HomeRow, viewerId: string): PostRow | BroadcastRow | null {
  if (row.author__id === null || row.author_blocks_viewer) return null;
  const author: UserRow = {
    id: row.author__id,
    handle: row.author__handle,
    display_name: row.author__display_name,
  };
  if (row.item_kind === 'POST') {
    if (row.post__id === null) return null;
    return {
      kind: 'POST',
      id: row.post__id,
      text: row.post__text,
      likes_count: row.post__likes_count,
      created_at: row.post__created_at,
      viewer_liked: row.viewer_liked,
      author,
    };
  }
  if (row.broadcast__id === null) return null;
  const own = row.author_id === viewerId;
  if (!own && row.broadcast_banned) return null;
  if (row.broadcast__visibility !== 'PUBLIC' && !own && row.broadcast_follows === null) {
    return null;
  }
  return {
    kind: 'BROADCAST',
    id: row.broadcast__id,
    title: row.broadcast__title,
    status: row.broadcast__status,
    started_at: row.broadcast__started_at,
    broadcaster: author,
  };
}

interface HomePage {
  items: (PostRow | BroadcastRow)[];
  hasNextPage: boolean;
}

class RequestContext {
  constructor(
    private readonly pool: Pool,
    readonly viewerId: string,
  ) {}

  /**
   * One statement for the page and everything its cards show, prepared once per pool
   * connection as seeit prepares it. hasNextPage comes from the raw rows, as seeit's does.
   */
  async home(first: number): Promise<HomePage> {
    // HOME is seeit's statement for pages of 11 to 20: its sources read 21 references each.
    if (first > PAGE_SIZE) throw new GraphQLError(`This peer answers at most ${PAGE_SIZE} items`);
    const { rows } = await this.pool.query<HomeRow>({
      name: 'peers_home',
      text: HOME,
      values: [this.viewerId, first + 1],
    });
    const refs = rows.filter((row) => row.item_id !== null);
    return {
      items: refs
        .slice(0, first)
        .map((row) => visibleItem(row, this.viewerId))
        .filter((item) => item !== null),
      hasNextPage: refs.length > first,
    };
  }
}

const RESOLVERS = {
  Query: {
    homeTimeline: (_: unknown, args: { first: number }, context: RequestContext) =>
      context.home(args.first),
  },
  TimelineConnection: {
    edges: ({ items }: HomePage) => items.map((node) => ({ node })),
    pageInfo: ({ hasNextPage }: HomePage) => ({ hasNextPage }),
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
    viewerHasLiked: (post: PostRow) => post.viewer_liked,
  },
  Broadcast: {
    id: (broadcast: BroadcastRow) => toGlobalId('Broadcast', broadcast.id),
    startedAt: (broadcast: BroadcastRow) => broadcast.started_at?.toISOString() ?? null,
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
      const active = await pool.query({ name: 'peers_users', text: USERS, values: [[viewerId]] });
      if (active.rows.length === 0) throw unauthenticated();
      return new RequestContext(pool, viewerId);
    },
  });
  serveParent(
    Number(new URL(url).port),
    recorder,
    async () => {
      await server.stop();
      await pool.end();
    },
    async (seconds, file) => (await profile(() => sleep(seconds * 1000), file)).summary,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
