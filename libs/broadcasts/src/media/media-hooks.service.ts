import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, RepeatedWarnings, runInTransaction } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BroadcastLifecycleService } from '../broadcast-lifecycle.service';
import { BroadcastsRepository } from '../broadcasts.repository';
import { parsePlaybackName, playbackName } from '../playback-name';
import { hookSecretMatches } from './hook-secret';
import { MediaPublishersRepository } from './media-publishers.repository';

/** One call of nginx-rtmp's on_publish or on_publish_done, as the controller received it. */
export interface MediaHook {
  /**
   * From the hook URL's query string only. nginx-rtmp appends the encoder's own publish URL
   * arguments to the form body, so a `secret` in the body is whatever the encoder chose.
   */
  secret: unknown;
  /**
   * Form fields: `name` is the stream key (publish-done: the key or the playback name),
   * `clientid` nginx's connection, `addr` the encoder's.
   */
  fields: Record<string, unknown>;
  /** The media server that called (one nginx's client ids say nothing about another's). */
  mediaServer: string;
}

export type HookOutcome = { accepted: true } | { accepted: false };
/** An accepted publish names the public name nginx-rtmp renames the stream to. */
export type PublishOutcome = { accepted: true; playbackName: string } | { accepted: false };

const ACCEPTED: HookOutcome = { accepted: true };
const REFUSED: { accepted: false } = { accepted: false };

/** Refused calls are logged once per kind and then counted, one summary line per interval. */
export const REFUSAL_SUMMARY_MS = 60_000;

/** A pending end whose end failed is due again this much later (the next due ones go first). */
const FAILED_END_RETRY_SECONDS = 60;

/** Stream keys and playback names are ours (URL-safe); anything else is not worth a query. */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The media server's view of a broadcast: publishing with a valid key makes it LIVE, and the end
 * of publishing ends it once a grace period has passed without the same key publishing again, so
 * an encoder on a flaky connection that drops and reconnects keeps its broadcast.
 *
 * nginx-rtmp asks on_publish before its live module checks that nobody else publishes the name,
 * and sends on_publish_done for a second publisher it then turns away ("already publishing"). So
 * the publishers accepted per broadcast are tracked, and only the last one leaving ends the
 * broadcast: otherwise anyone knowing the key could end a running broadcast by publishing to it once.
 *
 * That state is in PostgreSQL (`media_publishers`, `media_pending_ends`), so with several API
 * processes behind one hook URL a re-publish reaching any of them cancels a pending end, and any
 * of them ends the broadcast when the grace runs out: each sweeps the due ends periodically, and
 * the process that got the publish-done also wakes up when its grace ends, for promptness. A media
 * server that dies without calling on_publish_done leaves its publishers recorded (and its
 * broadcasts LIVE) until the broadcaster ends the broadcast.
 */
