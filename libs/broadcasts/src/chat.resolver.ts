import { Args, Context, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  ConnectionArgs,
  CurrentViewer,
  GlobalIdPipe,
  mapConnection,
  RequestContext,
  Viewer,
} from '@app/common';
import { BroadcastIdArg } from './broadcast-id.arg';
import { ChatService } from './chat.service';
import {
  BroadcastCommentConnection,
  BroadcastCommentModel,
} from './models/broadcast-comment.model';
import { BroadcastModel } from './models/broadcast.model';

/** A broadcast's chat: reading it, commenting, removing comments and banning viewers. */
@Resolver(() => BroadcastModel)
export class ChatResolver {
  constructor(private readonly chat: ChatService) {}

  @ResolveField(() => BroadcastCommentConnection, {
    description:
      'The chat, oldest first; comments of accounts hidden from the viewer are left out.',
  })
  async comments(
    @Parent() broadcast: BroadcastModel,
    @Args() args: ConnectionArgs,
    @Context() context: RequestContext,
  ): Promise<BroadcastCommentConnection> {
    return mapConnection(
      await this.chat.list(broadcast.rowId, context.viewer?.id, args),
      (comment) => BroadcastCommentModel.from(comment, broadcast),
    );
  }

  @Mutation(() => BroadcastCommentModel, {
    description:
      "Comments in a LIVE broadcast's chat and returns the comment. BAD_USER_INPUT for empty or longer than 200 characters; NOT_FOUND when it is not live or hidden; FORBIDDEN when its chat mode shuts you out; CONFLICT while SCHEDULED; RATE_LIMITED when commenting too fast.",
  })
  @Authenticated()
  async postComment(
    @BroadcastIdArg('broadcastId') id: string,
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
    @BroadcastIdArg(
      'broadcastId',
      'Global id of the broadcast; NOT_FOUND when hidden, FORBIDDEN when not yours (admins may).',
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
}
