import { buildSchema, GraphQLError, parse, specifiedRules, validate } from 'graphql';
import { depthLimitRule } from './depth-limit';

const schema = buildSchema(`
  interface Node { id: ID! }
  type User implements Node { id: ID!, handle: String!, friends: [User!]! }
  type Query { me: User, node(id: ID!): Node }
`);

/** Only the depth rule, so each case shows what it alone decides. */
function depthErrors(query: string, maxDepth: number): readonly GraphQLError[] {
  return validate(schema, parse(query), [depthLimitRule(maxDepth)]);
}

/** `me { friends { … { id } } }` with `levels` fields in all. */
function nested(levels: number): string {
  let body = 'id';
  for (let i = 0; i < levels - 2; i += 1) body = `friends { ${body} }`;
  return `{ me { ${body} } }`;
}

describe('depthLimitRule', () => {
  it('counts every field level, leaves included, and allows exactly the limit', () => {
    expect(depthErrors('{ me { id } }', 2)).toEqual([]);
    expect(depthErrors(nested(5), 5)).toEqual([]);
    const errors = depthErrors(nested(6), 5);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe('The operation is nested 6 levels deep; at most 5 are allowed.');
    expect(errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('counts the fields inside named fragments where they are spread', () => {
    const query = `
      query { me { ...Deep } }
      fragment Deep on User { friends { ...Deeper } }
      fragment Deeper on User { friends { friends { id } } }
    `;
    expect(depthErrors(query, 5)).toEqual([]);
    expect(depthErrors(query, 4)[0]?.message).toMatch(/nested 5 levels deep/);
  });

  it('adds no level for inline fragments, but counts their fields', () => {
    const query = '{ node(id: "1") { ... on User { friends { id } } } }';
    expect(depthErrors(query, 3)).toEqual([]);
    expect(depthErrors(query, 2)).toHaveLength(1);
  });

  it('measures each operation of a document on its own', () => {
    const errors = depthErrors(`query Shallow { me { id } } query Deep ${nested(8)}`, 4);
    expect(errors).toHaveLength(1);
    expect(errors[0].nodes?.[0]).toMatchObject({ name: { value: 'Deep' } });
  });

  it('ends on fragment cycles, which graphql itself reports', () => {
    const query = `
      query { me { ...A } }
      fragment A on User { friends { ...B } }
      fragment B on User { friends { ...A } }
    `;
    expect(depthErrors(query, 12)).toEqual([]);
    const all = validate(schema, parse(query), [...specifiedRules, depthLimitRule(12)]);
    expect(all.map((error) => error.message)).toEqual([
      expect.stringMatching(/Cannot spread fragment "A" within itself/),
    ]);
  });

  it('adds no depth for unknown fragments, which graphql itself reports', () => {
    const query = '{ me { ...Missing } }';
    expect(depthErrors(query, 1)).toEqual([]);
    const all = validate(schema, parse(query), [...specifiedRules, depthLimitRule(1)]);
    expect(all.map((error) => error.message)).toEqual(['Unknown fragment "Missing".']);
  });

  it('measures each fragment once, however often it is spread', () => {
    // 40 fragments each spreading the next three times: 3^40 paths if walked naively.
    let query = 'query { me { ...F0 } }\n';
    for (let i = 0; i < 40; i += 1) {
      const body = i === 39 ? 'friends { id }' : `...F${i + 1} ...F${i + 1} ...F${i + 1}`;
      query += `fragment F${i} on User { ${body} }\n`;
    }
    const started = Date.now();
    expect(depthErrors(query, 3)).toEqual([]);
    expect(depthErrors(query, 2)[0]?.message).toMatch(/nested 3 levels deep/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
