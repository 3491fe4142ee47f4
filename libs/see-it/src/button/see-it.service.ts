import { Inject, Injectable } from '@nestjs/common';
import {
  BroadcastEntity,
  BroadcastModel,
  BroadcastsService,
  ReplaysService,
} from '@app/broadcasts';
import { defineLoader, RequestLoaders } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { hashtagKey, PostModel } from '@app/posts';
import { ShowModel } from '../shows/models/show.model';
import { ShowsService } from '../shows/shows.service';
import { deepLinks } from './deep-links';
import { AiringEntity } from '../shows/airing.entity';
import { ShowEntity } from '../shows/show.entity';
import { SeeItModel, SeeItSubjectRef } from './models/see-it.model';
import { SeeItSubjectsRepository } from './see-it-subjects.repository';
import { broadcastStatus, ShowSchedule, showChannel, showStatus } from './see-it-status';

/** What a viewer's button on one show or broadcast shows, as `SeeItService.subjects` reads it. */
interface SubjectFacts {
  /** For a show: the show and its schedule. */
  show?: { row: ShowEntity; schedule: ShowSchedule<AiringEntity> };
  saved: boolean;
}

const NO_SCHEDULE: ShowSchedule<AiringEntity> = { current: null, next: null, aired: false };

/**
 * Builds See it buttons: their status at the time of the request, their links, and whether the
 * viewer saved them. Everything comes through one loader (`subjects`), so a page of buttons costs
 * one statement whatever its mix, and so does a burst to many subscribers.
 */
@Injectable()
export class SeeItService {
  /**
   * For a viewer, by subject key ('tag:<hashtag key>', 'show:<id>', 'broadcast:<id>'): the
   * visible show with that hashtag, or the show or broadcast asked by id (one the caller found
   * visible), with whether the viewer saved it. Undefined for a hashtag no visible show has.
   */
  readonly subjects = defineLoader<string, SubjectFacts | undefined>(
    'seeItSubjects',
    (keys, viewerId) => this.subjectFacts(keys.map((key) => ({ viewerId, key }))),
    { batchAmong: (requests) => this.subjectFacts(requests) },
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subjectRows: SeeItSubjectsRepository,
    private readonly shows: ShowsService,
    private readonly broadcasts: BroadcastsService,
    private readonly replays: ReplaysService,
  ) {}

  async forShow(loaders: RequestLoaders, show: ShowModel): Promise<SeeItModel> {
    const facts = await loaders.load(this.subjects, `show:${show.rowId}`);
    const schedule = facts?.show?.schedule ?? NO_SCHEDULE;
    return this.showButton(show, schedule, facts?.saved ?? false);
  }

  /** A broadcast's button; ON_DEMAND once ended only while its replay is available. */
  async forBroadcast(loaders: RequestLoaders, broadcast: BroadcastModel): Promise<SeeItModel> {
    const [replay, facts] = await Promise.all([
      this.replays.available(loaders, { id: broadcast.rowId, status: broadcast.status }),
      loaders.load(this.subjects, `broadcast:${broadcast.rowId}`),
    ]);
    return {
      title: broadcast.title,
      status: broadcastStatus(broadcast.status, replay !== undefined),
      show: null,
      broadcast,
      links: deepLinks(this.config, { kind: 'broadcast', id: broadcast.id }),
      savedByViewer: facts?.saved ?? false,
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
    const tagged = await loaders.loadMany(
      this.subjects,
      post.hashtags.map((tag) => `tag:${hashtagKey(tag)}`),
    );
    const found = tagged.find((facts) => facts?.show !== undefined);
    return found?.show
      ? this.showButton(ShowModel.from(found.show.row), found.show.schedule, found.saved)
      : null;
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

  private showButton(
    show: ShowModel,
    schedule: ShowSchedule<AiringEntity>,
    saved: boolean,
  ): SeeItModel {
    return {
      title: show.title,
      status: showStatus(schedule),
      show,
      broadcast: null,
      links: deepLinks(this.config, {
        kind: 'show',
        slug: show.slug,
        channel: showChannel(schedule),
      }),
      savedByViewer: saved,
    };
  }

  /** Every viewer's subjects in one statement; a key's facts are its viewer's. */
  private async subjectFacts(
    requests: readonly { viewerId: string | undefined; key: string }[],
  ): Promise<(SubjectFacts | undefined)[]> {
    // A signed-out viewer has saved no broadcast: only shows need the statement for them.
    const asked = requests.filter(
      ({ viewerId, key }) => viewerId !== undefined || !key.startsWith('broadcast:'),
    );
    if (asked.length === 0) return requests.map(() => ({ saved: false }));
    const ids = (kind: string) => [
      ...new Set(
        asked
          .filter(({ key }) => key.startsWith(`${kind}:`))
          .map(({ key }) => key.slice(kind.length + 1)),
      ),
    ];
    const rows = await this.subjectRows.among(
      [...new Set(asked.map(({ viewerId }) => viewerId ?? null))],
      ids('tag'),
      ids('show'),
      ids('broadcast'),
      new Date(),
    );
    const facts = new Map<string, SubjectFacts>();
    for (const { viewerId, show, broadcastId, saved } of rows) {
      const of = (key: string) => `${viewerId ?? ''}:${key}`;
      if (broadcastId !== null) {
        facts.set(of(`broadcast:${broadcastId}`), { saved });
      } else if (show) {
        const found = { show: { row: show.row, schedule: show.schedule }, saved };
        facts.set(of(`show:${show.row.id}`), found);
        if (show.foundByTag) facts.set(of(`tag:${show.row.tag}`), found);
      }
    }
    return requests.map(({ viewerId, key }) => facts.get(`${viewerId ?? ''}:${key}`));
  }
}
