import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { UserEntity } from '@app/accounts';
import { BroadcastCommentEntity, BroadcastEntity } from '@app/broadcasts';
import { PostEntity } from '@app/posts';

export enum ReportStatus {
  OPEN = 'OPEN',
  ACTIONED = 'ACTIONED',
  DISMISSED = 'DISMISSED',
}

/** What was reported. Kept apart from the target's id, which is cleared when the target goes. */
export enum ReportTargetKind {
  USER = 'USER',
  POST = 'POST',
  COMMENT = 'COMMENT',
  BROADCAST = 'BROADCAST',
}

/**
 * A report of one account, post, chat comment or broadcast, kept for the admins. A report outlives
 * its target (an admin acting on it often deletes the target; the author may delete it first):
 * the target's column is then set to NULL and `target_kind` still says what it was. The partial
 * indexes are declared in the migration, which says what each one serves.
 */
@Entity('reports')
// The column that is set, if any, is the one `target_kind` names, so at most one is set.
@Check(
  'reports_target_of_kind',
  `(user_id IS NULL OR target_kind = 'USER') AND (post_id IS NULL OR target_kind = 'POST')
   AND (comment_id IS NULL OR target_kind = 'COMMENT')
   AND (broadcast_id IS NULL OR target_kind = 'BROADCAST')`,
)
@Check('reports_reason_length', 'char_length(reason) BETWEEN 1 AND 500')
// resolved_by is kept NULL-able on resolved reports: it is cleared if that admin's account goes.
@Check(
  'reports_resolution',
  `CASE WHEN status = 'OPEN' THEN resolved_at IS NULL AND resolved_by IS NULL
   ELSE resolved_at IS NOT NULL END`,
)
@Index('reports_queue_idx', { synchronize: false })
@Index('reports_open_key', { synchronize: false })
@Index('reports_reporter_idx', ['reporterId'])
@Index('reports_user_idx', { synchronize: false })
@Index('reports_post_idx', { synchronize: false })
@Index('reports_comment_idx', { synchronize: false })
@Index('reports_broadcast_idx', { synchronize: false })
@Index('reports_resolved_by_idx', { synchronize: false })
export class ReportEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'reports_pkey',
  })
  id!: string;

  @Column({ name: 'reporter_id', type: 'bigint' })
  reporterId!: string;

  @Column({
    name: 'target_kind',
    type: 'enum',
    enum: ReportTargetKind,
    enumName: 'report_target_kind',
  })
  targetKind!: ReportTargetKind;

  @Column({ name: 'user_id', type: 'bigint', nullable: true })
  userId!: string | null;

  @Column({ name: 'post_id', type: 'bigint', nullable: true })
  postId!: string | null;

  @Column({ name: 'comment_id', type: 'bigint', nullable: true })
  commentId!: string | null;

  @Column({ name: 'broadcast_id', type: 'bigint', nullable: true })
  broadcastId!: string | null;

  /** Trimmed, 1 to 500 characters. */
  @Column({ type: 'text' })
  reason!: string;

  @Column({
    type: 'enum',
    enum: ReportStatus,
    enumName: 'report_status',
    default: ReportStatus.OPEN,
  })
  status!: ReportStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', precision: 3, nullable: true })
  resolvedAt!: Date | null;

  /** The admin who resolved it. */
  @Column({ name: 'resolved_by', type: 'bigint', nullable: true })
  resolvedBy!: string | null;

  /** A deleted account takes its reports with it, as it takes everything it made. */
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reporter_id', foreignKeyConstraintName: 'reports_reporter_fk' })
  reporter?: UserEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'reports_user_fk' })
  user?: UserEntity;

  @ManyToOne(() => PostEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'reports_post_fk' })
  post?: PostEntity;

  @ManyToOne(() => BroadcastCommentEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'comment_id', foreignKeyConstraintName: 'reports_comment_fk' })
  comment?: BroadcastCommentEntity;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'reports_broadcast_fk' })
  broadcast?: BroadcastEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'resolved_by', foreignKeyConstraintName: 'reports_resolved_by_fk' })
  resolver?: UserEntity;
}