@Injectable()
export class MediaHooksService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('MediaHooks');
  private readonly refusals = new RepeatedWarnings(this.log, REFUSAL_SUMMARY_MS);
  /** Wake-ups at the end of the graces this process started; the sweep is what ends them. */
  private readonly wakeUps = new Set<NodeJS.Timeout>();
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly lifecycle: BroadcastLifecycleService,
    private readonly broadcasts: BroadcastsRepository,
    private readonly publishers: MediaPublishersRepository,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.sweepTimer = setInterval(
      () => void this.sweep(),
      this.config.media.pendingEndSweepSeconds * 1000,
    );
    this.sweepTimer.unref();
  }

  /** Waits for a sweep under way: it must not outlive the database connection. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweepTimer);
    for (const timer of this.wakeUps) clearTimeout(timer);
    this.wakeUps.clear();
    this.refusals.flush();
    await this.sweeping;
  }

  /**
   * on_publish: accepted means the encoder may publish, under the broadcast's playback name, and
   * the broadcast is LIVE. Only stream keys publish: a playback name is refused like any unknown key.
   */
  async publish(hook: MediaHook): Promise<PublishOutcome> {
    const streamKey = this.authorize('publish', hook);
    if (streamKey === undefined) return REFUSED;
    // Cancelled before the start. An end being carried out holds this row: the delete waits for
    // it, and the start then finds the broadcast ENDED, which is final.
    const wasEnding = await this.cancelPendingEnd(streamKey);
    try {
      const broadcast = await this.lifecycle.startByStreamKey(streamKey);
      await this.addPublisher(broadcast.id, publisherOf(hook));
      this.log.log(`Broadcast ${broadcast.id} is publishing from ${addressOf(hook)}`);
      return {
        accepted: true,
        playbackName: playbackName(broadcast.id, this.config.media.hookSecret),
      };
    } catch (error) {
      // The encoder did not come back after all: the end it escaped is due again, unless
      // another publisher is on.
      if (wasEnding && (await this.removePublisher(wasEnding, publisherOf(hook)))) {
        this.wakeUpAfterGrace();
      }
      // Unknown, ended or canceled (or a second live broadcast of the same account).
      if (!(error instanceof DomainError)) throw error;
      this.refusals.warn(
        `Refused publishes (${error.message})`,
        `Refused publish from ${addressOf(hook)}: ${error.message}`,
      );
      return REFUSED;
    }
  }

  /** on_publish_done: ends the broadcast unless the key publishes again within the grace. */
  async publishDone(hook: MediaHook): Promise<HookOutcome> {
    const name = this.authorize('publish-done', hook);
    if (name === undefined) return REFUSED;
    const broadcastId = await this.broadcastOf(name);
    // The playback name of a broadcast that is gone, or an unknown key: nothing to end.
    if (broadcastId === undefined) return ACCEPTED;
    const last = await this.removePublisher(broadcastId, publisherOf(hook));
    if (!last) return ACCEPTED;
    if (this.config.media.publishDoneGraceSeconds === 0) {
      await this.endByKeyOf(broadcastId);
    } else {
      this.wakeUpAfterGrace();
    }
    return ACCEPTED;
  }

  /**
   * Ends every broadcast whose grace has run out, whichever process scheduled it. Each is claimed
   * with SKIP LOCKED, so processes sweeping together end each broadcast once.
   */
  sweep(): Promise<void> {
    this.sweeping ??= this.endAllDue().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async endAllDue(): Promise<void> {
    try {
      // One cheap statement when nothing is due, which is nearly always.
      if (!(await this.publishers.anyEndDue())) return;
      while (await this.endDue()) {
        // One at a time: each end is its own transaction with its own events.
      }
    } catch (error) {
      this.log.error(`Could not end a broadcast after publish-done: ${(error as Error).message}`);
    }
  }

  /**
   * Ends one broadcast whose grace is over, holding its pending row until the end has committed:
   * a publish arriving meanwhile waits, then finds it ENDED. A broadcast with a publisher on is
   * not ended, only its pending row dropped. An end that fails is retried later, so the next due
   * ones are not stuck behind it. Whether there was one.
   */
  private async endDue(): Promise<boolean> {
    return runInTransaction(this.db, async (manager) => {
      const due = await this.publishers.claimDueEnd(manager);
      if (!due) return false;
      if (!due.publishing) {
        try {
          await this.endByKey(due.streamKey);
        } catch (error) {
          this.log.error(
            `Could not end broadcast ${due.broadcastId} after publish-done, retrying in ${FAILED_END_RETRY_SECONDS} s: ${(error as Error).message}`,
          );
          await this.publishers.postponeEnd(due.broadcastId, FAILED_END_RETRY_SECONDS, manager);
          return true;
        }
      }
      await this.publishers.dropPendingEnd(due.broadcastId, manager);
      return true;
    });
  }

  private async endByKeyOf(broadcastId: string): Promise<void> {
    const streamKey = await this.broadcasts.streamKeyOf(broadcastId);
    if (streamKey !== undefined) await this.endByKey(streamKey);
  }

  private async endByKey(streamKey: string): Promise<void> {
    try {
      const broadcast = await this.lifecycle.endByStreamKey(streamKey);
      await this.publishers.removeAll(broadcast.id);
      this.log.log(`Broadcast ${broadcast.id} ended: its encoder stopped publishing`);
    } catch (error) {
      // A broadcast that never went live: nothing to end.
      if (!(error instanceof DomainError)) throw error;
    }
  }

  /** The stream name of a call carrying the right secret; refusals are logged without the name. */
  private authorize(hook: string, call: MediaHook): string | undefined {
    if (!hookSecretMatches(call.secret, this.config.media.hookSecret)) {
      this.refusals.warn(
        `Refused ${hook} hooks (wrong or missing secret)`,
        `Refused ${hook} hook from ${addressOf(call)}: wrong or missing secret`,
      );
      return undefined;
    }
    const name = call.fields.name;
    if (typeof name !== 'string' || !STREAM_NAME.test(name)) {
      this.refusals.warn(
        `Refused ${hook} hooks (malformed stream name)`,
        `Refused ${hook} hook from ${addressOf(call)}: malformed stream name`,
      );
      return undefined;
    }
    return name;
  }

  /**
   * The broadcast a publish-done names. nginx-rtmp sends the name it asked on_publish about (the
   * key) even after renaming the stream; a playback name is mapped back as well, should one come.
   */
  private async broadcastOf(name: string): Promise<string | undefined> {
    const id = parsePlaybackName(name, this.config.media.hookSecret);
    return id === undefined ? this.broadcasts.idByStreamKey(name) : this.broadcasts.existingId(id);
  }

  /** Records the publisher; an end scheduled meanwhile by an earlier publisher's done is off. */
  private async addPublisher(broadcastId: string, publisher: string): Promise<void> {
    await runInTransaction(this.db, async (manager) => {
      await this.publishers.lock(broadcastId, manager);
      await this.publishers.add(broadcastId, publisher, manager);
      await this.publishers.dropPendingEnd(broadcastId, manager);
    });
  }

  /**
   * Forgets the publisher; whether it was the last one of the broadcast. The last one leaving
   * schedules the end after the grace, from now (a pending end restarts its wait), under the same
   * lock: a publish that follows then finds the pending end and cancels it.
   */
  private async removePublisher(broadcastId: string, publisher: string): Promise<boolean> {
    const grace = this.config.media.publishDoneGraceSeconds;
    return runInTransaction(this.db, async (manager) => {
      await this.publishers.lock(broadcastId, manager);
      await this.publishers.remove(broadcastId, publisher, manager);
      if (await this.publishers.anyPublishing(broadcastId, manager)) return false;
      if (grace > 0) await this.publishers.scheduleEnd(broadcastId, grace, manager);
      return true;
    });
  }

  /** Sweeps when the grace just scheduled runs out. */
  private wakeUpAfterGrace(): void {
    const grace = this.config.media.publishDoneGraceSeconds;
    const timer = setTimeout(
      () => {
        this.wakeUps.delete(timer);
        void this.sweep();
      },
      grace * 1000 + 50,
    );
    // A wake-up must not keep a stopping process alive: another process's sweep ends it anyway.
    timer.unref();
    this.wakeUps.add(timer);
  }

  /** Cancels the pending end of the key's broadcast; its id when there was one. */
  private async cancelPendingEnd(streamKey: string): Promise<string | undefined> {
    return this.publishers.cancelPendingEndByKey(streamKey);
  }
}

/** One RTMP connection of one media server. */
function publisherOf(hook: MediaHook): string {
  const clientId = hook.fields.clientid;
  return `${hook.mediaServer}#${typeof clientId === 'string' ? clientId : '?'}`;
}

/** The encoder's address as nginx reports it, made safe for a log line. */
function addressOf(hook: MediaHook): string {
  const addr = hook.fields.addr;
  if (typeof addr !== 'string') return 'an unknown address';
  return addr.replace(/[^0-9A-Za-z.:[\]-]/g, '').slice(0, 64) || 'an unknown address';
}
