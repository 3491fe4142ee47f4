import { ConnectionShape } from './connection';
import { compactConnection } from './keyset-page';

describe('compactConnection', () => {
  const page: ConnectionShape<string> = {
    edges: ['a', 'b', 'c'].map((node) => ({ cursor: `cursor-${node}`, node })),
    pageInfo: {
      hasNextPage: true,
      hasPreviousPage: true,
      startCursor: 'cursor-a',
      endCursor: 'cursor-c',
    },
  };

  it('maps every node and keeps the page as it was when none is missing', () => {
    expect(compactConnection(page, (node, i) => `${node}${i}`)).toEqual({
      edges: [
        { cursor: 'cursor-a', node: 'a0' },
        { cursor: 'cursor-b', node: 'b1' },
        { cursor: 'cursor-c', node: 'c2' },
      ],
      pageInfo: page.pageInfo,
    });
  });

  it('leaves out missing nodes, its cursors following the edges kept, hasNextPage the rows read', () => {
    expect(compactConnection(page, (node) => (node === 'b' ? node : undefined))).toEqual({
      edges: [{ cursor: 'cursor-b', node: 'b' }],
      pageInfo: {
        hasNextPage: true,
        hasPreviousPage: true,
        startCursor: 'cursor-b',
        endCursor: 'cursor-b',
      },
    });
    expect(compactConnection(page, () => undefined).pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: true,
      startCursor: null,
      endCursor: null,
    });
  });
});
