import { buildSchema, parse, validate } from 'graphql';
import { operationShapeRule } from './operation-shape';

const schema = buildSchema(`
  type User { id: ID!, handle: String!, friends: [User!]! }
  type Query { me: User, user(handle: String!): User }
  type Mutation { like(id: ID!): User }
`);

const limits = { maxRootFields: 3, maxMutations: 2, maxAliases: 4, maxFragmentSpreads: 6 };

/** Only the shape rule, so each case shows what it alone decides. */
const messages = (query: string) =>
  validate(schema, parse(query), [operationShapeRule(limits)]).map((error) => error.message);

describe('operationShapeRule', () => {
  it('counts top-level fields through fragments and inline fragments', () => {
    expect(
      messages(
        '{ me { id } user(handle: "a") { id } ...More }  fragment More on Query { me { id } }',
      ),
    ).toEqual([]);
    expect(
      messages(
        '{ me { id } ... on Query { a: me { id } } ...More } fragment More on Query { b: me { id } c: me { id } }',
      ),
    ).toEqual(['The operation asks for 4 top-level fields; at most 3 are allowed in one request.']);
  });

  it('has its own cap for mutations', () => {
    expect(messages('mutation { a: like(id: 1) { id } b: like(id: 2) { id } }')).toEqual([]);
    expect(
      messages('mutation { a: like(id: 1) { id } b: like(id: 2) { id } c: like(id: 3) { id } }'),
    ).toEqual(['The operation runs 3 mutations; at most 2 are allowed in one request.']);
  });

  it('counts aliases at every level, each time their fragment is spread', () => {
    const query = (spreads: number) =>
      `{ me { ${'...Two '.repeat(spreads)} } } fragment Two on User { x: id y: handle }`;
    expect(messages(query(2))).toEqual([]);
    expect(messages(query(3))).toEqual(['The operation uses 6 aliases; at most 4 are allowed.']);
  });

  it('counts spreads as they expand, measuring each fragment once', () => {
    const doubling = (levels: number) => {
      const fragments = ['fragment F0 on Query { me { id } }'];
      for (let i = 1; i <= levels; i += 1)
        fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
      return `{ ...F${levels} } ${fragments.join(' ')}`;
    };
    // F2: 1 + 2 + 4 = 7 spreads.
    expect(messages(doubling(1))).toEqual([]);
    expect(messages(doubling(2))).toEqual([
      'The operation spreads fragments 7 times once expanded; at most 6 are allowed.',
    ]);
    // 2^2000 spreads overflow any number; still one refusal, computed at once.
    expect(messages(doubling(2000))).toEqual([
      'The operation spreads fragments too many times once expanded; at most 6 are allowed.',
    ]);
  });

  it('leaves fragment cycles to graphql’s own rule', () => {
    expect(messages('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }')).toEqual(
      [],
    );
  });
});
