import {
  Check,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { UserEntity } from '@app/accounts';

@Entity('blocks')
@Check('blocks_not_self', 'blocker_id <> blocked_id')
@Index('blocks_blocked_idx', ['blockedId', 'blockerId'])
export class BlockEntity {
  @PrimaryColumn({ name: 'blocker_id', type: 'bigint' })
  blockerId!: string;

  @PrimaryColumn({ name: 'blocked_id', type: 'bigint' })
  blockedId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'blocker_id', foreignKeyConstraintName: 'blocks_blocker_fk' })
  blocker?: UserEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'blocked_id', foreignKeyConstraintName: 'blocks_blocked_fk' })
  blocked?: UserEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
