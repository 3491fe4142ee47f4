import { Check, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '@app/accounts';

@Entity('mutes')
@Check('mutes_not_self', 'muter_id <> muted_id')
export class MuteEntity {
  @PrimaryColumn({ name: 'muter_id', type: 'bigint' })
  muterId!: string;

  @PrimaryColumn({ name: 'muted_id', type: 'bigint' })
  mutedId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'muter_id', foreignKeyConstraintName: 'mutes_muter_fk' })
  muter?: UserEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'muted_id', foreignKeyConstraintName: 'mutes_muted_fk' })
  muted?: UserEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
