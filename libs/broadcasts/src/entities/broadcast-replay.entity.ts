import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  OneToOne,
  PrimaryColumn,
} from 'typeorm';
import { BroadcastEntity } from './broadcast.entity';

/**
 * The recording of a broadcast, once the media server has written its VOD playlist. A deleted
 * replay keeps its row (deleted_at), so a late call of the media server cannot bring it back.
 */
@Entity('broadcast_replays')
@Check('broadcast_replays_counts_not_negative', 'duration_ms >= 0 AND view_count >= 0')
@Index('broadcast_replays_sweep_idx', ['availableAt'], { where: '"deleted_at" IS NULL' })
export class BroadcastReplayEntity {
  @PrimaryColumn({
    name: 'broadcast_id',
    type: 'bigint',
    primaryKeyConstraintName: 'broadcast_replays_pkey',
  })
  broadcastId!: string;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  @CreateDateColumn({ name: 'available_at', type: 'timestamptz', precision: 3 })
  availableAt!: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', precision: 3, nullable: true })
  deletedAt!: Date | null;

  /** Accounts that watched the replay, each counted once (broadcast_replay_views). */
  @Column({ name: 'view_count', type: 'integer', default: 0 })
  viewCount!: number;

  @OneToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'broadcast_replays_broadcast_fk' })
  broadcast?: BroadcastEntity;
}
