/**
 * The floor of the peers bench: a bare node http server that checks the bearer token, runs the
 * home page as one SQL statement on node-postgres and writes the JSON seeit answers for the
 * bench's query (bench/peers.ts), with no GraphQL in between.
 */
import { createServer, IncomingMessage } from 'node:http';
import { toGlobalId } from '@app/common';
import { BearerCheck } from './peers-auth';
import { homeRefsSql, itemVisibleSql } from './peers-home-sql';
import { PAGE_SIZE } from './peers-query';
import { settingsFromEnv } from './peers-protocol';
import { recordingPool, serveParent } from './peers-server-support';

interface Row {
  item_kind: 'POST' | 'BROADCAST';
  item_id: string;
  text: string | null;
  created_at: Date | null;
  likes_count: number | null;
  liked: boolean;
  title: string | null;
  status: string | null;
  started_at: Date | null;
  author_id: string;
  handle: string;
  display_name: string;
}

const HOME = `SELECT r.item_kind, r.item_id, p.text, p.created_at, p.likes_count,
    EXISTS (SELECT 1 FROM post_likes pl WHERE pl.user_id = $1 AND pl.post_id = p.id) AS liked,
    b.title, b.status, b.started_at, u.id AS author_id, u.handle, u.display_name
  FROM (${homeRefsSql('$1::bigint', '$2', String(PAGE_SIZE + 1))}) r
  JOIN users u ON u.id = r.author_id
  LEFT JOIN posts p ON r.item_kind = 'POST' AND p.id = r.item_id
  LEFT JOIN broadcasts b ON r.item_kind = 'BROADCAST' AND b.id = r.item_id
  WHERE (p.id IS NOT NULL OR b.id IS NOT NULL)
    AND ${itemVisibleSql('$1::bigint', 'r.author_id', 'b.id')}
  ORDER BY r.sort_at DESC, r.item_id DESC`;

function node(row: Row): unknown {
  const author = {
    id: toGlobalId('User', row.author_id),
    handle: row.handle,
    displayName: row.display_name,
  };
  if (row.item_kind === 'POST') {
    return {
      __typename: 'Post',
      id: toGlobalId('Post', row.item_id),
      text: row.text,
      createdAt: row.created_at,
      likesCount: row.likes_count,
      viewerHasLiked: row.liked,
      author,
    };
  }
  return {
    __typename: 'Broadcast',
    id: toGlobalId('Broadcast', row.item_id),
    title: row.title,
    status: row.status,
    startedAt: row.started_at,
    broadcaster: author,
  };
}

async function body(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function main(): Promise<void> {
  const settings = settingsFromEnv();
  const { pool, recorder } = recordingPool(settings);
  const bearer = new BearerCheck(settings.jwtSecret);
  const server = createServer((request, response) => {
    const answer = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(json));
    };
    const viewer = bearer.viewerOf(request.headers.authorization);
    body(request)
      .then(async () => {
        if (!viewer) return answer(401, { errors: [{ message: 'not signed in' }] });
        // One more row than the page says whether there is a next page, as in seeit.
        // A named statement: each connection plans it once, as a floor should.
        const { rows } = await pool.query<Row>({
          name: 'peers-home',
          text: HOME,
          values: [viewer, PAGE_SIZE + 1],
        });
        answer(200, {
          data: {
            homeTimeline: {
              edges: rows.slice(0, PAGE_SIZE).map((row) => ({ node: node(row) })),
              pageInfo: { hasNextPage: rows.length > PAGE_SIZE },
            },
          },
        });
      })
      .catch((error: Error) => answer(500, { errors: [{ message: error.message }] }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serveParent((server.address() as { port: number }).port, recorder, async () => {
    server.close();
    await pool.end();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
