import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '@app/common';

/** Storage of an account. Counters are kept by the graph and posts services in their transactions. */
@Entity('users')
@Check(
  'users_counts_not_negative',
  'followers_count >= 0 AND following_count >= 0 AND posts_count >= 0',
)
@Index('users_handle_lower_key', { synchronize: false })
@Index('users_email_lower_key', { synchronize: false })
@Index('users_handle_prefix_idx', { synchronize: false })
@Index('users_display_name_prefix_idx', { synchronize: false })
export class UserEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'varchar', length: 30 })
  handle!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 50 })
  displayName!: string;

  @Column({ type: 'varchar', length: 160, nullable: true })
  bio!: string | null;

  @Column({ name: 'avatar_url', type: 'varchar', length: 500, nullable: true })
  avatarUrl!: string | null;

  @Column({ type: 'enum', enum: Role, enumName: 'user_role', default: Role.MEMBER })
  role!: Role;

  @Column({ name: 'suspended_at', type: 'timestamptz', precision: 3, nullable: true })
  suspendedAt!: Date | null;

  /** Set by the admin who suspended the account; cleared when it is unsuspended. */
  @Column({ name: 'suspension_reason', type: 'varchar', length: 500, nullable: true })
  suspensionReason!: string | null;

  @Column({ name: 'followers_count', type: 'integer', default: 0 })
  followersCount!: number;

  @Column({ name: 'following_count', type: 'integer', default: 0 })
  followingCount!: number;

  @Column({ name: 'posts_count', type: 'integer', default: 0 })
  postsCount!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
