import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { DeviceEntity } from './device.entity';

/**
 * A code a screen shows so that an account can pair it. Only hashes are kept: of the short code
 * (typed by a person) and of the long secret (held by the screen, presented to claim its token).
 * Bound to a device once an account pairs with it; claimed once the screen has its token.
 */
@Entity('screen_pairing_codes')
@Index('screen_pairing_codes_code_key', ['codeHash'], { unique: true })
@Index('screen_pairing_codes_secret_key', ['secretHash'], { unique: true })
@Index('screen_pairing_codes_expiry_idx', ['expiresAt'])
@Index('screen_pairing_codes_device_idx', ['deviceId'], { where: '"device_id" IS NOT NULL' })
export class ScreenPairingCodeEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'screen_pairing_codes_pkey',
  })
  id!: string;

  /** Hex SHA-256 of the code, without its dash. */
  @Column({ name: 'code_hash', type: 'char', length: 64 })
  codeHash!: string;

  /** Hex SHA-256 of the pairing secret. */
  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'device_id', type: 'bigint', nullable: true })
  deviceId!: string | null;

  @ManyToOne(() => DeviceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'screen_pairing_codes_device_fk' })
  device?: DeviceEntity;

  @Column({ name: 'claimed_at', type: 'timestamptz', precision: 3, nullable: true })
  claimedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
