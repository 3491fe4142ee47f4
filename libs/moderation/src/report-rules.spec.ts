import { InvalidInputError, toGlobalId } from '@app/common';
import { ReportStatus, ReportTargetKind } from './entities/report.entity';
import { assertResolution, MAX_REASON_LENGTH, parseReason, reportTarget } from './report-rules';

/** The fields an InvalidInputError names. */
function fieldsOf(work: () => unknown): string[] {
  try {
    work();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.fields.map((f) => f.field);
    throw error;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('reportTarget', () => {
  it.each([
    ['userId', toGlobalId('User', 7), ReportTargetKind.USER],
    ['postId', toGlobalId('Post', 8), ReportTargetKind.POST],
    ['commentId', toGlobalId('BroadcastComment', 9), ReportTargetKind.COMMENT],
    ['broadcastId', toGlobalId('Broadcast', 10), ReportTargetKind.BROADCAST],
  ])('takes %s as the one target', (field, id, kind) => {
    // null is how a client leaves a field out, as much as omitting it.
    expect(reportTarget({ userId: null, postId: null, [field]: id })).toEqual({
      kind,
      field,
      id: String(Buffer.from(id, 'base64url').toString().split(':')[1]),
    });
  });

  it('names all four fields when none is given', () => {
    expect(fieldsOf(() => reportTarget({ userId: null }))).toEqual([
      'userId',
      'postId',
      'commentId',
      'broadcastId',
    ]);
  });

  it('names the fields given when there are several', () => {
    const input = { userId: toGlobalId('User', 1), broadcastId: toGlobalId('Broadcast', 2) };
    expect(fieldsOf(() => reportTarget(input))).toEqual(['userId', 'broadcastId']);
  });

  it.each([
    ['a malformed id', 'not an id!'],
    ['an id of another type', toGlobalId('Post', 1)],
    ['an empty id', ''],
  ])('refuses %s, naming the field', (_what, id) => {
    expect(fieldsOf(() => reportTarget({ userId: id }))).toEqual(['userId']);
  });
});

describe('parseReason', () => {
  it('trims', () => {
    expect(parseReason('  spam links \n')).toBe('spam links');
  });

  it('counts code points, as PostgreSQL does', () => {
    const emoji = '🙂'.repeat(MAX_REASON_LENGTH);
    expect(parseReason(emoji)).toBe(emoji);
    expect(() => parseReason(`${emoji}!`)).toThrow('at most 500 characters (got 501)');
  });

  it.each(['', '   \t\n'])('refuses %p', (reason) => {
    expect(fieldsOf(() => parseReason(reason))).toEqual(['reason']);
  });
});

describe('assertResolution', () => {
  it('accepts the two decisions and refuses reopening', () => {
    expect(() => assertResolution(ReportStatus.ACTIONED)).not.toThrow();
    expect(() => assertResolution(ReportStatus.DISMISSED)).not.toThrow();
    expect(fieldsOf(() => assertResolution(ReportStatus.OPEN))).toEqual(['status']);
  });
});
