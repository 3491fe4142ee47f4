import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  afterCommit,
  defineLoader,
  InvalidInputError,
  NotFoundError,
  parseOptionalGlobalId,
  RateLimits,
  RequestLoaders,
  runInTransaction,
  Viewer,
} from '@app/common';
import { SeeItSubjectRef } from '../button/models/see-it.model';
import { SeeItService } from '../button/see-it.service';
import { DevicesService } from '../devices/devices.service';
import { PlayCommands } from '../devices/play-commands';
import { SEE_IT_ACTIONS, SeeItAction, SeeItTarget, targetOf } from '../see-it.enums';
import { SeeItStatModel } from '../shows/models/show.model';
import { WatchLaterRepository } from '../watch-later/watch-later.repository';
import { SeeItInput } from './dto/see-it.input';
import { TAP_COUNT_SLOTS } from './see-it-tap-count.entity';
import { TapsRepository } from './taps.repository';

export interface TapResult {
  url: string | null;
  savedForLater: boolean;
  sentToDevice: boolean;
}

/** Exactly one of showId and broadcastId, as database ids. */
export function parseSubject(input: Pick<SeeItInput, 'showId' | 'broadcastId'>): SeeItSubjectRef {
  const showId = parseOptionalGlobalId(input.showId, 'Show', 'showId');
  const broadcastId = parseOptionalGlobalId(input.broadcastId, 'Broadcast', 'broadcastId');
  if ((showId === undefined) === (broadcastId === undefined)) {
    throw InvalidInputError.field('showId', 'give exactly one of showId and broadcastId');
  }
  return showId !== undefined ? { showId } : { broadcastId: broadcastId! };
}

/** Taps on See it buttons: recorded, counted, saved for later, and sent to a paired screen. */
@Injectable()
export class TapsService {
  /** Taps per action of each show, every action listed (0 when never tapped). */
  readonly stats = defineLoader<string, SeeItStatModel[]>(
    'seeItStats',
    async (showIds) => {
      const rows = await this.taps.countsOf(showIds);
      const counts = new Map(rows.map((row) => [`${row.showId}:${row.action}`, row.taps]));
      return showIds.map((id) =>
        SEE_IT_ACTIONS.map((action) => ({ action, taps: counts.get(`${id}:${action}`) ?? 0 })),
      );
    },
    { viewerIndependent: true },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly taps: TapsRepository,
    private readonly watchLater: WatchLaterRepository,
    private readonly seeIt: SeeItService,
    private readonly devices: DevicesService,
    private readonly commands: PlayCommands,
    private readonly limits: RateLimits,
  ) {}

  /**
   * Checks everything first (one subject the viewer may see, the viewer's own device), then in
   * one transaction: the tap row, the show's counter (when the `seeItStats` limit lets this
   * account's tap count), the watch-later entry. The play command goes out once that has committed.
   */
  async tap(viewer: Viewer, input: SeeItInput, loaders: RequestLoaders): Promise<TapResult> {
    const subject = parseSubject(input);
    const deviceId = parseOptionalGlobalId(input.deviceId, 'Device', 'deviceId') ?? null;
    if (deviceId && input.action === SeeItAction.LATER) {
      throw InvalidInputError.field('deviceId', 'cannot go with LATER, which only saves');
    }
    await this.limits.consume(
      'seeItTaps',
      viewer.id,
      'You are tapping See it too fast. Wait a moment and try again.',
    );
    const seeIt = await this.seeIt.forSubject(loaders, subject, viewer.id);
    if (!seeIt) throw new NotFoundError('showId' in subject ? 'The show' : 'The broadcast');
    const device = deviceId ? await this.devices.ownedBy(viewer.id, deviceId) : undefined;
    if (deviceId && !device) throw new NotFoundError('The device');

    const showId = 'showId' in subject ? subject.showId : null;
    const counted =
      showId !== null &&
      (await this.limits.allow('seeItStats', `${viewer.id}:${showId}:${input.action}`));
    const linkFor = (target: SeeItTarget) => seeIt.links.find((link) => link.target === target)!;
    await runInTransaction(this.db, async (manager) => {
      await this.taps.insertTap(viewer.id, subject, input.action, manager);
      if (counted) {
        await this.taps.incrementCount(showId, input.action, randomInt(TAP_COUNT_SLOTS), manager);
      }
      if (input.action === SeeItAction.LATER) {
        await this.watchLater.save(viewer.id, subject, manager);
      }
      if (device) {
        // The screen gets the link for its own kind: a TV routes tv links.
        const command = {
          url: linkFor(device.kind).url,
          title: seeIt.title,
          showId,
          broadcastId: 'broadcastId' in subject ? subject.broadcastId : null,
          at: new Date().toISOString(),
        };
        afterCommit(manager, () => this.commands.send(device.id, command));
      }
    });
    const target = targetOf(input.action);
    return {
      url: target && linkFor(target).url,
      savedForLater: input.action === SeeItAction.LATER,
      sentToDevice: device !== undefined,
    };
  }
}
