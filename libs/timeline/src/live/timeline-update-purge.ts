import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { TimelineUpdatesRepository } from '../timeline-updates.repository';

const PURGE_EVERY_MS = 10 * 60_000;
const PURGE_BATCH = 10_000;

/**
 * Keeps the update log to its retention: every ten minutes deletes older rows, in batches, and
 * moves the horizon below which a resume cursor gets RESYNC.
 */
@Injectable()
export class TimelineUpdatePurge implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TimelineUpdatePurge.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly log: TimelineUpdatesRepository,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(
      () => void this.purge().catch((e: Error) => this.logger.error(e.message)),
      PURGE_EVERY_MS,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Deletes log rows past the retention; returns how many went. */
  async purge(): Promise<number> {
    const cutoff = new Date(Date.now() - this.config.timeline.updatesRetentionHours * 3600_000);
    let purged = 0;
    for (;;) {
      const deleted = await this.log.purgeBefore(cutoff, PURGE_BATCH);
      purged += deleted;
      if (deleted < PURGE_BATCH) return purged;
    }
  }
}
