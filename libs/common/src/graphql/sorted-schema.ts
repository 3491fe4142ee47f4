import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';

/** The SDL committed as apps/api/schema.gql: sorted, so diffs show real changes only. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `# Generated from the code-first resolvers by \`npm run schema:emit\`. Do not edit.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
