import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountsService, UserEntity, UserModel } from '@app/accounts';
import { definePairLoader, NotFoundError, Read, RequestLoaders } from '@app/common';
import { RelationshipsRepository, VisibilityScope } from './relationships.repository';

/**
 * The rule for lists, as a SQL condition: the account in `ownerColumn` is visible, in `scope`, to
 * the viewer whose id is the parameter `viewerParam` (e.g. '$3'; NULL when signed out).
 */
export function visibleToViewerSql(
  ownerColumn: string,
  viewerParam: string,
  scope: VisibilityScope = VisibilityScope.CONTENT,
): string {
  return RelationshipsRepository.visibleSql(ownerColumn, viewerParam, scope);
}

/** One (owner, viewer) pair as a set key. */
function pairKey(ownerId: string, viewerId: string): string {
  return `${ownerId}:${viewerId}`;
}

/** The rule in memory, for one push to many viewers: answered from one batch of lookups. */
export class VisibilityMap {
  constructor(
    private readonly activeOwners: ReadonlySet<string>,
    private readonly hidden: ReadonlySet<string>,
  ) {}

  isVisible(ownerId: string, viewerId: string | undefined): boolean {
    if (viewerId === ownerId) return true;
    if (!this.activeOwners.has(ownerId)) return false;
    return !viewerId || !this.hidden.has(pairKey(ownerId, viewerId));
  }
}

/** Which viewers mute which owners, among those of one push: answered from one lookup. */
export class MutedPairs {
  constructor(private readonly pairs: ReadonlySet<string>) {}

  isMuted(ownerId: string, viewerId: string): boolean {
    return this.pairs.has(pairKey(ownerId, viewerId));
  }
}

/**
 * The one place that says who may see and reach whom. Every feature that shows one account's
 * content to another, or lets one account act on another, asks here.
 *
 * Rules (PRODUCT.md, Social graph): an account that blocked the viewer is invisible to the viewer
 * and cannot be followed, mentioned, replied to or joined by them. Its profile and content (posts,
 * broadcasts, comments, shows) answer NOT_FOUND when asked for, are left out of lists, and are
 * null where a nullable field points at them. Where the API must still answer with its profile
 * (`withheldProfile`), its lists (timeline, followers, following) are empty. Acting on it answers
 * NOT_FOUND before any FORBIDDEN, so a refusal never confirms it exists (admins moderate whatever
 * exists). Live pushes skip the viewers it blocks. Mutes only filter the muter's timeline and
 * notifications.
 *
 * Counts (followersCount, likesCount, repliesCount, commentsCount, ...) are public aggregates,
 * stored on the row and the same for every viewer: they include what a block hides from some
 * viewers, as on Twitter and Mastodon: filtering them would mean a count per item per viewer.
 * Only a withheld profile shows its counts as 0.
 */
@Injectable()
export class RelationshipPolicy {
  /** For a viewer: which of these accounts block them. */
  readonly blocksViewer = definePairLoader<boolean>(
    'blocksViewer',
    async (viewerIds, userIds) =>
      (await this.relationships.hiddenPairs(userIds, viewerIds, VisibilityScope.CONTENT)).map(
        (pair) => ({ viewerId: pair.viewerId, key: pair.ownerId, value: true }),
      ),
    false,
  );

  constructor(
    private readonly relationships: RelationshipsRepository,
    private readonly accounts: AccountsService,
  ) {}

  /** True when `ownerId`'s content is hidden from the viewer; at once when the fact is in hand. */
  isHiddenFrom(
    loaders: RequestLoaders,
    ownerId: string,
    viewerId: string | undefined,
  ): Read<boolean> {
    if (!viewerId || viewerId === ownerId) return false;
    return loaders.read(this.blocksViewer, ownerId);
  }

  /** The active account `userId` as the viewer may see it: undefined when missing or hidden. */
  async findVisible(
    loaders: RequestLoaders,
    userId: string,
    viewerId: string | undefined,
  ): Promise<UserEntity | undefined> {
    const user = await loaders.load(this.accounts.byId, userId);
    if (!user || (await this.isHiddenFrom(loaders, userId, viewerId))) return undefined;
    return user;
  }

