import { Inject, Injectable } from '@nestjs/common';
import {
  BroadcastEntity,
  BroadcastModel,
  BroadcastsService,
  ReplaysService,
} from '@app/broadcasts';
import { RequestLoaders } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { hashtagKey, PostModel } from '@app/posts';
import { ShowModel } from '../shows/models/show.model';
import { ShowsService } from '../shows/shows.service';
import { deepLinks } from './deep-links';
import { SeeItModel, SeeItSubjectRef } from './models/see-it.model';
import { broadcastStatus, showChannel, showStatus } from './see-it-status';

/**
 * Builds See it buttons: their status at the time of the request and their links. Everything is
 * read through the request's loaders, so a page of posts costs one statement per kind of row,
 * whatever its length.
 */
@Injectable()
export class SeeItService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly shows: ShowsService,
    private readonly broadcasts: BroadcastsService,
    private readonly replays: ReplaysService,
  ) {}

  async forShow(loaders: RequestLoaders, show: ShowModel): Promise<SeeItModel> {
    const schedule = await loaders.load(this.shows.schedule, show.rowId);
    return {
      subject: { showId: show.rowId },
      title: show.title,
      status: showStatus(schedule),
      show,
      broadcast: null,
      links: deepLinks(this.config, {
        kind: 'show',
        slug: show.slug,
        channel: showChannel(schedule),
      }),
    };
  }

  /** A broadcast's button; ON_DEMAND once ended only while its replay is available. */
  async forBroadcast(loaders: RequestLoaders, broadcast: BroadcastModel): Promise<SeeItModel> {
    const replay = await this.replays.available(loaders, {
      id: broadcast.rowId,
      status: broadcast.status,
    });
    return {
      subject: { broadcastId: broadcast.rowId },
      title: broadcast.title,
      status: broadcastStatus(broadcast.status, replay !== undefined),
      show: null,
      broadcast,
      links: deepLinks(this.config, { kind: 'broadcast', id: broadcast.id }),
    };
  }

  /**
   * A post's button: the broadcast it shares, when the viewer may see it; otherwise the first
   * show whose hashtag it mentions, in the order the tags appear in the post.
   */
  async forPost(
    loaders: RequestLoaders,
    post: PostModel,
    viewerId: string | undefined,
  ): Promise<SeeItModel | null> {
    if (post.broadcastId) {
      const broadcast = await this.findVisibleBroadcast(loaders, post.broadcastId, viewerId);
      if (broadcast) return this.forBroadcast(loaders, BroadcastModel.from(broadcast));
    }
    if (post.hashtags.length === 0) return null;
    const tagged = await loaders.loadMany(this.shows.byTag, post.hashtags.map(hashtagKey));
    const shows = await Promise.all(
      tagged.map((show) => this.shows.visible(loaders, show, viewerId)),
    );
    const show = shows.find((found) => found !== undefined);
    return show ? this.forShow(loaders, ShowModel.from(show)) : null;
  }

  /** The button of a show or broadcast the viewer may see; undefined when they may not. */
  async forSubject(
    loaders: RequestLoaders,
    subject: SeeItSubjectRef,
    viewerId: string | undefined,
  ): Promise<SeeItModel | undefined> {
    if ('showId' in subject) {
      const show = await this.shows.findVisible(loaders, subject.showId, viewerId);
      return show && this.forShow(loaders, ShowModel.from(show));
    }
    const broadcast = await this.findVisibleBroadcast(loaders, subject.broadcastId, viewerId);
    return broadcast && this.forBroadcast(loaders, BroadcastModel.from(broadcast));
  }

  /** The broadcast, when it exists and the viewer may see it. */
  async findVisibleBroadcast(
    loaders: RequestLoaders,
    id: string,
    viewerId: string | undefined,
  ): Promise<BroadcastEntity | undefined> {
    const broadcast = await loaders.load(this.broadcasts.byId, id);
    if (!broadcast || !(await this.broadcasts.isVisible(loaders, broadcast, viewerId))) {
      return undefined;
    }
    return broadcast;
  }
}
