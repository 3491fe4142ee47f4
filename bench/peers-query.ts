/**
 * The one home-page read every contender of the peers bench answers, and how each answer is
 * reduced to the items it shows (kind, database id, author handle, in order) to check that they
 * all show the same page.
 */
export const PAGE_SIZE = 20;

/**
 * A selection of the web app's HomeTimeline document (apps/web/src/graphql): each card's id,
 * text or title, time, author, the per-viewer field (viewerHasLiked) and whether there is more.
 * seeit, the raw server and the bare Apollo server take it as is.
 */
export const HOME_QUERY = `query HomeTimeline {
  homeTimeline(first: ${PAGE_SIZE}) {
    edges {
      node {
        __typename
        ... on Post { id text createdAt likesCount viewerHasLiked author { id handle displayName } }
        ... on Broadcast { id title status startedAt broadcaster { id handle displayName } }
      }
    }
    pageInfo { hasNextPage }
  }
}`;

/** The same selection in PostGraphile's schema (bench/peers-postgraphile-sql.ts). */
export const POSTGRAPHILE_QUERY = `query HomeTimeline {
  homeTimeline(pageSize: ${PAGE_SIZE}, first: ${PAGE_SIZE}) {
    nodes {
      kind itemId text createdAt likesCount viewerHasLiked title status startedAt
      author { handle displayName }
    }
    pageInfo { hasNextPage }
  }
}`;

export interface PageSummary {
  /** `KIND:id@handle`, in page order. */
  items: string[];
  hasNextPage: boolean;
}

interface SeeitNode {
  __typename: 'Post' | 'Broadcast';
  id: string;
  author?: { handle: string };
  broadcaster?: { handle: string };
}

interface SeeitAnswer {
  data?: {
    homeTimeline: { edges: { node: SeeitNode }[]; pageInfo: { hasNextPage: boolean } };
  };
  errors?: unknown;
}

interface PostGraphileAnswer {
  data?: {
    homeTimeline: {
      nodes: { kind: string; itemId: string; author: { handle: string } }[];
      pageInfo: { hasNextPage: boolean };
    };
  };
  errors?: unknown;
}

function databaseId(globalId: string): string {
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  return text.slice(text.indexOf(':') + 1);
}

export function summarizeSeeit(json: unknown): PageSummary {
  const answer = json as SeeitAnswer;
  if (!answer.data || answer.errors) throw new Error(`errors: ${JSON.stringify(answer.errors)}`);
  const page = answer.data.homeTimeline;
  return {
    items: page.edges.map(({ node }) => {
      const handle = (node.author ?? node.broadcaster)?.handle;
      return `${node.__typename.toUpperCase()}:${databaseId(node.id)}@${handle}`;
    }),
    hasNextPage: page.pageInfo.hasNextPage,
  };
}

export function summarizePostGraphile(json: unknown): PageSummary {
  const answer = json as PostGraphileAnswer;
  if (!answer.data || answer.errors) throw new Error(`errors: ${JSON.stringify(answer.errors)}`);
  const page = answer.data.homeTimeline;
  return {
    items: page.nodes.map((node) => `${node.kind}:${node.itemId}@${node.author.handle}`),
    hasNextPage: page.pageInfo.hasNextPage,
  };
}
