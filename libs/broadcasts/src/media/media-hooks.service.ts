import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DomainError, RepeatedWarnings } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BroadcastsService } from '../broadcasts.service';
import { parsePlaybackName, playbackName } from '../playback-name';
import { hookSecretMatches } from './hook-secret';

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
const REFUSAL_SUMMARY_MS = 60_000;

/** Stream keys and playback names are ours (URL-safe); anything else is not worth a query. */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The media server's view of a broadcast: publishing with a valid key makes it LIVE, and the end
 * of publishing ends it once a grace period has passed without the same key publishing again, so
 * an encoder on a flaky connection that drops and reconnects keeps its broadcast.
 *
 * nginx-rtmp asks on_publish before its live module checks that nobody else publishes the name,
 * and sends on_publish_done for a second publisher it then turns away ("already publishing"). So
 * the publishers accepted per key are tracked, and only the last one leaving ends the broadcast:
 * otherwise anyone knowing the key could end a running broadcast by publishing to it once.
 *
 * This state lives in the process: with several API processes behind one hook URL, a re-publish
 * reaching another process does not cancel a pending end. A media server that dies without
 * calling on_publish_done leaves its publishers here (and its broadcasts LIVE) until the
 * broadcaster ends the broadcast.
 */
@Injectable()
export class MediaHooksService implements OnModuleDestroy {
  private readonly log = new Logger('MediaHooks');
  private readonly refusals = new RepeatedWarnings(this.log, REFUSAL_SUMMARY_MS);
  /** Ends waiting out the grace period, by stream key. */
  private readonly pendingEnds = new Map<string, NodeJS.Timeout>();
  /** Ends running now: a publish arriving meanwhile waits for them, so ENDED stays final. */
  private readonly runningEnds = new Map<string, Promise<void>>();
  /** Publishers accepted and not yet done, by stream key. */
  private readonly publishers = new Map<string, Set<string>>();

  constructor(
    private readonly broadcasts: BroadcastsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * on_publish: accepted means the encoder may publish, under the broadcast's playback name, and
   * the broadcast is LIVE. Only stream keys publish: a playback name is refused like any unknown key.
   */
  async publish(hook: MediaHook): Promise<PublishOutcome> {
    const streamKey = this.authorize('publish', hook);
    if (streamKey === undefined) return REFUSED;
    // Cancelled before the start, or the timer could end the broadcast while it is restarting.
    const wasEnding = this.cancelPendingEnd(streamKey);
    await this.runningEnds.get(streamKey);
    try {
      const broadcast = await this.broadcasts.startByStreamKey(streamKey);
      this.publishersOf(streamKey).add(publisherOf(hook));
      this.log.log(`Broadcast ${broadcast.id} is publishing from ${addressOf(hook)}`);
      return {
        accepted: true,
        playbackName: playbackName(broadcast.id, this.config.media.hookSecret),
      };
    } catch (error) {
      // The encoder did not come back after all: the end it escaped is due again.
      if (wasEnding) this.scheduleEnd(streamKey);
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
    const streamKey = await this.streamKeyOf(name);
    // The playback name of a broadcast that is gone: nothing to end.
    if (streamKey === undefined) return ACCEPTED;
    const publishers = this.publishersOf(streamKey);
    publishers.delete(publisherOf(hook));
    if (publishers.size > 0) return ACCEPTED;
    this.publishers.delete(streamKey);
    if (this.config.media.publishDoneGraceSeconds === 0) {
      this.cancelPendingEnd(streamKey);
      await this.end(streamKey);
    } else {
      this.scheduleEnd(streamKey);
    }
    return ACCEPTED;
  }

  /** Stream keys with an end waiting out the grace (for tests and diagnostics). */
  get pendingEndCount(): number {
    return this.pendingEnds.size;
  }

  onModuleDestroy(): void {
    for (const timer of this.pendingEnds.values()) clearTimeout(timer);
    this.pendingEnds.clear();
    this.refusals.flush();
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
   * The stream key a publish-done names. nginx-rtmp sends the name it asked on_publish about (the
   * key) even after renaming the stream; a playback name is mapped back as well, should one come.
   */
  private async streamKeyOf(name: string): Promise<string | undefined> {
    const id = parsePlaybackName(name, this.config.media.hookSecret);
    return id === undefined ? name : this.broadcasts.streamKeyOf(id);
  }

  private publishersOf(streamKey: string): Set<string> {
    let publishers = this.publishers.get(streamKey);
    if (publishers === undefined) {
      publishers = new Set();
      this.publishers.set(streamKey, publishers);
    }
    return publishers;
  }

  /** Ends the broadcast after the grace, from now (a pending end restarts its wait). */
  private scheduleEnd(streamKey: string): void {
    this.cancelPendingEnd(streamKey);
    const timer = setTimeout(() => {
      this.pendingEnds.delete(streamKey);
      void this.end(streamKey);
    }, this.config.media.publishDoneGraceSeconds * 1000);
    // A pending end must not keep a stopping process alive; onModuleDestroy drops them anyway.
    timer.unref();
    this.pendingEnds.set(streamKey, timer);
  }

  /** Whether an end was pending. */
  private cancelPendingEnd(streamKey: string): boolean {
    const timer = this.pendingEnds.get(streamKey);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.pendingEnds.delete(streamKey);
    return true;
  }

  private end(streamKey: string): Promise<void> {
    const running = this.endNow(streamKey).finally(() => {
      if (this.runningEnds.get(streamKey) === running) this.runningEnds.delete(streamKey);
    });
    this.runningEnds.set(streamKey, running);
    return running;
  }

  /** Never rejects: it runs from a timer, where nobody would see a rejection. */
  private async endNow(streamKey: string): Promise<void> {
    try {
      const broadcast = await this.broadcasts.endByStreamKey(streamKey);
      this.log.log(`Broadcast ${broadcast.id} ended: its encoder stopped publishing`);
    } catch (error) {
      // Unknown key, or a broadcast that never went live: nothing to end.
      if (error instanceof DomainError) return;
      const failure = error instanceof Error ? error : new Error(String(error));
      this.log.error(`Could not end a broadcast after publish-done: ${failure.message}`);
    }
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
