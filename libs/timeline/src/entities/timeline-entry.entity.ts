import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export enum TimelineItemKind {
  POST = 'POST',
  BROADCAST = 'BROADCAST',
}

/**
 * A home timeline, materialized by fan-out on write: one row per (owner, item). Read by primary
 * key range, newest first. A cache of the source tables: every row can be rebuilt from posts,
 * broadcasts and follows, and deletions, unfollows and blocks delete rows here in the same
 * transaction. No foreign keys: fan-out writes thousands of rows at once.
 */
@Entity('timeline_entries')
@Index('timeline_entries_item_idx', ['itemId'])
export class TimelineEntryEntity {
  @PrimaryColumn({ name: 'owner_id', type: 'bigint' })
  ownerId!: string;

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

  @Column({ name: 'author_id', type: 'bigint' })
  authorId!: string;
}
