import { CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BroadcastEntity } from '../../entities/broadcast.entity';

/**
 * One RTMP connection the publish hook accepted for a broadcast and whose publish-done has not
 * come yet: only the last one leaving ends the broadcast. Shared by every API process.
 */
@Entity('media_publishers')
export class MediaPublisherEntity {
  @PrimaryColumn({
    name: 'broadcast_id',
    type: 'bigint',
    primaryKeyConstraintName: 'media_publishers_pkey',
  })
  broadcastId!: string;

  /** `<media server address>#<nginx client id>`. */
  @PrimaryColumn({
    type: 'varchar',
    length: 160,
    primaryKeyConstraintName: 'media_publishers_pkey',
  })
  publisher!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @ManyToOne(() => BroadcastEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'broadcast_id', foreignKeyConstraintName: 'media_publishers_broadcast_fk' })
  broadcast?: BroadcastEntity;
}
