import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '@app/accounts';
import { BroadcastEntity } from './broadcast.entity';

/** One account watched a broadcast's replay: what makes replayViewCount count each viewer once. */
@Entity('broadcast_replay_views')
@Index('broadcast_replay_views_user_idx', ['userId'])
export class BroadcastReplayViewEntity {
  @PrimaryColumn({
    name: 'broadcast_id',
    type: 'bigint',
    primaryKeyConstraintName: 'broadcast_replay_views_pkey',
  })
  broadcastId!: string;

  @PrimaryColumn({
    name: 'user_id',
    type: 'bigint',
    primaryKeyConstraintName: 'broadcast_replay_views_pkey',
  })
  userId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'broadcast_id',
    foreignKeyConstraintName: 'broadcast_replay_views_broadcast_fk',
  })
  broadcast?: BroadcastEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'broadcast_replay_views_user_fk' })
  user?: UserEntity;
}
