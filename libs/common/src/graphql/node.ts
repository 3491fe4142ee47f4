import { Injectable } from '@nestjs/common';
import { Args, Context, Field, ID, InterfaceType, Query, Resolver } from '@nestjs/graphql';
import { RequestContext } from '../auth/viewer';
import { decodeGlobalId, NodeTypeName } from '../ids/global-id';
import { InvalidInputError } from '../errors/domain-errors';

/** Relay's Node. API models are classes, so the GraphQL type is the value's class. */
@InterfaceType('Node', {
  description:
    'An object with a global id: every type with an id implements it, and node(id:) fetches any of them.',
  resolveType: (value: object) => value.constructor,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id, stable for the life of the object.' })
  id!: string;
}

/** Loads one node by database id, as the viewer may see it (undefined when hidden or gone). */
export type NodeFetcher = (id: string, context: RequestContext) => Promise<object | undefined>;

/** Each domain module registers how its node types are fetched, so `node(id:)` stays generic. */
@Injectable()
export class NodeRegistry {
  private readonly fetchers = new Map<string, NodeFetcher>();

  register(type: NodeTypeName, fetcher: NodeFetcher): void {
    this.fetchers.set(type, fetcher);
  }

  async fetch(globalId: string, context: RequestContext): Promise<object | undefined> {
    const decoded = decodeGlobalId(globalId);
    const fetcher = decoded && this.fetchers.get(decoded.type);
    if (!decoded || !fetcher) throw InvalidInputError.field('id', 'is not a valid id');
    return fetcher(decoded.id, context);
  }
}

@Resolver()
export class NodeResolver {
  constructor(private readonly registry: NodeRegistry) {}

  @Query(() => Node, {
    nullable: true,
    description:
      'Any object by its global id, with the same visibility as its own query: null when it does not exist or the viewer may not see it.',
  })
  async node(
    @Args('id', {
      type: () => ID,
      description: 'A global id from any type; one that is not a global id is BAD_USER_INPUT.',
    })
    id: string,
    @Context() context: RequestContext,
  ): Promise<object | null> {
    return (await this.registry.fetch(id, context)) ?? null;
  }
}
