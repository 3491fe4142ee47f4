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
import { BroadcastEntity } from '@app/broadcasts';
import { SeeItAction } from '../see-it.enums';
import { ShowEntity } from '../shows/show.entity';

/**
 * Every tap on a See it button, append-only: rows are inserted, never updated or deleted by the
 * service. A deleted account's taps stay, without the account (user_id set to NULL).
 * see_it_tap_counts counts only the taps the `seeItStats` rate limit lets count, so one account
 * tapping again and again does not move a show's stats.
 */
@Entity('see_it_taps')
@Check('see_it_taps_one_target', 'num_nonnulls(show_id, broadcast_id) = 1')
@Index('see_it_taps_user_idx', ['userId'])
@Index('see_it_taps_show_idx', ['showId'])
@Index('see_it_taps_broadcast_idx', ['broadcastId'])
export class SeeItTapEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'see_it_taps_pkey',
  })
  id!: string;

  @Column({ name: 'user_id', type: 'bigint', nullable: true })
  userId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'see_it_taps_user_fk' })
  user?: UserEntity;

  @Column({ name: 'show_id', type: 'bigint', nullable: true })
  showId!: string | null;

  @ManyToOne(() => ShowEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'show_id', foreignKeyConstraintName: 'see_it_taps_show_fk' })
  show?: ShowEntity;

  @Column({ name: 'broadcast_id', type: 'bigint', nullable: true })
  broadcastId!: string | null;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'see_it_taps_broadcast_fk' })
  broadcast?: BroadcastEntity;

  @Column({ type: 'enum', enum: SeeItAction, enumName: 'see_it_action' })
  action!: SeeItAction;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
