import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SeeItAction } from '../see-it.enums';
import { ShowEntity } from '../shows/show.entity';

/** Counter rows per (show, action): a tap that counts adds 1 to one of them, chosen at random. */
export const TAP_COUNT_SLOTS = 16;

/**
 * Taps per show and action, kept by the tap's own transaction, so seeItStats reads at most
 * 5 x 16 rows however many taps there were. Each (show, action) is spread over TAP_COUNT_SLOTS
 * rows: concurrent taps on a show that is on air then rarely wait for one another's row lock,
 * and every increment is still exact (the row lock serializes the ones that meet).
 */
@Entity('see_it_tap_counts')
@Check('see_it_tap_counts_slot_range', `slot >= 0 AND slot < ${TAP_COUNT_SLOTS}`)
export class SeeItTapCountEntity {
  @PrimaryColumn({
    name: 'show_id',
    type: 'bigint',
    primaryKeyConstraintName: 'see_it_tap_counts_pkey',
  })
  showId!: string;

  @PrimaryColumn({
    type: 'enum',
    enum: SeeItAction,
    enumName: 'see_it_action',
    primaryKeyConstraintName: 'see_it_tap_counts_pkey',
  })
  action!: SeeItAction;

  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'see_it_tap_counts_pkey' })
  slot!: number;

  @Column({ type: 'bigint', default: 0 })
  taps!: string;

  @ManyToOne(() => ShowEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'show_id', foreignKeyConstraintName: 'see_it_tap_counts_show_fk' })
  show?: ShowEntity;
}
