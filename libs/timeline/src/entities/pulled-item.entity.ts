import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimelineItemKind } from './timeline-entry.entity';

/**
 * Items of accounts with more followers than FANOUT_MAX_FOLLOWERS. They are written once here
 * instead of into every follower's timeline, and merged into home timelines at read time
 * (Twitter's hybrid).
 */
@Entity('timeline_pulled_items')
@Index('timeline_pulled_items_item_idx', ['itemId'])
export class PulledItemEntity {
  @PrimaryColumn({ name: 'author_id', type: 'bigint' })
  authorId!: string;

  @PrimaryColumn({ name: 'sort_at', type: 'timestamptz', precision: 3 })
  sortAt!: Date;

  @PrimaryColumn({ name: 'item_id', type: 'bigint' })
  itemId!: string;

  @Column({
    name: 'item_kind',
    type: 'enum',
    enum: TimelineItemKind,
    enumName: 'timeline_item_kind',
  })
  itemKind!: TimelineItemKind;
}

/** Accounts that have pulled items: few, so reads join follows against them, not the reverse. */
@Entity('timeline_pull_authors')
export class PullAuthorEntity {
  @PrimaryColumn({ name: 'author_id', type: 'bigint' })
  authorId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
