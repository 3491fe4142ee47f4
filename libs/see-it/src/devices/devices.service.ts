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
import { Queryable } from '@app/database';
import { SeeItTarget } from '../see-it.enums';
import { DeviceEntity } from './device.entity';
import { DevicesRepository } from './devices.repository';
import { hashDeviceToken, isDeviceTokenShaped, newDeviceToken } from './device-token';
import { PlayCommands } from './play-commands';
import { screenCodeHash } from './screen-code';
import { ScreenPairingCodesRepository } from './screen-pairing-codes.repository';

export const MAX_DEVICES = 50;
const MAX_NAME_LENGTH = 60;
/** Time a screen still has to claim its token after a pairing just before its code expires. */
const CLAIM_GRACE_SECONDS = 60;

/** One answer for a wrong, expired or used code: a guesser learns nothing from which. */
const badScreenCode = () =>
  InvalidInputError.field(
    'screenCode',
    'no screen shows this code now: check it, or get a new code on the screen',
  );

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
    private readonly devices: DevicesRepository,
    private readonly screenCodes: ScreenPairingCodesRepository,
    private readonly commands: PlayCommands,
    private readonly limits: RateLimits,
  ) {}

  /**
   * A new device and its token, which is returned this once and stored only as a hash. With the
   * code a screen shows, the code is bound to the device (once), and the screen claims a token of
   * its own (ScreenCodesService.claim), which replaces this one.
   */
  async pair(
    viewer: Viewer,
    name: string,
    kind: SeeItTarget,
    screenCode?: string | null,
  ): Promise<{ device: DeviceEntity; token: string }> {
    const deviceName = parseName(name);
    const codeHash = screenCode == null ? undefined : screenCodeHash(screenCode);
    if (screenCode != null && !codeHash) throw badScreenCode();
    // Counted before the code is looked up: each wrong guess uses up the account's pairings.
    await this.limits.consume(
      'pairDevice',
      viewer.id,
      'You are pairing devices too fast. Wait a while and try again.',
    );
    const token = newDeviceToken();
    const insert = async (db: Queryable) => {
      const device = await this.devices.insertBelowLimit(
        viewer.id,
        deviceName,
        kind,
        hashDeviceToken(token),
        MAX_DEVICES,
        db,
      );
      if (!device) {
        throw new ConflictError(
          `You already have ${MAX_DEVICES} paired devices: unpair one first.`,
        );
      }
      return device;
    };
    const device = codeHash
      ? await runInTransaction(this.db, async (manager) => {
          const codeId = await this.screenCodes.lockUnpaired(codeHash, manager);
          if (!codeId) throw badScreenCode();
          const paired = await insert(manager);
          await this.screenCodes.bindDevice(codeId, paired.id, CLAIM_GRACE_SECONDS, manager);
          return paired;
        })
      : await insert(this.db);
    return { device, token };
  }

  list(ownerId: string): Promise<DeviceEntity[]> {
    return this.devices.findByOwner(ownerId);
  }

  /** The device if it is the owner's; someone else's device does not exist for them. */
  ownedBy(ownerId: string, id: string): Promise<DeviceEntity | undefined> {
    return this.devices.findOwned(ownerId, id);
  }

  /** Revokes the token at once; the screen's open playCommands socket is closed (4403). */
  async unpair(viewer: Viewer, id: string): Promise<void> {
    await runInTransaction(this.db, async (manager) => {
      if (!(await this.devices.deleteOwned(viewer.id, id, manager))) {
        throw new NotFoundError('The device');
      }
      afterCommit(manager, () => this.commands.unpaired(id));
    });
  }

  /** The paired device behind a token, when it is still paired and its owner active. */
  async authenticate(token: unknown): Promise<DeviceIdentity | undefined> {
    if (!isDeviceTokenShaped(token)) return undefined;
    return this.devices.findIdentityByTokenHash(hashDeviceToken(token));
  }

  isPaired(id: string): Promise<boolean> {
    return this.devices.exists(id);
  }
}
