import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Each handle BOOTSTRAP_ADMIN has made ADMIN, lower-cased. The grant happens once per handle: a
 * later account that takes the handle of a deleted one, or an admin demoted since, is never
 * (re)promoted by the setting.
 */
@Entity('admin_bootstrap_grants')
export class AdminGrantEntity {
  @PrimaryColumn({
    type: 'varchar',
    length: 30,
    primaryKeyConstraintName: 'admin_bootstrap_grants_pkey',
  })
  handle!: string;

  @CreateDateColumn({ name: 'granted_at', type: 'timestamptz', precision: 3 })
  grantedAt!: Date;
}
