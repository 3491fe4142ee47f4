import {
  Args,
  ID,
  Int,
  Mutation,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { AccountsService, UserModel } from '@app/accounts';
import { BroadcastModel, BroadcastsService } from '@app/broadcasts';
import {
  Authenticated,
  ConnectionArgs,
  CurrentViewer,
  GlobalIdPipe,
  mapConnection,
  NotFoundError,
  RequestContext,
  Viewer,
} from '@app/common';
import { PostModel, PostsService } from '@app/posts';
import { NotificationConnection, NotificationModel } from './models/notification.model';
import { NotificationFeed, NotificationPush } from './notification-feed';
import { NotificationsService } from './notifications.service';

@Resolver(() => NotificationModel)
export class NotificationsResolver {
  constructor(
    private readonly service: NotificationsService,
    private readonly feed: NotificationFeed,
    private readonly accounts: AccountsService,
    private readonly posts: PostsService,
    private readonly broadcasts: BroadcastsService,
  ) {}

  @Query(() => NotificationConnection, {
    description:
      "The signed-in account's notifications, newest first. UNAUTHENTICATED when signed out.",
  })
  @Authenticated()
  async notifications(
    @Args() args: ConnectionArgs,
    @CurrentViewer() viewer: Viewer,
  ): Promise<NotificationConnection> {
    return mapConnection(await this.service.list(viewer.id, args), (notification) =>
      NotificationModel.from(notification),
    );
  }

  @Mutation(() => Int, {
    description:
      'Marks your notifications read, up to and including upTo (all when left out); returns how many changed. UNAUTHENTICATED when signed out.',
  })
  @Authenticated()
  markNotificationsRead(
    @Args(
      'upTo',
      {
        description:
          "Global id of the newest notification to mark; another type's id is BAD_USER_INPUT.",
        type: () => ID,
        nullable: true,
      },
      new GlobalIdPipe('Notification'),
    )
    upTo: string | undefined,
    @CurrentViewer() viewer: Viewer,
  ): Promise<number> {
    return this.service.markRead(viewer.id, upTo);
  }

  @Subscription(() => NotificationModel, {
    description:
      'Each new notification of the signed-in account, as it is made. UNAUTHENTICATED when signed out.',
    // A subscription's context lives as long as its socket: each event brings its own loaders,
    // set as the event is resolved, so nothing stays cached from one event to the next.
    resolve: (push: NotificationPush, _args: unknown, context: RequestContext) => {
      context.loaders = push.loaders;
      return push.notification;
    },
  })
  @Authenticated()
  notificationAdded(@CurrentViewer() viewer: Viewer): AsyncIterator<NotificationPush> {
    return this.feed.listen(viewer.id);
  }

  @ResolveField(() => UserModel, { description: 'Who did it.' })
  async actor(
    notification: NotificationModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<UserModel> {
    // Rows from suspended or blocking actors are filtered when read; this covers a change since.
    const user = await context.loaders.load(this.accounts.byId, notification.actorId);
    if (!user) throw new NotFoundError('The account behind this notification');
    return UserModel.from(user);
  }

  @ResolveField(() => PostModel, {
    description:
      'The post concerned (LIKED, MENTIONED, REPLIED); null for other kinds, or when deleted or hidden.',
    nullable: true,
  })
  async post(
    notification: NotificationModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<PostModel | null> {
    if (notification.postId === null) return null;
    const post = await this.posts.findVisible(
      context.loaders,
      notification.postId,
      context.viewer?.id,
    );
    return post ? PostModel.from(post) : null;
  }

  @ResolveField(() => BroadcastModel, {
    description:
      'The broadcast concerned (WENT_LIVE); null for other kinds, or when deleted or hidden.',
    nullable: true,
  })
  async broadcast(
    notification: NotificationModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<BroadcastModel | null> {
    if (notification.broadcastId === null) return null;
    const broadcast = await this.broadcasts.findVisible(
      context.loaders,
      notification.broadcastId,
      context.viewer?.id,
    );
    return broadcast ? BroadcastModel.from(broadcast) : null;
  }
}
