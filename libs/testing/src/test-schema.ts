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

/** Every field of the schema's Mutation or Subscription type, by name. */
export function rootFields(
  schema: GraphQLSchema,
  root: 'Mutation' | 'Subscription',
): GraphQLField<unknown, unknown>[] {
  const type = root === 'Mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return Object.values(type?.getFields() ?? {});
}