  /** As `findVisible`, NOT_FOUND instead of undefined. */
  async getVisible(
    loaders: RequestLoaders,
    userId: string,
    viewerId: string | undefined,
  ): Promise<UserEntity> {
    const user = await this.findVisible(loaders, userId, viewerId);
    if (!user) throw new NotFoundError('The user');
    return user;
  }

  /** NOT_FOUND when `ownerId` blocks the viewer; use before showing or acting on their things. */
  async assertVisible(
    loaders: RequestLoaders,
    ownerId: string,
    viewerId: string | undefined,
    what: string,
  ): Promise<void> {
    if (await this.isHiddenFrom(loaders, ownerId, viewerId)) throw new NotFoundError(what);
  }

  /**
   * The rule for pushing the content of `ownerIds` to `viewerIds` at once (the same as
   * `visibleToViewerSql`), in two lookups whatever the number of viewers.
   */
  async visibilityAmong(
    ownerIds: readonly string[],
    viewerIds: readonly string[],
    scope: VisibilityScope = VisibilityScope.CONTENT,
  ): Promise<VisibilityMap> {
    const owners = [...new Set(ownerIds)];
    const [active, hidden] = await Promise.all([
      this.accounts.findManyActive(owners),
      this.hiddenPairKeys(owners, viewerIds, scope),
    ]);
    return new VisibilityMap(new Set(active.keys()), hidden);
  }

  /**
   * Of `viewerIds`, those `ownerId`'s content is hidden from by a block, in one statement: for
   * pushing one account's content to many subscribers at once.
   */
  async hiddenFromAmong(ownerId: string, viewerIds: string[]): Promise<Set<string>> {
    const others = viewerIds.filter((id) => id !== ownerId);
    const hidden = await this.hiddenPairKeys([ownerId], others, VisibilityScope.CONTENT);
    return new Set(others.filter((viewerId) => hidden.has(pairKey(ownerId, viewerId))));
  }

  /**
   * The mutes among `ownerIds` and `viewerIds`, in one statement: what a push to a viewer's feed
   * (the home timeline's live updates) leaves out beyond what the items' own lookups hide, as the
   * home statement's FOLLOWED_FEED does.
   */
  async mutedAmong(ownerIds: readonly string[], viewerIds: readonly string[]): Promise<MutedPairs> {
    const owners = [...new Set(ownerIds)];
    const viewers = [...new Set(viewerIds)];
    if (owners.length === 0 || viewers.length === 0) return new MutedPairs(new Set());
    const mutes = await this.relationships.mutesAmong(viewers, owners);
    return new MutedPairs(new Set(mutes.map((mute) => pairKey(mute.mutedId, mute.muterId))));
  }

  /** Inside a transaction: whether `blockerId` blocks `blockedId`. */
  blocks(manager: EntityManager, blockerId: string, blockedId: string): Promise<boolean> {
    return this.relationships.blocks(blockerId, blockedId, manager);
  }

  /** Of `userIds`, those between whom and `userId` a block stands, either way. */
  async blockedEitherWay(
    manager: EntityManager,
    userId: string,
    userIds: string[],
  ): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    return new Set(await this.relationships.blockedEitherWay(userId, userIds, manager));
  }

  /** The (owner, viewer) pairs a block or mute hides in `scope`, as `pairKey`s, in one lookup. */
  private async hiddenPairKeys(
    ownerIds: readonly string[],
    viewerIds: readonly string[],
    scope: VisibilityScope,
  ): Promise<Set<string>> {
    const viewers = [...new Set(viewerIds)];
    if (ownerIds.length === 0 || viewers.length === 0) return new Set();
    const pairs = await this.relationships.hiddenPairs(ownerIds, viewers, scope);
    return new Set(pairs.map((pair) => pairKey(pair.ownerId, pair.viewerId)));
  }
}

/**
 * What an account that blocks the viewer shows them where the API must still answer with it
 * (blocking back, lifting one's own block): the handle and nothing else it wrote or counts.
 */
export function withheldProfile(user: UserModel): UserModel {
  return Object.assign(new UserModel(), {
    ...user,
    displayName: user.handle,
    bio: null,
    avatarUrl: null,
    followersCount: 0,
    followingCount: 0,
    postsCount: 0,
  });
}
