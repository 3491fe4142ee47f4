import { Inject } from '@nestjs/common';
import {
  Args,
  Context,
  ID,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { AccountsService, UserModel } from '@app/accounts';
import {
  Authenticated,
  ConnectionArgs,
  CurrentViewer,
  GlobalIdPipe,
  pageSize,
  RequestContext,
  toConnection,
  Viewer,
} from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AsyncQueue } from '@app/realtime';
import { BroadcastStream } from './broadcast-stream';
import { BroadcastsService } from './broadcasts.service';
import { ChatService } from './chat.service';
import { StartBroadcastInput } from './dto/start-broadcast.input';
import { HeartsService } from './hearts.service';
import { ChatMode } from './models/broadcast-enums';
import {
  BroadcastCommentConnection,
  BroadcastCommentModel,
} from './models/broadcast-comment.model';
import { BroadcastEventModel } from './models/broadcast-event.model';
import {
  BroadcastConnection,
  BroadcastIngestModel,
  BroadcastModel,
} from './models/broadcast.model';
import { PresenceService } from './presence.service';

const broadcastId = () => new GlobalIdPipe('Broadcast');

@Resolver(() => BroadcastModel)
export class BroadcastsResolver {
  constructor(
    private readonly broadcasts: BroadcastsService,
    private readonly presence: PresenceService,
    private readonly hearts: HeartsService,
    private readonly chat: ChatService,
    private readonly stream: BroadcastStream,
    private readonly accounts: AccountsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Query(() => BroadcastModel, {
    description:
      'The broadcast with this id; null when it does not exist or is hidden from the viewer.',
    nullable: true,
  })
  async broadcast(
    @Args('id', { description: 'Global id of the broadcast.', type: () => ID }, broadcastId())
    id: string,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(
      await this.broadcasts.getVisible(context.loaders, id, context.viewer?.id),
    );
  }

  @Query(() => BroadcastConnection, {
    description:
      'Broadcasts live now from accounts the viewer follows, then other public ones, most watched first.',
  })
  async liveNow(
    @Args() args: ConnectionArgs,
    @Context() context: RequestContext,
  ): Promise<BroadcastConnection> {
    const rows = await this.broadcasts.liveNow(context.viewer?.id, args);
    return toConnection(
      rows,
      pageSize(args),
      (row) => row.cursor,
      (row) => BroadcastModel.from(row.broadcast),
      !!args.after,
    );
  }

  @Mutation(() => BroadcastModel, {
    description:
      'Starts a broadcast as the signed-in account: LIVE now, or SCHEDULED when scheduledFor is in the future; read ingest for where to publish. A bad title is BAD_USER_INPUT; already live is CONFLICT; UNAUTHENTICATED when signed out; RATE_LIMITED when starting too often.',
  })
  @Authenticated()
  async startBroadcast(
    @Args('input', { description: 'The broadcast.' }) input: StartBroadcastInput,
    @CurrentViewer() viewer: Viewer,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.broadcasts.start(viewer, input));
  }

