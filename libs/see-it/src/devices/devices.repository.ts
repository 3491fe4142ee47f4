import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { activeUserSql } from '@app/accounts';
import { DeviceIdentity } from '@app/common';
import { GenerateSql, Queryable, returningRows } from '@app/database';
import { SeeItTarget } from '../see-it.enums';
import { DeviceEntity } from './device.entity';

interface DeviceRecord {
  id: string;
  owner_id: string;
  name: string;
  kind: SeeItTarget;
  created_at: Date;
}

const DEVICE_COLUMNS = 'd.id, d.owner_id, d.name, d.kind, d.created_at';

function toDeviceEntity(row: DeviceRecord): DeviceEntity {
  return Object.assign(new DeviceEntity(), {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    kind: row.kind,
    createdAt: row.created_at,
  });
}

/** The `devices` table: paired screens, their token stored as a hash. */
@Injectable()
export class DevicesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * A new device, unless its owner already has `max`: counted in the INSERT itself. Pairings
   * racing at the limit may all pass: harmless for a limit that only stops a runaway client from
   * growing the list without bound.
   */
  @GenerateSql({ params: [['2', 'Living room', SeeItTarget.TV, 'ab'.repeat(32), 50]] })
  async insertBelowLimit(
    ownerId: string,
    name: string,
    kind: SeeItTarget,
    tokenHash: string,
    max: number,
    db: Queryable = this.db,
  ): Promise<DeviceEntity | undefined> {
    const [row] = await db.query<DeviceRecord[]>(
      `INSERT INTO devices AS d (owner_id, name, kind, token_hash)
       SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM devices WHERE owner_id = $1) < $5
       RETURNING ${DEVICE_COLUMNS}`,
      [ownerId, name, kind, tokenHash, max],
    );
    return row && toDeviceEntity(row);
  }

  /** The owner's devices, oldest first. */
  @GenerateSql({ params: [['2']] })
  async findByOwner(ownerId: string): Promise<DeviceEntity[]> {
    const rows = await this.db.query<DeviceRecord[]>(
      `SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.owner_id = $1 ORDER BY d.id`,
      [ownerId],
    );
    return rows.map(toDeviceEntity);
  }

  /** The device if it is the owner's; someone else's is undefined. */
  @GenerateSql({ params: [['2', '1']] })
  async findOwned(ownerId: string, id: string): Promise<DeviceEntity | undefined> {
    const [row] = await this.db.query<DeviceRecord[]>(
      `SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.id = $1 AND d.owner_id = $2`,
      [id, ownerId],
    );
    return row && toDeviceEntity(row);
  }

  /** Deletes one of the owner's devices; false when the owner has no such device. */
  @GenerateSql({ params: [['2', '1']] })
  async deleteOwned(ownerId: string, id: string, db: Queryable = this.db): Promise<boolean> {
    const deleted = await returningRows(
      db instanceof DataSource ? db.manager : db,
      'DELETE FROM devices WHERE id = $1 AND owner_id = $2 RETURNING 1',
      [id, ownerId],
    );
    return deleted.length > 0;
  }

  /** The device with this token hash, when its owner is active. */
  @GenerateSql({ params: [['ab'.repeat(32)]] })
  async findIdentityByTokenHash(tokenHash: string): Promise<DeviceIdentity | undefined> {
    const [row] = await this.db.query<{ id: string; owner_id: string }[]>(
      `SELECT d.id, d.owner_id FROM devices d
       WHERE d.token_hash = $1 AND ${activeUserSql('d.owner_id')}`,
      [tokenHash],
    );
    return row && { id: row.id, ownerId: row.owner_id };
  }

  @GenerateSql({ params: [['1']] })
  async exists(id: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>('SELECT 1 FROM devices WHERE id = $1', [id]);
    return rows.length > 0;
  }

  /** Gives the device a new token; the old one stops working. Undefined when it was unpaired. */
  @GenerateSql({ params: [['1', 'ab'.repeat(32)]] })
  async replaceToken(
    id: string,
    tokenHash: string,
    db: Queryable = this.db,
  ): Promise<DeviceEntity | undefined> {
    const [row] = await returningRows<DeviceRecord>(
      db instanceof DataSource ? db.manager : db,
      `UPDATE devices AS d SET token_hash = $2 WHERE d.id = $1 RETURNING ${DEVICE_COLUMNS}`,
      [id, tokenHash],
    );
    return row && toDeviceEntity(row);
  }
}
