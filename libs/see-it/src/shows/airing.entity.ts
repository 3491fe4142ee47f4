import {
  Check,
  Column,
  Entity,
  Exclusion,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ShowEntity } from './show.entity';

/**
 * One airing of a show on a channel. Two airings of a show on one channel never overlap: the
 * exclusion constraint (btree_gist, written in the migration) decides, so concurrent addAiring
 * calls cannot both win. Ranges are half-open: an airing may start when the previous one ends.
 * Its GiST index also answers "which airing is on now" for one show; airings_during_idx (GiST on
 * the range alone, in the migration) answers it across all shows, for shows(onNow).
 */
@Entity('airings')
@Check('airings_ends_after_start', 'ends_at > starts_at')
@Exclusion(
  'airings_no_overlap',
  'USING gist (show_id WITH =, channel WITH =, tstzrange(starts_at, ends_at) WITH &&)',
)
@Index('airings_show_idx', ['showId', 'startsAt'])
@Index('airings_during_idx', { synchronize: false })
export class AiringEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'airings_pkey',
  })
  id!: string;

  @Column({ name: 'show_id', type: 'bigint' })
  showId!: string;

  @ManyToOne(() => ShowEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'show_id', foreignKeyConstraintName: 'airings_show_fk' })
  show?: ShowEntity;

  @Column({ type: 'varchar', length: 60 })
  channel!: string;

  @Column({ name: 'starts_at', type: 'timestamptz', precision: 3 })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz', precision: 3 })
  endsAt!: Date;
}
