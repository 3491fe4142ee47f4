import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BroadcastEntity } from '../../entities/broadcast.entity';

/**
 * A broadcast whose last publisher left: it ends at `dueAt` unless its key publishes again
 * first. Any API process ends it (MediaHooksService's sweep), not only the one that got the hook.
 */
@Entity('media_pending_ends')
@Index('media_pending_ends_due_idx', ['dueAt'])
export class MediaPendingEndEntity {
  @PrimaryColumn({
    name: 'broadcast_id',
    type: 'bigint',
    primaryKeyConstraintName: 'media_pending_ends_pkey',
  })
  broadcastId!: string;

  @Column({ name: 'due_at', type: 'timestamptz', precision: 3 })
  dueAt!: Date;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'media_pending_ends_broadcast_fk' })
  broadcast?: BroadcastEntity;
}
