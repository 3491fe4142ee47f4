import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { BroadcastEntity } from './broadcast.entity';

/** The hearts one flush counted for a broadcast, at their offset from its start, for replays. */
@Entity('broadcast_heart_bursts')
@Check('broadcast_heart_bursts_values', 'offset_ms >= 0 AND hearts > 0')
@Index('broadcast_heart_bursts_replay_idx', ['broadcastId', 'offsetMs', 'id'])
export class BroadcastHeartBurstEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'broadcast_heart_bursts_pkey',
  })
  id!: string;

  @Column({ name: 'broadcast_id', type: 'bigint' })
  broadcastId!: string;

  /** Milliseconds from the broadcast's start to the flush that counted them. */
  @Column({ name: 'offset_ms', type: 'integer' })
  offsetMs!: number;

  @Column({ type: 'integer' })
  hearts!: number;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'broadcast_id',
    foreignKeyConstraintName: 'broadcast_heart_bursts_broadcast_fk',
  })
  broadcast?: BroadcastEntity;
}
