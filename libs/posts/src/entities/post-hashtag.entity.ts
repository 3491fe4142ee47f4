import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from './post.entity';

/** One row per (post, lower-cased tag): the index behind "posts with #tag, newest first". */
@Entity('post_hashtags')
@Index('post_hashtags_tag_idx', ['tag', 'createdAt', 'postId'])
export class PostHashtagEntity {
  @PrimaryColumn({ name: 'post_id', type: 'bigint' })
  postId!: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  tag!: string;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'post_hashtags_post_fk' })
  post?: PostEntity;
}
