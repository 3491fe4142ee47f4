import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql, Queryable, returningRows } from '@app/database';

/** A pairing code as its screen claims it: open while unexpired and unclaimed. */
export interface ScreenPairingState {
  id: string;
  /** The device an account paired with the code; null until then. */
  deviceId: string | null;
  open: boolean;
}

/** The `screen_pairing_codes` table: codes screens show, and the devices paired with them. */
@Injectable()
export class ScreenPairingCodesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A new code, valid for `validForSeconds`; returns when it expires. */
  @GenerateSql({ params: [['ab'.repeat(32), 'cd'.repeat(32), 600]] })
  async insert(codeHash: string, secretHash: string, validForSeconds: number): Promise<Date> {
    const [row] = await this.db.query<{ expires_at: Date }[]>(
      `INSERT INTO screen_pairing_codes (code_hash, secret_hash, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))
       RETURNING expires_at`,
      [codeHash, secretHash, validForSeconds],
    );
    return row.expires_at;
  }

  /** Forgets expired codes; the devices paired with them stay. */
  @GenerateSql({ params: [[]] })
  async deleteExpired(): Promise<void> {
    await this.db.query('DELETE FROM screen_pairing_codes WHERE expires_at <= now()');
  }

  /**
   * Locks the unexpired code no account has paired with yet, for the rest of the transaction; a
   * concurrent pairing with the same code waits, then finds it taken.
   */
  @GenerateSql({ params: [['ab'.repeat(32)]] })
  async lockUnpaired(codeHash: string, db: Queryable = this.db): Promise<string | undefined> {
    const [row] = await db.query<{ id: string }[]>(
      `SELECT id FROM screen_pairing_codes
       WHERE code_hash = $1 AND device_id IS NULL AND expires_at > now()
       FOR UPDATE`,
      [codeHash],
    );
    return row?.id;
  }

  /**
   * Binds the code to the device paired with it; the screen gets at least `graceSeconds` more to
   * claim its token, so a pairing just before expiry still reaches it.
   */
  @GenerateSql({ params: [['1', '1', 60]] })
  async bindDevice(
    id: string,
    deviceId: string,
    graceSeconds: number,
    db: Queryable = this.db,
  ): Promise<void> {
    await db.query(
      `UPDATE screen_pairing_codes
       SET device_id = $2, expires_at = greatest(expires_at, now() + make_interval(secs => $3))
       WHERE id = $1`,
      [id, deviceId, graceSeconds],
    );
  }

  /** The code with this secret, as its screen sees it. */
  @GenerateSql({ params: [['cd'.repeat(32)]] })
  async findBySecret(secretHash: string): Promise<ScreenPairingState | undefined> {
    const [row] = await this.db.query<{ id: string; device_id: string | null; open: boolean }[]>(
      `SELECT id, device_id, (claimed_at IS NULL AND expires_at > now()) AS open
       FROM screen_pairing_codes WHERE secret_hash = $1`,
      [secretHash],
    );
    return row && { id: row.id, deviceId: row.device_id, open: row.open };
  }

  /** Marks a paired code claimed, once: the device's id, or undefined when it was already. */
  @GenerateSql({ params: [['1']] })
  async markClaimed(id: string, db: Queryable = this.db): Promise<string | undefined> {
    const [row] = await returningRows<{ device_id: string }>(
      db instanceof DataSource ? db.manager : db,
      `UPDATE screen_pairing_codes SET claimed_at = now()
       WHERE id = $1 AND claimed_at IS NULL AND device_id IS NOT NULL AND expires_at > now()
       RETURNING device_id`,
      [id],
    );
    return row?.device_id;
  }
}
