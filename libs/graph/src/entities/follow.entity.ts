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

@Entity('follows')
@Check('follows_not_self', 'follower_id <> followee_id')
@Index('follows_followee_idx', ['followeeId', 'createdAt', 'followerId'])
@Index('follows_follower_idx', ['followerId', 'createdAt', 'followeeId'])
export class FollowEntity {
  @PrimaryColumn({ name: 'follower_id', type: 'bigint' })
  followerId!: string;

  @PrimaryColumn({ name: 'followee_id', type: 'bigint' })
  followeeId!: string;

  /** Whether the follower wants a WENT_LIVE notification when the followee goes live. */
  @Column({ type: 'boolean', default: true })
  notify!: boolean;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'follower_id', foreignKeyConstraintName: 'follows_follower_fk' })
  follower?: UserEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'followee_id', foreignKeyConstraintName: 'follows_followee_fk' })
  followee?: UserEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
