import { HeartBuffer } from './heart-buffer';

describe('HeartBuffer', () => {
  it('sums hearts per broadcast and viewer, sorted by id', () => {
    const buffer = new HeartBuffer();
    buffer.add('10', '7', 5);
    buffer.add('9', '7', 1);
    buffer.add('10', '7', 20);
    buffer.add('10', '3', 2);
    expect(buffer.size).toBe(3);
    expect(buffer.drain()).toEqual({
      broadcastIds: ['9', '10', '10'],
      userIds: ['7', '3', '7'],
      hearts: [1, 2, 25],
    });
    expect(buffer.size).toBe(0);
    expect(buffer.drain()).toEqual({ broadcastIds: [], userIds: [], hearts: [] });
  });

  it('keeps at most 500 pending hearts per viewer', () => {
    const buffer = new HeartBuffer();
    for (let i = 0; i < 10; i += 1) buffer.add('1', '2', 100);
    expect(buffer.drain().hearts).toEqual([500]);
  });

  it('puts a failed batch back, merged with hearts received meanwhile', () => {
    const buffer = new HeartBuffer();
    buffer.add('1', '2', 30);
    const batch = buffer.drain();
    buffer.add('1', '2', 5);
    buffer.add('1', '4', 1);
    buffer.restore(batch);
    expect(buffer.drain()).toEqual({
      broadcastIds: ['1', '1'],
      userIds: ['2', '4'],
      hearts: [35, 1],
    });
  });
});
