import { InvalidInputError, NodeTypeName, parseGlobalId } from '@app/common';
import { ReportStatus, ReportTargetKind } from './entities/report.entity';

/** The target fields of ReportInput: global ids, exactly one of them given. */
export interface ReportTargetInput {
  userId?: string | null;
  postId?: string | null;
  commentId?: string | null;
  broadcastId?: string | null;
}

export type TargetField = keyof ReportTargetInput;

export interface ReportTarget {
  kind: ReportTargetKind;
  /** The input field that named it, for error messages. */
  field: TargetField;
  /** Database id. */
  id: string;
}

const TARGETS: readonly { kind: ReportTargetKind; field: TargetField; type: NodeTypeName }[] = [
  { kind: ReportTargetKind.USER, field: 'userId', type: 'User' },
  { kind: ReportTargetKind.POST, field: 'postId', type: 'Post' },
  { kind: ReportTargetKind.COMMENT, field: 'commentId', type: 'BroadcastComment' },
  { kind: ReportTargetKind.BROADCAST, field: 'broadcastId', type: 'Broadcast' },
];

const or = (fields: string[]) =>
  `${fields.slice(0, -1).join(', ')} or ${fields[fields.length - 1]}`;

/** The one target a report names, or BAD_USER_INPUT naming the fields at fault. */
export function reportTarget(input: ReportTargetInput): ReportTarget {
  const given = TARGETS.filter(({ field }) => input[field] !== undefined && input[field] !== null);
  if (given.length !== 1) {
    const at = given.length === 0 ? TARGETS : given;
    const message =
      given.length === 0
        ? `a report needs one target: ${or(TARGETS.map((t) => t.field))}`
        : `a report has one target, not ${given.length} (${or(given.map((t) => t.field))})`;
    throw new InvalidInputError(at.map(({ field }) => ({ field, message })));
  }
  const [{ kind, field, type }] = given;
  return { kind, field, id: parseGlobalId(input[field] as string, type, field) };
}

export const MAX_REASON_LENGTH = 500;

/** 1 to 500 Unicode code points after trimming (PostgreSQL's char_length counts the same). */
export function parseReason(raw: string): string {
  const reason = raw.trim();
  const length = [...reason].length;
  if (length === 0) throw InvalidInputError.field('reason', 'must not be empty');
  if (length > MAX_REASON_LENGTH) {
    throw InvalidInputError.field(
      'reason',
      `must be at most ${MAX_REASON_LENGTH} characters (got ${length})`,
    );
  }
  return reason;
}

/**
 * resolveReport decides an OPEN report once. Reopening is refused: the reporter may file again,
 * and a reopened report could collide with that newer OPEN one.
 */
export function assertResolution(status: ReportStatus): void {
  if (status === ReportStatus.OPEN) {
    throw InvalidInputError.field(
      'status',
      'must be ACTIONED or DISMISSED: reports are not reopened',
    );
  }
}
