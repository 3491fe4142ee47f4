import { Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, Max, Min } from 'class-validator';
import { FieldProblem } from '../errors/domain-errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ description: 'Where a page of a Relay connection sits in its list.' })
export class PageInfo {
  @Field({ description: 'True when more items follow: ask again with after: endCursor.' })
  hasNextPage!: boolean;

  @Field({ description: 'True when this page was asked for with `after` (items come before it).' })
  hasPreviousPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "The first edge's cursor; null when the page is empty.",
  })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The last edge's cursor, to pass as `after` for the next page; null when empty.",
  })
  endCursor!: string | null;
}

/** `first`/`after` of every forward Relay connection; `first` is 1 to 100 (default 20). */
const FIRST_TOO_SMALL = 'must be at least 1';
const FIRST_TOO_LARGE = `must be at most ${MAX_PAGE_SIZE}`;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    description: `How many items: 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}); others are BAD_USER_INPUT.`,
  })
  @IsOptional()
  @Min(1, { message: FIRST_TOO_SMALL })
  @Max(MAX_PAGE_SIZE, { message: FIRST_TOO_LARGE })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Start after this cursor: an edge cursor (or endCursor) got from this same field; left out, from the start. A malformed cursor is BAD_USER_INPUT; cursors of other lists, and TimelineUpdate.cursor, are not valid here.',
  })
  @IsOptional()
  after?: string | null;
}

/**
 * ConnectionArgs checked without class-validator, with its messages: every list field takes them,
 * and the validator pipeline costs more than the check. GraphQL has already made `first` an Int
 * (or null) and `after` a String. Empty when they are valid.
 */
export function connectionArgsProblems(args: ConnectionArgs): FieldProblem[] {
  const { first } = args;
  if (first === undefined || first === null) return [];
  if (first < 1) return [{ field: 'first', message: FIRST_TOO_SMALL }];
  if (first > MAX_PAGE_SIZE) return [{ field: 'first', message: FIRST_TOO_LARGE }];
  return [];
}

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

/**
 * An edge whose cursor is written when it is first read. Clients page with pageInfo's endCursor
 * and seldom select each edge's cursor, which costs about a microsecond to write: 3 % of a home
 * page's CPU for twenty cursors nobody reads. The cursor is written from the row as it is then,
 * so a page's rows are not changed once the page is built.
 */
export class LazyCursorEdge<T> implements Edge<T> {
  private written?: string;

  constructor(
    readonly node: T,
    private readonly writeCursor: () => string,
  ) {}

  get cursor(): string {
    return (this.written ??= this.writeCursor());
  }
}

/** The edge with another node at the same position; its cursor is still written only if read. */
export function withNode<A, B>(edge: Edge<A>, node: B): Edge<B> {
  return new LazyCursorEdge(node, () => edge.cursor);
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

export function pageSize(args: ConnectionArgs): number {
  return args.first ?? DEFAULT_PAGE_SIZE;
}

/**
 * Builds a connection from rows fetched with LIMIT size + 1: the extra row only says that a next
 * page exists.
 */
export function toConnection<R, T>(
  rows: R[],
  size: number,
  cursorOf: (row: R) => string,
  nodeOf: (row: R) => T,
  hasPrevious: boolean,
): ConnectionShape<T> {
  const page = rows.slice(0, size);
  const edges = page.map((row) => new LazyCursorEdge(nodeOf(row), () => cursorOf(row)));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Declares the `<Name>Edge` and `<Name>Connection` object types for a node type. */
/** `nodeType` is an object type's class or a union made with createUnionType. */
export function Connection<T>(nodeType: Type<T> | object, name: string) {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its position.` })
  class EdgeType {
    @Field({
      description:
        'Opaque position of this item in this list: pass it as `after` to the same field to continue after it. Valid only for the list it came from; it is not a TimelineUpdate.cursor, which resumes the timelineUpdates subscription instead.',
    })
    cursor!: string;

    @Field(() => nodeType, { description: 'The item.' })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { isAbstract: true })
  abstract class ConnectionType implements ConnectionShape<T> {
    @Field(() => [EdgeType], { description: "The items of this page, in the list's order." })
    edges!: Edge<T>[];

    @Field(() => PageInfo, {
      description: 'Whether more pages follow, and the cursors to get them.',
    })
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}
