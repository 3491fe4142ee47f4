import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '@app/accounts';
import { BroadcastEntity } from './broadcast.entity';

/** The hearts of one viewer that count toward a broadcast's heart_count (at most 500). */
@Entity('broadcast_hearts')
@Check('broadcast_hearts_counted_range', 'counted BETWEEN 0 AND 500 AND last_counted >= 0')
@Index('broadcast_hearts_user_idx', ['userId'])
export class BroadcastHeartEntity {
  @PrimaryColumn({ name: 'broadcast_id', type: 'bigint' })
  broadcastId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'bigint' })
  userId!: string;

  @Column({ type: 'integer' })
  counted!: number;

  /**
   * What the latest flush added to `counted`. RETURNING only shows the row after an upsert, so
   * the flush records the difference here to add exactly that to heart_count in the same statement.
   */
  @Column({ name: 'last_counted', type: 'integer' })
  lastCounted!: number;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'broadcast_hearts_broadcast_fk' })
  broadcast?: BroadcastEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'broadcast_hearts_user_fk' })
  user?: UserEntity;
}
