import { Injectable } from '@nestjs/common';
import { AccountsService } from '@app/accounts';
import {
  canModerate,
  ConnectionArgs,
  ConnectionShape,
  definePairLoader,
  ForbiddenError,
  LoaderDefinition,
  mapRead,
  NotFoundError,
  Read,
  readAll,
  RequestLoaders,
  Role,
  Viewer,
  defineRowLoader,
} from '@app/common';
import { FollowService, RelationshipPolicy } from '@app/graph';
import { BroadcastBansRepository } from './broadcast-bans.repository';
import { BroadcastCommentsRepository } from './broadcast-comments.repository';
import { BroadcastsRepository } from './broadcasts.repository';
import { BroadcastEntity, BroadcastVisibility } from './entities/broadcast.entity';
import { BroadcastCommentEntity } from './entities/broadcast-comment.entity';

/**
 * Broadcasts and their comments as a given viewer may see them: the request loaders, the
 * visibility rule, and the live list. Changing them is BroadcastLifecycleService's (the state
 * machine), PresenceService's, ChatService's and HeartsService's.
 */
@Injectable()
export class BroadcastsService {
  /** Broadcasts by id, whoever may see them; callers apply `isVisible` (or use `findVisible`). */
  readonly byId: LoaderDefinition<string, BroadcastEntity | undefined> = defineRowLoader(
    'broadcastsById',
    (ids) => this.repository.findByIds(ids),
    (broadcast) => broadcast.id,
  );

  /** The LIVE broadcast of each broadcaster, if any (served by broadcasts_one_live). */
  readonly liveByBroadcaster = defineRowLoader<BroadcastEntity>(
    'liveBroadcastByBroadcaster',
    (ids) => this.repository.findLiveByBroadcasters(ids),
    (row) => row.broadcasterId,
  );

  /** For a viewer: which of these broadcasts banned them. */
  readonly viewerBanned = definePairLoader<boolean>(
    'broadcastViewerBanned',
    async (viewerIds, broadcastIds) =>
      (await this.bans.among(broadcastIds, viewerIds)).map((ban) => ({
        viewerId: ban.userId,
        key: ban.broadcastId,
        value: true,
      })),
    false,
  );

  readonly commentById = defineRowLoader<BroadcastCommentEntity>(
    'broadcastCommentsById',
    (ids) => this.comments.findByIds(ids),
    (row) => row.id,
  );

  constructor(
    private readonly repository: BroadcastsRepository,
    private readonly bans: BroadcastBansRepository,
    private readonly comments: BroadcastCommentsRepository,
    private readonly accounts: AccountsService,
    private readonly follows: FollowService,
    private readonly policy: RelationshipPolicy,
  ) {}

  /**
   * Whether the viewer may see the broadcast: its broadcaster is active and does not block them,
   * they are not banned from it, and a FOLLOWERS broadcast is only for the broadcaster and their
   * followers. For everyone else it does not exist. At once when the facts are in hand.
   */
  isVisible(
    loaders: RequestLoaders,
    broadcast: BroadcastEntity,
    viewerId: string | undefined,
  ): Read<boolean> {
    const own = viewerId === broadcast.broadcasterId;
    return mapRead(
      readAll([
        loaders.read(this.accounts.byId, broadcast.broadcasterId),
        this.policy.isHiddenFrom(loaders, broadcast.broadcasterId, viewerId),
        viewerId && !own ? loaders.read(this.viewerBanned, broadcast.id) : false,
        broadcast.visibility === BroadcastVisibility.FOLLOWERS && viewerId && !own
          ? loaders.read(this.follows.viewerFollows, broadcast.broadcasterId)
          : undefined,
      ]),
      ([broadcaster, hidden, banned, follows]) => {
        if (!broadcaster || hidden || banned) return false;
        return broadcast.visibility === BroadcastVisibility.PUBLIC || own || follows !== undefined;
      },
    );
  }

