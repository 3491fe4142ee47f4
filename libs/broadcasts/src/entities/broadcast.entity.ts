import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { UserEntity } from '@app/accounts';

export enum BroadcastStatus {
  SCHEDULED = 'SCHEDULED',
  LIVE = 'LIVE',
  ENDED = 'ENDED',
  CANCELED = 'CANCELED',
}

export enum BroadcastVisibility {
  PUBLIC = 'PUBLIC',
  FOLLOWERS = 'FOLLOWERS',
}

export enum ChatMode {
  EVERYONE = 'EVERYONE',
  FOLLOWERS = 'FOLLOWERS',
  OFF = 'OFF',
}

/**
 * A live broadcast. Its id comes from item_id_seq, shared with posts, so timelines name items by
 * id alone. One LIVE broadcast per broadcaster is enforced by the partial unique index
 * broadcasts_one_live (declared in the migration).
 */
@Entity('broadcasts')
@Index('broadcasts_one_live', { synchronize: false })
@Index('broadcasts_broadcaster_idx', ['broadcasterId', 'createdAt', 'id'])
@Index('broadcasts_live_idx', { synchronize: false })
@Check('broadcasts_title_length', 'char_length(title) BETWEEN 1 AND 140')
@Check(
  'broadcasts_counts_not_negative',
  'viewer_count >= 0 AND peak_viewer_count >= 0 AND heart_count >= 0 AND comments_count >= 0',
)
export class BroadcastEntity {
  @PrimaryColumn({ type: 'bigint', default: () => "nextval('item_id_seq')" })
  id!: string;

  @Column({ name: 'broadcaster_id', type: 'bigint' })
  broadcasterId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'broadcaster_id', foreignKeyConstraintName: 'broadcasts_broadcaster_fk' })
  broadcaster?: UserEntity;

  @Column({ type: 'varchar', length: 140 })
  title!: string;

  @Column({ type: 'enum', enum: BroadcastStatus, enumName: 'broadcast_status' })
  status!: BroadcastStatus;

  @Column({ type: 'enum', enum: BroadcastVisibility, enumName: 'broadcast_visibility' })
  visibility!: BroadcastVisibility;

  @Column({ name: 'chat_mode', type: 'enum', enum: ChatMode, enumName: 'chat_mode' })
  chatMode!: ChatMode;

  @Column({ name: 'scheduled_for', type: 'timestamptz', precision: 3, nullable: true })
  scheduledFor!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', precision: 3, nullable: true })
  endedAt!: Date | null;

  /** Secret the encoder publishes with; only the broadcaster ever sees it. */
  @Column({ name: 'stream_key', type: 'varchar', length: 64, unique: true })
  streamKey!: string;

  /** Viewers counted now (presence rows), kept in step by the presence statements. */
  @Column({ name: 'viewer_count', type: 'integer', default: 0 })
  viewerCount!: number;

  @Column({ name: 'peak_viewer_count', type: 'integer', default: 0 })
  peakViewerCount!: number;

  @Column({ name: 'heart_count', type: 'integer', default: 0 })
  heartCount!: number;

  @Column({ name: 'comments_count', type: 'integer', default: 0 })
  commentsCount!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

/** Where a broadcast sits in timelines: when it went live, else when it was scheduled. */
export function broadcastSortAt(broadcast: Pick<BroadcastEntity, 'startedAt' | 'createdAt'>): Date {
  return broadcast.startedAt ?? broadcast.createdAt;
}
