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

/** A partner's TV show: its See it button appears on posts that mention its hashtag. */
@Entity('shows')
@Check('shows_slug_format', "slug ~ '^[a-z0-9-]{2,60}$'")
@Index('shows_slug_key', ['slug'], { unique: true })
@Index('shows_tag_key', ['tag'], { unique: true })
@Index('shows_owner_idx', ['ownerId'])
export class ShowEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'shows_pkey',
  })
  id!: string;

  @Column({ name: 'owner_id', type: 'bigint' })
  ownerId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'shows_owner_fk' })
  owner?: UserEntity;

  @Column({ type: 'varchar', length: 60 })
  slug!: string;

  @Column({ type: 'varchar', length: 140 })
  title!: string;

  @Column({ type: 'varchar', length: 100 })
  network!: string;

  /** As the partner wrote it, without '#'. */
  @Column({ type: 'varchar', length: 100 })
  hashtag!: string;

  /**
   * The hashtag as posts index it (post_hashtags.tag, lower-cased by hashtagKey): unique, so two
   * shows never claim one tag in different cases, and the join key from posts to their show.
   */
  @Column({ type: 'varchar', length: 100 })
  tag!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
