import { Injectable } from '@nestjs/common';
import {
  canModerate,
  ConnectionArgs,
  ConnectionShape,
  defineLoader,
  ForbiddenError,
  groupBy,
  NotFoundError,
  RequestLoaders,
  Viewer,
  defineRowLoader,
} from '@app/common';
import { RelationshipPolicy } from '@app/graph';
import { hashtagKey, PostsRepository, TaggedPost } from '@app/posts';
import { ShowSchedule } from '../button/see-it-status';
import { AiringEntity } from './airing.entity';
import { AiringsRepository } from './airings.repository';
import { AiringFields, NewShow, parseAiring, parseShowInput } from './show-rules';
import { ShowEntity } from './show.entity';
import { ShowsRepository } from './shows.repository';

/** Shows and airings: creating them, and reading them with their schedule as of now. */
@Injectable()
export class ShowsService {
  readonly byId = defineRowLoader<ShowEntity>(
    'showsById',
    (ids) => this.shows.findByIds(ids),
    (row) => row.id,
  );

  /** The airings that decide each show's status, as of the moment of the batch. */
  readonly schedule = defineLoader<string, ShowSchedule<AiringEntity>>(
    'showSchedules',
    (showIds) => this.airingRows.schedules(showIds, new Date()),
    { viewerIndependent: true },
  );

  /** Every airing of each show, in the order they start. */
  readonly airings = defineLoader<string, AiringEntity[]>(
    'showAirings',
    async (showIds) => {
      const byShow = groupBy(await this.airingRows.findByShows(showIds), (a) => a.showId);
      return showIds.map((id) => byShow.get(id) ?? []);
    },
    { viewerIndependent: true },
  );

  readonly airingById = defineRowLoader<AiringEntity>(
    'airingsById',
    (ids) => this.airingRows.findByIds(ids),
    (row) => row.id,
  );

  constructor(
    private readonly shows: ShowsRepository,
    private readonly airingRows: AiringsRepository,
    private readonly posts: PostsRepository,
    private readonly policy: RelationshipPolicy,
  ) {}

  /**
   * The show, when the viewer may see it. A show is its owner's content: hidden, like the rest of
   * it, from an account the owner blocks.
   */
  async visible(
    loaders: RequestLoaders,
    show: ShowEntity | undefined,
    viewerId: string | undefined,
  ): Promise<ShowEntity | undefined> {
    if (!show || (await this.policy.isHiddenFrom(loaders, show.ownerId, viewerId))) {
      return undefined;
    }
    return show;
  }

  /** The show with this id, when it exists and the viewer may see it. */
  async findVisible(
    loaders: RequestLoaders,
    id: string,
    viewerId: string | undefined,
  ): Promise<ShowEntity | undefined> {
    return this.visible(loaders, await loaders.load(this.byId, id), viewerId);
  }

  /** The show with this id; NOT_FOUND when it does not exist or is hidden from the viewer. */
  async getVisible(
    loaders: RequestLoaders,
    id: string,
    viewerId: string | undefined,
  ): Promise<ShowEntity> {
    const show = await this.findVisible(loaders, id, viewerId);
    if (!show) throw new NotFoundError('The show');
    return show;
  }

  /** The show with this slug; NOT_FOUND when there is none or it is hidden from the viewer. */
  async getBySlug(slug: string, viewerId: string | undefined): Promise<ShowEntity> {
    const show = await this.shows.findVisibleBySlug(slug, viewerId);
    if (!show) throw new NotFoundError('The show');
    return show;
  }

  /** The slug and the hashtag (in any case) are unique: CONFLICT when taken. */
  create(viewer: Viewer, input: NewShow): Promise<ShowEntity> {
    return this.shows.insert(viewer.id, parseShowInput(input));
  }

  /**
   * The show's owner or an admin adds an airing. One that ends before it starts is
   * BAD_USER_INPUT; one that overlaps another of the show on the same channel is a CONFLICT.
   */
  async addAiring(
    viewer: Viewer,
    showId: string,
    input: AiringFields,
    loaders: RequestLoaders,
  ): Promise<ShowEntity> {
    const show = await loaders.load(this.byId, showId);
    if (!show) throw new NotFoundError('The show');
    if (!canModerate(viewer, show.ownerId)) {
      throw new ForbiddenError("Only the show's owner or an admin can add airings.");
    }
    await this.airingRows.insert(show.id, parseAiring(input));
    return show;
  }

  /** Shows the viewer may see, newest first; onNow true or false keeps those on now or not. */
  list(
    onNow: boolean | null | undefined,
    args: ConnectionArgs,
    viewerId: string | undefined,
  ): Promise<ConnectionShape<ShowEntity>> {
    return this.shows.page(onNow, args, viewerId);
  }

  /**
   * Posts with the show's hashtag, newest first, without suspended authors or authors who block
   * the viewer. Nothing is cached: a post is here as soon as it commits.
   */
  conversation(
    show: { tag: string },
    viewerId: string | undefined,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<TaggedPost>> {
    return this.posts.pageByTag(show.tag, viewerId, args);
  }

  /** Ids of the shows whose hashtags these are (as written in a post). */
  idsByHashtags(hashtags: readonly string[]): Promise<string[]> {
    return this.shows.idsByTags(hashtags.map(hashtagKey));
  }
}
