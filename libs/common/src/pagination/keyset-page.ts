import { formatDateTime } from '../graphql/date-time.scalar';
import { ConnectionArgs, ConnectionShape, pageSize, toConnection, withNode } from './connection';
import { encodeCursor, keysetCondition, KeysetColumn } from './cursor';

/** How a list is ordered: its key columns, all in one direction, and a row's key values. */
export interface KeysetOrder<R> {
  columns: readonly KeysetColumn[];
  direction: 'ASC' | 'DESC';
  keyOf: (row: R) => readonly (string | number | Date)[];
}

/** What a repository's page query gets: the cursor's condition ('' on the first page) and LIMIT. */
export interface KeysetSlice {
  /** `AND (…) < ($n, …)` or '' on the first page; its values are already appended to params. */
  andAfter: string;
  /** The LIMIT: one row more than the page, to know whether a next page exists. */
  limit: number;
  params: unknown[];
}

/**
 * One keyset page as a Relay connection: decodes `args.after` for `order`, lets `fetch` run the
 * query with that condition and limit, and builds the edges and page info from the rows.
 * `params` are the query's own parameters, numbered before the cursor's.
 */
export async function keysetPage<R>(
  args: ConnectionArgs,
  order: KeysetOrder<R>,
  params: unknown[],
  fetch: (slice: KeysetSlice) => Promise<R[]>,
): Promise<ConnectionShape<R>> {
  const size = pageSize(args);
  const all = [...params];
  const condition = keysetCondition(args.after, order.columns, order.direction, all);
  const rows = await fetch({
    andAfter: condition && `AND ${condition}`,
    limit: size + 1,
    params: all,
  });
  return toConnection(
    rows,
    size,
    (row) =>
      encodeCursor(
        order.keyOf(row).map((part) => (part instanceof Date ? formatDateTime(part) : part)),
      ),
    (row) => row,
    !!args.after,
  );
}

/** The same connection with each node mapped (entity to GraphQL model), cursors kept. */
export function mapConnection<A, B>(
  connection: ConnectionShape<A>,
  nodeOf: (node: A) => B,
): ConnectionShape<B> {
  return {
    edges: connection.edges.map((edge) => withNode(edge, nodeOf(edge.node))),
    pageInfo: connection.pageInfo,
  };
}

/**
 * The connection with each node mapped, leaving out those `nodeOf` maps to undefined (gone or
 * hidden since the page was read): the start and end cursors follow the edges kept, while
 * hasNextPage stays the page's, so the next page starts where the rows read ended.
 */
export function compactConnection<A, B>(
  connection: ConnectionShape<A>,
  nodeOf: (node: A, index: number) => B | undefined,
): ConnectionShape<B> {
  const edges = connection.edges.flatMap((edge, i) => {
    const node = nodeOf(edge.node, i);
    return node === undefined ? [] : [withNode(edge, node)];
  });
  return {
    edges,
    pageInfo: {
      ...connection.pageInfo,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
