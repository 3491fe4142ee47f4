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
import { BroadcastEntity } from '@app/broadcasts';

/**
 * Posts and broadcasts draw ids from one sequence (item_id_seq), so a timeline entry names its
 * item by id alone.
 */
@Entity('posts')
@Check('posts_text_length', 'char_length(text) BETWEEN 1 AND 280')
@Check('posts_counts_not_negative', 'likes_count >= 0 AND replies_count >= 0')
@Index('posts_author_idx', ['authorId', 'createdAt', 'id'])
@Index('posts_reply_to_idx', ['replyToId', 'createdAt', 'id'])
@Index('posts_broadcast_idx', { synchronize: false })
export class PostEntity {
  @PrimaryColumn({ type: 'bigint', default: () => "nextval('item_id_seq')" })
  id!: string;

  @Column({ name: 'author_id', type: 'bigint' })
  authorId!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'reply_to_id', type: 'bigint', nullable: true })
  replyToId!: string | null;

  /** The broadcast the post shares, if any. */
  @Column({ name: 'broadcast_id', type: 'bigint', nullable: true })
  broadcastId!: string | null;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'posts_broadcast_fk' })
  broadcast?: BroadcastEntity;

  /** As written (case kept), in order of appearance; lower-cased copies are in post_hashtags. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  hashtags!: string[];

  @Column({ name: 'likes_count', type: 'integer', default: 0 })
  likesCount!: number;

  @Column({ name: 'replies_count', type: 'integer', default: 0 })
  repliesCount!: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'posts_author_fk' })
  author?: UserEntity;

  @ManyToOne(() => PostEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'reply_to_id', foreignKeyConstraintName: 'posts_reply_to_fk' })
  replyTo?: PostEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
