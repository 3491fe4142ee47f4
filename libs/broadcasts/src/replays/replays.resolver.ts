import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, GlobalIdPipe, RequestContext, Viewer } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { livePlaybackUrl } from '../broadcast-rules';
import { BroadcastModel } from '../models/broadcast.model';
import { BroadcastCommentModel } from '../models/broadcast-comment.model';
import { ReplayEventKind, ReplayEventWindowModel, ReplayModel } from '../models/replay.model';
import { parseReplayWindow } from './replay-rules';
import { signedReplayUrl } from './replay-url';
import { ReplaysService } from './replays.service';

@Resolver(() => BroadcastModel)
export class ReplaysResolver {
  constructor(
    private readonly replays: ReplaysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Mutation(() => BroadcastModel, {
    description: 'The broadcaster (or an admin) deletes the replay, its files with it.',
  })
  @Authenticated()
  async deleteReplay(
    @Args(
      'broadcastId',
      {
        description:
          'Global id of the broadcast. NOT_FOUND when it does not exist, is hidden or has no replay; FORBIDDEN when not yours.',
        type: () => ID,
      },
      new GlobalIdPipe('Broadcast'),
    )
    id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.replays.delete(viewer, id, context.loaders));
  }

  @ResolveField(() => ReplayModel, {
    nullable: true,
    description: 'Null while there is none: not ended yet, never published, not ready, deleted.',
  })
  async replay(
    broadcast: BroadcastModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<ReplayModel | null> {
    const replay = await this.replays.available(context.loaders, this.ref(broadcast));
    if (!replay) return null;
    return {
      playbackUrl: signedReplayUrl(this.config.media, broadcast.rowId, new Date()),
      durationMs: replay.durationMs,
      availableAt: replay.availableAt,
    };
  }

  @ResolveField(() => Boolean, {
    description: 'True when replay is not null: the recording can be played.',
  })
  async replayAvailable(
    broadcast: BroadcastModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<boolean> {
    return !!(await this.replays.available(context.loaders, this.ref(broadcast)));
  }

  @ResolveField(() => Int, {
    description: 'Accounts that watched the replay (joinBroadcast once ended), each once.',
  })
  async replayViewCount(
    broadcast: BroadcastModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<number> {
    return (await context.loaders.load(this.replays.byBroadcast, broadcast.rowId))?.viewCount ?? 0;
  }

  @ResolveField(() => String, {
    nullable: true,
    description: 'HLS playback address while live, and of the replay once ended.',
  })
  async playbackUrl(
    broadcast: BroadcastModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<string | null> {
    const live = livePlaybackUrl(this.config.media, this.ref(broadcast));
    if (live) return live;
    return (await this.replay(broadcast, undefined, context))?.playbackUrl ?? null;
  }

  @ResolveField(() => ReplayEventWindowModel, {
    nullable: true,
    description:
      'Comments and heart bursts with fromMs <= offsetMs < toMs (at most 10 minutes), in order, to play in step with the video: the first `first` (default 20, at most 100). Null unless the replay is available (as for `replay`): not while live, never for a replay not recorded or deleted. BAD_USER_INPUT for a bad window either way.',
  })
  async replayEvents(
    @Parent() broadcast: BroadcastModel,
    @Args('fromMs', {
      description: 'Start offset in milliseconds (inclusive), 0 or more.',
      type: () => Int,
    })
    fromMs: number,
    @Args('toMs', {
      description: 'End offset in milliseconds (exclusive): after fromMs, at most 600000 after it.',
      type: () => Int,
    })
    toMs: number,
    @Args('first', {
      description: 'At most this many events: 1 to 100 (default 20).',
      type: () => Int,
      nullable: true,
    })
    first: number | null,
    @Context() context: RequestContext,
  ): Promise<ReplayEventWindowModel | null> {
    const window = parseReplayWindow(fromMs, toMs, first);
    const found = await this.replays.events(
      context.loaders,
      this.ref(broadcast),
      context.viewer?.id,
      window,
    );
    if (!found) return null;
    const { events, truncated } = found;
    return {
      fromMs: window.fromMs,
      toMs: window.toMs,
      truncated,
      events: events.map((event) =>
        event.kind === 'COMMENT'
          ? {
              kind: ReplayEventKind.COMMENT,
              offsetMs: event.offsetMs,
              comment: BroadcastCommentModel.from(event.comment, broadcast),
              hearts: null,
            }
          : {
              kind: ReplayEventKind.HEARTS,
              offsetMs: event.offsetMs,
              comment: null,
              hearts: event.hearts,
            },
      ),
    };
  }

  private ref(broadcast: BroadcastModel): { id: string; status: BroadcastModel['status'] } {
    return { id: broadcast.rowId, status: broadcast.status };
  }
}
