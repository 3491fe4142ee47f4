import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError, RateLimits, runInTransaction } from '@app/common';
import { DeviceEntity } from './device.entity';
import { DevicesRepository } from './devices.repository';
import { hashDeviceToken, isDeviceTokenShaped, newDeviceToken } from './device-token';
import { newScreenCode } from './screen-code';
import { ScreenPairingCodesRepository } from './screen-pairing-codes.repository';

/** How long a screen shows one code. */
export const SCREEN_CODE_SECONDS = 600;

/** A code for a screen to show, and the secret it keeps to claim its token. */
export interface ScreenCode {
  code: string;
  pairingSecret: string;
  expiresAt: Date;
}

/**
 * The screen's side of pairing by code: it asks for a code, shows it, and claims its device token
 * once an account has paired with the code (DevicesService.pair).
 */
@Injectable()
export class ScreenCodesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly codes: ScreenPairingCodesRepository,
    private readonly devices: DevicesRepository,
    private readonly limits: RateLimits,
  ) {}

  async request(ip: string): Promise<ScreenCode> {
    await this.limits.consume(
      'screenCodes',
      ip,
      'This address is asking for pairing codes too fast. Wait a while and try again.',
    );
    await this.codes.deleteExpired();
    const { code, codeHash } = newScreenCode();
    // The secret has a device token's shape and strength: a hash is all that is kept of either.
    const pairingSecret = newDeviceToken();
    const expiresAt = await this.codes.insert(
      codeHash,
      hashDeviceToken(pairingSecret),
      SCREEN_CODE_SECONDS,
    );
    return { code, pairingSecret, expiresAt };
  }

  /**
   * Null while no account has paired with the code; then the device and a new token, this once.
   * NOT_FOUND for an unknown secret, an expired code, or one already claimed.
   */
  async claim(pairingSecret: string): Promise<{ device: DeviceEntity; token: string } | null> {
    const state = isDeviceTokenShaped(pairingSecret)
      ? await this.codes.findBySecret(hashDeviceToken(pairingSecret))
      : undefined;
    if (!state?.open) throw new NotFoundError('The pairing code');
    if (!state.deviceId) return null;
    const token = newDeviceToken();
    return runInTransaction(this.db, async (manager) => {
      const deviceId = await this.codes.markClaimed(state.id, manager);
      const device =
        deviceId && (await this.devices.replaceToken(deviceId, hashDeviceToken(token), manager));
      if (!device) throw new NotFoundError('The pairing code');
      return { device, token };
    });
  }
}
