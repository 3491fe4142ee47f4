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
import { BroadcastEntity } from './broadcast.entity';

/** A chat message, kept with its offset from the start so a replay shows it in step. */
@Entity('broadcast_comments')
@Check('broadcast_comments_text_length', 'char_length(text) BETWEEN 1 AND 200')
@Check('broadcast_comments_offset_not_negative', 'offset_ms >= 0')
@Index('broadcast_comments_replay_idx', ['broadcastId', 'offsetMs', 'id'])
@Index('broadcast_comments_author_idx', ['authorId'])
export class BroadcastCommentEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'broadcast_id', type: 'bigint' })
  broadcastId!: string;

  @Column({ name: 'author_id', type: 'bigint' })
  authorId!: string;

  @Column({ type: 'text' })
  text!: string;

  /** Milliseconds from the broadcast's start to this comment. */
  @Column({ name: 'offset_ms', type: 'integer' })
  offsetMs!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'broadcast_comments_broadcast_fk' })
  broadcast?: BroadcastEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'broadcast_comments_author_fk' })
  author?: UserEntity;
}
