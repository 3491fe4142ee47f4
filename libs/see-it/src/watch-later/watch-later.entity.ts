import {
  Check,
  CreateDateColumn,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { UserEntity } from '@app/accounts';
import { BroadcastEntity } from '@app/broadcasts';
import { ShowEntity } from '../shows/show.entity';

/**
 * A show or broadcast saved to an account's watch-later list. The unique indexes make saving
 * idempotent (NULLs are distinct, so each only constrains rows of its own target kind), and serve
 * the cascades of a deleted show or broadcast.
 */
@Entity('watch_later')
@Check('watch_later_one_target', 'num_nonnulls(show_id, broadcast_id) = 1')
@Index('watch_later_user_idx', ['userId', 'id'])
@Index('watch_later_show_key', ['showId', 'userId'], { unique: true })
@Index('watch_later_broadcast_key', ['broadcastId', 'userId'], { unique: true })
export class WatchLaterEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'watch_later_pkey',
  })
  id!: string;

  @Column({ name: 'user_id', type: 'bigint' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'watch_later_user_fk' })
  user?: UserEntity;

  @Column({ name: 'show_id', type: 'bigint', nullable: true })
  showId!: string | null;

  @ManyToOne(() => ShowEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'show_id', foreignKeyConstraintName: 'watch_later_show_fk' })
  show?: ShowEntity;

  @Column({ name: 'broadcast_id', type: 'bigint', nullable: true })
  broadcastId!: string | null;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'watch_later_broadcast_fk' })
  broadcast?: BroadcastEntity;

  @CreateDateColumn({ name: 'saved_at', type: 'timestamptz', precision: 3 })
  savedAt!: Date;
}
