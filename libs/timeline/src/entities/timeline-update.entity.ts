import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { XID8 } from '@app/database';
import { TimelineItemKind } from './timeline-entry.entity';

export enum TimelineUpdateKind {
  ADDED = 'ADDED',
  NOW_LIVE = 'NOW_LIVE',
  ENDED = 'ENDED',
  REMOVED = 'REMOVED',
  UPDATED = 'UPDATED',
}

/**
 * The durable, ordered log behind `timelineUpdates(after:)`: one row per change of one home
 * timeline. Rows with no owner concern every follower of an account above the fan-out limit
 * (they are not copied per follower, like the items themselves). Rows are read in (xid, id)
 * order, below the oldest running transaction (see LogPosition), so writers take no lock.
 */
@Entity('timeline_updates')
@Index('timeline_updates_owner_idx', { synchronize: false })
@Index('timeline_updates_author_idx', { synchronize: false })
@Index('timeline_updates_created_idx', { synchronize: false })
@Index('timeline_updates_position_idx', { synchronize: false })
export class TimelineUpdateEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'timeline_updates_pkey',
  })
  id!: string;

  @Column({ name: 'owner_id', type: 'bigint', nullable: true })
  ownerId!: string | null;

  @Column({ name: 'author_id', type: 'bigint' })
  authorId!: string;

  @Column({ type: 'enum', enum: TimelineUpdateKind, enumName: 'timeline_update_kind' })
  kind!: TimelineUpdateKind;

  @Column({
    name: 'item_kind',
    type: 'enum',
    enum: TimelineItemKind,
    enumName: 'timeline_item_kind',
  })
  itemKind!: TimelineItemKind;

  @Column({ name: 'item_id', type: 'bigint' })
  itemId!: string;

  /** The writer's transaction id, set by the database. */
  @Column({
    type: XID8,
    default: () => 'pg_current_xact_id()',
    select: false,
    insert: false,
    update: false,
  })
  xid!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

/** Everything up to the position (`purgedXid`, `purgedThrough`) may be gone: older resume cursors get RESYNC. */
@Entity('timeline_update_horizon')
@Check('timeline_update_horizon_single_row', 'id = 1')
export class TimelineUpdateHorizonEntity {
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'timeline_update_horizon_pkey' })
  id!: number;

  @Column({ name: 'purged_xid', type: XID8, default: '0' })
  purgedXid!: string;

  @Column({ name: 'purged_through', type: 'bigint', default: 0 })
  purgedThrough!: string;
}
