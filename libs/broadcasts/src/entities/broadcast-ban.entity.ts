import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '@app/accounts';
import { BroadcastEntity } from './broadcast.entity';

/** A viewer the broadcaster (or an admin) banned: the broadcast no longer exists for them. */
@Entity('broadcast_bans')
@Index('broadcast_bans_user_idx', ['userId'])
export class BroadcastBanEntity {
  @PrimaryColumn({ name: 'broadcast_id', type: 'bigint' })
  broadcastId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'bigint' })
  userId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'broadcast_bans_broadcast_fk' })
  broadcast?: BroadcastEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'broadcast_bans_user_fk' })
  user?: UserEntity;
}
