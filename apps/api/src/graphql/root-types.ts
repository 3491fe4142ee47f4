import { GraphQLSchema } from 'graphql';

/** Code-first decorators cannot describe the root types themselves; the schema is given them here. */
export function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  if (query) {
    query.description =
      'Reads over HTTP POST /graphql (or a websocket). Send `Authorization: Bearer <token>` to read as a signed-in account; paged lists are Relay connections (first at most 100, after a cursor of the same list); bounded ones are plain lists (devices, at most 50; searchUsers, at most 100), and Broadcast.replayEvents is a window of time offsets.';
  }
  if (mutation) {
    mutation.description =
      'Changes. Each failure comes as a GraphQL error whose extensions.code is BAD_USER_INPUT (naming the field), UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT or RATE_LIMITED, and changes nothing.';
  }
  if (subscription) {
    subscription.description =
      'Live streams over a graphql-ws websocket at /graphql; sign in with { authorization: "Bearer <token>" } (or a paired screen\'s deviceToken) in the connection_init payload.';
  }
  return schema;
}
