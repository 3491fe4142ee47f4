import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { RepeatedWarnings } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { parsePlaybackName } from '../playback-name';
import { parseReplayDuration } from '../replays/replay-rules';
import { ReplayReadyOutcome, ReplaysService } from '../replays/replays.service';
import { hookSecretMatches } from './hook-secret';
import { MediaHook, REFUSAL_SUMMARY_MS } from './media-hooks.service';

/**
 * The media server's replay-ready call (docs/seeit-replay.sh, run by nginx-rtmp's
 * exec_record_done): the VOD playlist of `name` (a playback name, never a stream key) is written
 * and lasts `duration_ms`.
 */
@Injectable()
export class ReplayHooksService implements OnModuleDestroy {
  private readonly log = new Logger('MediaHooks');
  private readonly refusals = new RepeatedWarnings(this.log, REFUSAL_SUMMARY_MS);

  constructor(
    private readonly replays: ReplaysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleDestroy(): void {
    this.refusals.flush();
  }

  async ready(hook: MediaHook): Promise<ReplayReadyOutcome | 'refused'> {
    if (!hookSecretMatches(hook.secret, this.config.media.hookSecret)) {
      this.refusals.warn(
        'Refused replay-ready hooks (wrong or missing secret)',
        `Refused replay-ready hook from ${hook.mediaServer}: wrong or missing secret`,
      );
      return 'refused';
    }
    const id = parsePlaybackName(hook.fields.name, this.config.media.hookSecret);
    const durationMs = parseReplayDuration(hook.fields.duration_ms);
    if (id === undefined || durationMs === undefined) {
      this.refusals.warn(
        'Refused replay-ready hooks (malformed name or duration)',
        `Refused replay-ready hook from ${hook.mediaServer}: malformed name or duration`,
      );
      return 'refused';
    }
    const outcome = await this.replays.ready(id, durationMs);
    this.log.log(`Replay of broadcast ${id} (${durationMs} ms): ${outcome}`);
    return outcome;
  }
}