  /** A comment is seen with its broadcast, unless its author is gone or blocks the viewer. */
  async isCommentVisible(
    loaders: RequestLoaders,
    comment: BroadcastCommentEntity,
    viewerId: string | undefined,
  ): Promise<boolean> {
    const [broadcast, author, hidden] = await Promise.all([
      loaders.load(this.byId, comment.broadcastId),
      loaders.load(this.accounts.byId, comment.authorId),
      this.policy.isHiddenFrom(loaders, comment.authorId, viewerId),
    ]);
    return (
      !!broadcast && !!author && !hidden && (await this.isVisible(loaders, broadcast, viewerId))
    );
  }

  /** The broadcast as the viewer may see it; undefined when it does not exist or is hidden. */
  findVisible(
    loaders: RequestLoaders,
    id: string,
    viewerId: string | undefined,
  ): Read<BroadcastEntity | undefined> {
    return mapRead(loaders.read(this.byId, id), (broadcast) =>
      this.visibleOrNone(loaders, broadcast, viewerId),
    );
  }

  /** The broadcaster's LIVE broadcast, if any and the viewer may see it. */
  async findLiveVisible(
    loaders: RequestLoaders,
    broadcasterId: string,
    viewerId: string | undefined,
  ): Promise<BroadcastEntity | undefined> {
    return this.visibleOrNone(
      loaders,
      await loaders.load(this.liveByBroadcaster, broadcasterId),
      viewerId,
    );
  }

  /** The broadcast as the viewer may see it, or NOT_FOUND. */
  async getVisible(
    loaders: RequestLoaders,
    id: string,
    viewerId: string | undefined,
  ): Promise<BroadcastEntity> {
    const broadcast = await this.findVisible(loaders, id, viewerId);
    if (!broadcast) throw new NotFoundError('The broadcast');
    return broadcast;
  }

  /** The comment as the viewer may see it; undefined when it does not exist or is hidden. */
  async findVisibleComment(
    loaders: RequestLoaders,
    id: string,
    viewerId: string | undefined,
  ): Promise<BroadcastCommentEntity | undefined> {
    const comment = await loaders.load(this.commentById, id);
    if (!comment || !(await this.isCommentVisible(loaders, comment, viewerId))) return undefined;
    return comment;
  }

  /**
   * A broadcast the viewer moderates: its broadcaster, or an admin. Admins act on whatever
   * exists (a broadcaster cannot hide from them by blocking); others only on what they see.
   */
  async getModerated(
    loaders: RequestLoaders,
    viewer: Viewer,
    id: string,
    action: string,
  ): Promise<BroadcastEntity> {
    const broadcast =
      viewer.role === Role.ADMIN
        ? await loaders.load(this.byId, id)
        : await this.getVisible(loaders, id, viewer.id);
    if (!broadcast) throw new NotFoundError('The broadcast');
    if (!canModerate(viewer, broadcast.broadcasterId)) {
      throw new ForbiddenError(`Only the broadcaster or an admin can ${action}.`);
    }
    return broadcast;
  }

  private visibleOrNone(
    loaders: RequestLoaders,
    broadcast: BroadcastEntity | undefined,
    viewerId: string | undefined,
  ): Read<BroadcastEntity | undefined> {
    if (!broadcast) return undefined;
    return mapRead(this.isVisible(loaders, broadcast, viewerId), (visible) =>
      visible ? broadcast : undefined,
    );
  }

  /** For the broadcaster's `ingest` field. */
  streamKeyOf(id: string): Promise<string | undefined> {
    return this.repository.streamKeyOf(id);
  }

  /**
   * LIVE broadcasts the viewer may see: those of accounts they follow (and their own) first,
   * then other public ones, most watched first.
   */
  liveNow(
    viewerId: string | undefined,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<BroadcastEntity>> {
    return this.repository.liveNow(viewerId, args);
  }
}