  @Mutation(() => BroadcastModel, {
    description:
      'The broadcaster or an admin ends a LIVE broadcast and returns it. NOT_FOUND when it does not exist or is hidden; FORBIDDEN for anyone else; CONFLICT when it is not LIVE.',
  })
  @Authenticated()
  async endBroadcast(
    @Args('id', { description: 'Global id of the broadcast.', type: () => ID }, broadcastId())
    id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.broadcasts.end(viewer, id, context.loaders));
  }

  @Mutation(() => BroadcastModel, {
    description:
      'The broadcaster or an admin calls off a SCHEDULED broadcast and returns it. NOT_FOUND when it does not exist or is hidden; FORBIDDEN for anyone else; CONFLICT when it is not SCHEDULED.',
  })
  @Authenticated()
  async cancelBroadcast(
    @Args('id', { description: 'Global id of the broadcast.', type: () => ID }, broadcastId())
    id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.broadcasts.cancel(viewer, id, context.loaders));
  }

  @Mutation(() => BroadcastModel, {
    description:
      'The broadcaster or an admin changes who may comment, and returns the broadcast. NOT_FOUND, FORBIDDEN as for endBroadcast; CONFLICT once it ended or was canceled.',
  })
  @Authenticated()
  async setChatMode(
    @Args(
      'broadcastId',
      { description: 'Global id of the broadcast.', type: () => ID },
      broadcastId(),
    )
    id: string,
    @Args('mode', { description: 'The new chat mode.', type: () => ChatMode }) mode: ChatMode,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(
      await this.broadcasts.setChatMode(viewer, id, mode, context.loaders),
    );
  }

  @Mutation(() => BroadcastModel, {
    description:
      'Counts the signed-in viewer as watching a LIVE broadcast for 60 seconds (join again as a heartbeat to stay counted) and returns it; on an ENDED one, counts a replay view. NOT_FOUND when it does not exist, is hidden, was canceled or has no replay; CONFLICT while still SCHEDULED.',
  })
  @Authenticated()
  async joinBroadcast(
    @Args('id', { description: 'Global id of the broadcast.', type: () => ID }, broadcastId())
    id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.presence.join(viewer, id, context.loaders));
  }

  @Mutation(() => BroadcastModel, {
    description:
      'Stops counting the signed-in viewer as watching; idempotent. Returns the broadcast. NOT_FOUND when it does not exist or is hidden.',
  })
  @Authenticated()
  async leaveBroadcast(
    @Args('id', { description: 'Global id of the broadcast.', type: () => ID }, broadcastId())
    id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.presence.leave(viewer, id, context.loaders));
  }

  @Mutation(() => Boolean, {
    description:
      'Sends hearts to a LIVE broadcast; they reach watchers batched in HEARTS events. True when accepted. BAD_USER_INPUT for a count outside 1 to 100; NOT_FOUND when it is not live or hidden; CONFLICT while SCHEDULED; RATE_LIMITED when sent too fast.',
  })
  @Authenticated()
  async sendHearts(
    @Args(
      'broadcastId',
      { description: 'Global id of the broadcast.', type: () => ID },
      broadcastId(),
    )
    id: string,
    @Args('count', {
      description: 'How many hearts: 1 to 100 (default 1).',
      type: () => Int,
      nullable: true,
    })
    count: number | null,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<boolean> {
    await this.hearts.send(viewer, id, count, context.loaders);
    return true;
  }

  @Mutation(() => BroadcastCommentModel, {
    description:
      "Comments in a LIVE broadcast's chat and returns the comment. BAD_USER_INPUT for empty or longer than 200 characters; NOT_FOUND when it is not live or hidden; FORBIDDEN when its chat mode shuts you out; CONFLICT while SCHEDULED; RATE_LIMITED when commenting too fast.",
  })
  @Authenticated()
  async postComment(
    @Args(
      'broadcastId',
      { description: 'Global id of the broadcast.', type: () => ID },
      broadcastId(),
    )
    id: string,
    @Args('text', { description: '1 to 200 characters after trimming.' }) text: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastCommentModel> {
    return BroadcastCommentModel.from(await this.chat.post(viewer, id, text, context.loaders));
  }

  @Mutation(() => Boolean, {
    description:
      "The comment's author, the broadcaster or an admin removes a comment; watchers get COMMENT_REMOVED. True when done. NOT_FOUND when it does not exist or is hidden; FORBIDDEN for anyone else.",
  })
  @Authenticated()
  async removeComment(
    @Args(
      'id',
      { description: 'Global id of the comment.', type: () => ID },
      new GlobalIdPipe('BroadcastComment'),
    )
    id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<boolean> {
    await this.chat.remove(viewer, id, context.loaders);
    return true;
  }

  @Mutation(() => Boolean, {
    description: "The broadcaster bans a viewer from this broadcast's chat and stream.",
  })
  @Authenticated()
  async banViewer(
    @Args(
      'broadcastId',
      {
        description:
          'Global id of the broadcast; NOT_FOUND when hidden, FORBIDDEN when not yours (admins may).',
        type: () => ID,
      },
      broadcastId(),
    )
    id: string,
    @Args(
      'userId',
      {
        description:
          'Global id of the viewer to ban; yourself or the broadcaster is BAD_USER_INPUT; NOT_FOUND when unknown or the account blocks you (admins may).',
        type: () => ID,
      },
      new GlobalIdPipe('User'),
    )
    userId: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<boolean> {
    await this.chat.ban(viewer, id, userId, context.loaders);
    return true;
  }

  /** Anyone who may see the broadcast may watch its events, signed in or not. */
  @Subscription(() => BroadcastEventModel, {
    description:
      'Everything that happens to a broadcast while you watch: viewers, hearts, comments, start and end. Open to anyone who may see the broadcast, signed in or not.',
    resolve: (event: BroadcastEventModel) => event,
  })
  async broadcastEvents(
    @Args(
      'broadcastId',
      {
        description:
          'Global id of the broadcast; NOT_FOUND when it does not exist or is hidden from the viewer.',
        type: () => ID,
      },
      broadcastId(),
    )
    id: string,
    @Context() context: RequestContext,
  ): Promise<AsyncQueue<BroadcastEventModel>> {
    await this.broadcasts.getVisible(context.loaders, id, context.viewer?.id);
    return this.stream.open(id, context);
  }

  @ResolveField(() => UserModel, { description: 'The account broadcasting.' })
  async broadcaster(
    @Parent() broadcast: BroadcastModel,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    const user = await context.loaders.load(this.accounts.byId, broadcast.broadcasterId);
    // Broadcasts of suspended accounts are filtered before they get here; a race lands as null data.
    return UserModel.from(user!);
  }

  @ResolveField(() => BroadcastIngestModel, {
    nullable: true,
    description: 'Only the broadcaster sees this; null for everyone else.',
  })
  async ingest(
    @Parent() broadcast: BroadcastModel,
    @Context() context: RequestContext,
  ): Promise<BroadcastIngestModel | null> {
    if (context.viewer?.id !== broadcast.broadcasterId) return null;
    const streamKey = broadcast.streamKey ?? (await this.broadcasts.streamKeyOf(broadcast.rowId));
    return streamKey === undefined ? null : { rtmpUrl: this.config.media.rtmpUrl, streamKey };
  }

  @ResolveField(() => BroadcastCommentConnection, {
    description:
      'The chat, oldest first; comments of accounts hidden from the viewer are left out.',
  })
  async comments(
    @Parent() broadcast: BroadcastModel,
    @Args() args: ConnectionArgs,
    @Context() context: RequestContext,
  ): Promise<BroadcastCommentConnection> {
    const rows = await this.broadcasts.comments(broadcast.rowId, context.viewer?.id, args);
    return toConnection(
      rows,
      pageSize(args),
      (row) => row.cursor,
      (row) => BroadcastCommentModel.from(row.comment, broadcast),
      !!args.after,
    );
  }
}

@Resolver(() => BroadcastCommentModel)
export class BroadcastCommentResolver {
  constructor(
    private readonly broadcasts: BroadcastsService,
    private readonly accounts: AccountsService,
  ) {}

  @ResolveField(() => UserModel, { description: 'Who wrote it.' })
  async author(
    @Parent() comment: BroadcastCommentModel,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    const author = await context.loaders.load(this.accounts.byId, comment.authorId);
    // Comments of suspended authors are filtered before they get here; a race lands as null data.
    return UserModel.from(author!);
  }

  @ResolveField(() => BroadcastModel, { description: 'The broadcast it was posted in.' })
  async broadcast(
    @Parent() comment: BroadcastCommentModel,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    if (comment.broadcast) return comment.broadcast;
    const broadcast = await context.loaders.load(this.broadcasts.byId, comment.broadcastId);
    // Comments are reached through a broadcast the viewer may see; a race lands as null data.
    return BroadcastModel.from(broadcast!);
  }
}

@Resolver(() => UserModel)
export class BroadcasterResolver {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @ResolveField(() => BroadcastModel, {
    nullable: true,
    description: 'The broadcast this user is live in right now, if any.',
  })
  async liveBroadcast(
    @Parent() user: UserModel,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel | null> {
    const live = await context.loaders.load(this.broadcasts.liveByBroadcaster, user.rowId);
    if (!live || !(await this.broadcasts.isVisible(context.loaders, live, context.viewer?.id))) {
      return null;
    }
    return BroadcastModel.from(live);
  }
}
