import { localIds, toMessage } from './notification-message';

describe('notification bus messages', () => {
  const rows = [
    { id: '10', recipientId: '1' },
    { id: '11', recipientId: '2' },
    { id: '12', recipientId: '3' },
  ];

  it('lists every new row once, as parallel arrays', () => {
    expect(toMessage(rows)).toEqual({ ids: ['10', '11', '12'], recipients: ['1', '2', '3'] });
  });

  it('survives the JSON round trip of the bus', () => {
    const message = JSON.parse(JSON.stringify(toMessage(rows))) as Record<string, unknown>;
    expect(localIds(message, () => true)).toEqual(['10', '11', '12']);
  });

  it('keeps only the rows of local recipients', () => {
    const local = new Set(['1', '3']);
    expect(localIds(toMessage(rows), (id) => local.has(id))).toEqual(['10', '12']);
    expect(localIds(toMessage(rows), () => false)).toEqual([]);
  });

  it.each([
    {},
    { ids: ['1'], recipients: [] },
    { ids: '1', recipients: '2' },
    { ids: [1], recipients: [2] },
    { ids: ['1; DROP TABLE notifications'], recipients: ['2'] },
    { ids: ['0'], recipients: ['2'] },
  ])('delivers nothing for a malformed message %p', (message) => {
    expect(localIds(message, () => true)).toEqual([]);
  });
});
