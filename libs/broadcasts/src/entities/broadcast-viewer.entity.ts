import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '@app/accounts';
import { BroadcastEntity } from './broadcast.entity';

/**
 * Presence: one row per viewer counted in a live broadcast, however many tabs they watch from.
 * A join refreshes `expires_at`; the sweeper removes rows whose viewer stopped joining.
 */
@Entity('broadcast_viewers')
@Index('broadcast_viewers_expires_idx', ['expiresAt'])
@Index('broadcast_viewers_user_idx', ['userId'])
export class BroadcastViewerEntity {
  @PrimaryColumn({ name: 'broadcast_id', type: 'bigint' })
  broadcastId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'bigint' })
  userId!: string;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'broadcast_viewers_broadcast_fk' })
  broadcast?: BroadcastEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'broadcast_viewers_user_fk' })
  user?: UserEntity;
}
