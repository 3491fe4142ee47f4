import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { UserEntity } from '@app/accounts';
import { SeeItTarget } from '../see-it.enums';

/**
 * A screen paired with an account. Only the SHA-256 of its token is kept: the token is 32 random
 * bytes, so a slow password hash would add nothing, and a stolen table yields no usable token.
 * Unpairing deletes the row, which revokes the token.
 */
@Entity('devices')
@Index('devices_owner_idx', ['ownerId', 'id'])
@Index('devices_token_key', ['tokenHash'], { unique: true })
export class DeviceEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'devices_pkey',
  })
  id!: string;

  @Column({ name: 'owner_id', type: 'bigint' })
  ownerId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'devices_owner_fk' })
  owner?: UserEntity;

  @Column({ type: 'varchar', length: 60 })
  name!: string;

  @Column({ type: 'enum', enum: SeeItTarget, enumName: 'see_it_target' })
  kind!: SeeItTarget;

  /** Hex SHA-256 of the device token. */
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
