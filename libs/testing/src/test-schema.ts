import {
  buildClientSchema,
  getIntrospectionQuery,
  GraphQLField,
  GraphQLSchema,
  IntrospectionQuery,
} from 'graphql';
import { TestApp } from './test-app';

/**
 * The running app's schema, read by introspection: what clients can call, including anything
 * added in code since apps/api/schema.gql was last emitted.
 */
export async function fetchSchema(app: TestApp): Promise<GraphQLSchema> {
  const introspection = await app.ok<IntrospectionQuery>(getIntrospectionQuery());
  return buildClientSchema(introspection);
}

/** Every field of one of the schema's root types. */
export function rootFields(
  schema: GraphQLSchema,
  root: 'Query' | 'Mutation' | 'Subscription',
): GraphQLField<unknown, unknown>[] {
  const types = {
    Query: schema.getQueryType(),
    Mutation: schema.getMutationType(),
    Subscription: schema.getSubscriptionType(),
  };
  const type = types[root];
  return Object.values(type?.getFields() ?? {});
}
