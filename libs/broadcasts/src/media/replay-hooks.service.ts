import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { parsePlaybackName } from '../playback-name';
import { parseReplayDuration } from '../replays/replay-rules';
import { ReplayReadyOutcome, ReplaysService } from '../replays/replays.service';
import { hookSecretMatches } from './hook-secret';
import { MediaHook } from './media-hooks.service';

/**
 * The media server's replay-ready call (docs/seeit-replay.sh, run by nginx-rtmp's
 * exec_record_done): the VOD playlist of `name` (a playback name, never a stream key) is written
 * and lasts `duration_ms`.
 */
@Injectable()
export class ReplayHooksService {
  private readonly log = new Logger('MediaHooks');

  constructor(
    private readonly replays: ReplaysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async ready(hook: MediaHook): Promise<ReplayReadyOutcome | 'refused'> {
    if (!hookSecretMatches(hook.secret, this.config.media.hookSecret)) {
      this.log.warn(`Refused replay-ready hook from ${hook.mediaServer}: wrong or missing secret`);
      return 'refused';
    }
    const id = parsePlaybackName(hook.fields.name, this.config.media.hookSecret);
    const durationMs = parseReplayDuration(hook.fields.duration_ms);
    if (id === undefined || durationMs === undefined) {
      this.log.warn(
        `Refused replay-ready hook from ${hook.mediaServer}: malformed name or duration`,
      );
      return 'refused';
    }
    const outcome = await this.replays.ready(id, durationMs);
    this.log.log(`Replay of broadcast ${id} (${durationMs} ms): ${outcome}`);
    return outcome;
  }
}
