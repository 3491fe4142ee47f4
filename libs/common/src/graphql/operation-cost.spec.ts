import { buildSchema, parse } from 'graphql';
import { operationCostError } from './operation-cost';

const schema = buildSchema(`
  type Item { id: ID! children(first: Int): [Item!]! }
  type Query { items(first: Int): [Item!]! }
`);

describe('operationCostError', () => {
  it('prices one parsed document by the variables of each request', () => {
    const document = parse(
      'query Q($n: Int, $m: Int) { items(first: $n) { id children(first: $m) { id } } }',
    );
    const cost = (n: number, m: number) =>
      operationCostError(schema, document, 'Q', { n, m }, 1_000)?.extensions.cost;
    expect(cost(10, 10)).toBeUndefined();
    // Each item: its id, and its children's list (1 + 100 ids).
    expect(cost(100, 100)).toBe(1 + 100 * (1 + (1 + 100)));
    expect(cost(10, 10)).toBeUndefined();
    expect(cost(100, 100)).toBe(10_201);
    expect(cost(5, 300)).toBe(1 + 5 * (1 + (1 + 300)));
  });

  it('keys a remembered price on the page sizes and conditions, not on other variables', () => {
    const document = parse(
      'query Q($n: Int, $deep: Boolean!, $note: String) { items(first: $n) { id children(first: 100) @include(if: $deep) { id } } }',
    );
    const cost = (n: number, deep: boolean, note: string) =>
      operationCostError(schema, document, 'Q', { n, deep, note }, 1_000)?.extensions.cost;
    expect(cost(100, true, 'a')).toBe(1 + 100 * (1 + (1 + 100)));
    expect(cost(100, false, 'a')).toBeUndefined();
    expect(cost(100, true, 'b')).toBe(10_201);
    expect(cost(200, true, 'c')).toBe(1 + 200 * (1 + (1 + 100)));
  });
});
