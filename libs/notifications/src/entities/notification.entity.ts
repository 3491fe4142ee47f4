import {
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
import { PostEntity } from '@app/posts';

export enum NotificationKind {
  FOLLOWED = 'FOLLOWED',
  MENTIONED = 'MENTIONED',
  REPLIED = 'REPLIED',
  LIKED = 'LIKED',
  WENT_LIVE = 'WENT_LIVE',
}

/**
 * One notification for one recipient. The partial and descending indexes are declared in the
 * migration (see it for what each serves); the unique ones are what make a repeated like, follow
 * or go-live notify only once.
 */
@Entity('notifications')
@Index('notifications_recipient_idx', { synchronize: false })
@Index('notifications_unread_idx', { synchronize: false })
@Index('notifications_actor_idx', ['actorId'])
@Index('notifications_post_key', { synchronize: false })
@Index('notifications_broadcast_key', { synchronize: false })
@Index('notifications_followed_key', { synchronize: false })
export class NotificationEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'notifications_pkey',
  })
  id!: string;

  @Column({ name: 'recipient_id', type: 'bigint' })
  recipientId!: string;

  @Column({ type: 'enum', enum: NotificationKind, enumName: 'notification_kind' })
  kind!: NotificationKind;

  /** Who did it: the follower, the author who mentioned or replied, the liker, the broadcaster. */
  @Column({ name: 'actor_id', type: 'bigint' })
  actorId!: string;

  /** MENTIONED: the post that mentions; REPLIED: the reply; LIKED: the post liked. */
  @Column({ name: 'post_id', type: 'bigint', nullable: true })
  postId!: string | null;

  /** WENT_LIVE: the broadcast. */
  @Column({ name: 'broadcast_id', type: 'bigint', nullable: true })
  broadcastId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'read_at', type: 'timestamptz', precision: 3, nullable: true })
  readAt!: Date | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'recipient_id', foreignKeyConstraintName: 'notifications_recipient_fk' })
  recipient?: UserEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'notifications_actor_fk' })
  actor?: UserEntity;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'notifications_post_fk' })
  post?: PostEntity;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'notifications_broadcast_fk' })
  broadcast?: BroadcastEntity;
}
