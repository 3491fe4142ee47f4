import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  afterCommit,
  ConflictError,
  DeviceIdentity,
  InvalidInputError,
  NotFoundError,
  RateLimits,
  runInTransaction,
  Viewer,
} from '@app/common';
import { returningRows } from '@app/database';
import { SeeItTarget } from '../see-it.enums';
import { DeviceEntity } from './device.entity';
import { hashDeviceToken, isDeviceTokenShaped, newDeviceToken } from './device-token';
import { PlayCommands } from './play-commands';

export const MAX_DEVICES = 50;
const MAX_NAME_LENGTH = 60;

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

function parseName(raw: string): string {
  const name = raw.trim();
  const length = [...name].length;
  if (length === 0 || length > MAX_NAME_LENGTH) {
    throw InvalidInputError.field('name', `must be 1 to ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

/** Paired screens: pairing, listing, unpairing, and recognizing a screen by its token. */
@Injectable()
export class DevicesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commands: PlayCommands,
    private readonly limits: RateLimits,
  ) {}

  /** A new device and its token, which is returned this once and stored only as a hash. */
  async pair(
    viewer: Viewer,
    name: string,
    kind: SeeItTarget,
  ): Promise<{ device: DeviceEntity; token: string }> {
    const deviceName = parseName(name);
    await this.limits.consume(
      'pairDevice',
      viewer.id,
      'You are pairing devices too fast. Wait a while and try again.',
    );
    const token = newDeviceToken();
    // Counted in the INSERT itself. Pairings racing at the limit may all pass: harmless for a
    // limit that only stops a runaway client from growing the list without bound.
    const [row] = await this.db.query<DeviceRecord[]>(
      `INSERT INTO devices AS d (owner_id, name, kind, token_hash)
       SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM devices WHERE owner_id = $1) < $5
       RETURNING ${DEVICE_COLUMNS}`,
      [viewer.id, deviceName, kind, hashDeviceToken(token), MAX_DEVICES],
    );
    if (!row) {
      throw new ConflictError(`You already have ${MAX_DEVICES} paired devices: unpair one first.`);
    }
    return { device: toDeviceEntity(row), token };
  }

  async list(ownerId: string): Promise<DeviceEntity[]> {
    const rows = await this.db.query<DeviceRecord[]>(
      `SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.owner_id = $1 ORDER BY d.id`,
      [ownerId],
    );
    return rows.map(toDeviceEntity);
  }

  /** The device if it is the owner's; someone else's device does not exist for them. */
  async ownedBy(ownerId: string, id: string): Promise<DeviceEntity | undefined> {
    const [row] = await this.db.query<DeviceRecord[]>(
      `SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.id = $1 AND d.owner_id = $2`,
      [id, ownerId],
    );
    return row && toDeviceEntity(row);
  }

  /** Revokes the token at once; the screen's open playCommands socket is closed (4403). */
  async unpair(viewer: Viewer, id: string): Promise<void> {
    await runInTransaction(this.db, async (manager) => {
      const deleted = await returningRows(
        manager,
        'DELETE FROM devices WHERE id = $1 AND owner_id = $2 RETURNING 1',
        [id, viewer.id],
      );
      if (deleted.length === 0) throw new NotFoundError('The device');
      afterCommit(manager, () => this.commands.unpaired(id));
    });
  }

  /** The paired device behind a token, when it is still paired and its owner active. */
  async authenticate(token: unknown): Promise<DeviceIdentity | undefined> {
    if (!isDeviceTokenShaped(token)) return undefined;
    const [row] = await this.db.query<{ id: string; owner_id: string }[]>(
      `SELECT d.id, d.owner_id FROM devices d
       JOIN users u ON u.id = d.owner_id AND u.suspended_at IS NULL
       WHERE d.token_hash = $1`,
      [hashDeviceToken(token)],
    );
    return row && { id: row.id, ownerId: row.owner_id };
  }

  async isPaired(id: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>('SELECT 1 FROM devices WHERE id = $1', [id]);
    return rows.length > 0;
  }
}
