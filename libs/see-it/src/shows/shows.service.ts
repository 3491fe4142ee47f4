import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import {
  byKeys,
  ConflictError,
  ConnectionArgs,
  defineLoader,
  encodeCursor,
  ForbiddenError,
  keysetCondition,
  NotFoundError,
  pageSize,
  RequestLoaders,
  Role,
  Viewer,
} from '@app/common';
import { RelationshipPolicy, visibleToViewerSql } from '@app/graph';
import { ShowSchedule } from '../button/see-it-status';
import { AiringEntity } from './airing.entity';
import { AiringFields, NewShow, parseAiring, parseShowInput } from './show-rules';
import { ShowEntity } from './show.entity';

interface ShowRecord {
  id: string;
  owner_id: string;
  slug: string;
  title: string;
  network: string;
  hashtag: string;
  tag: string;
  description: string | null;
  created_at: Date;
}

interface AiringRecord {
  id: string;
  show_id: string;
  channel: string;
  starts_at: Date;
  ends_at: Date;
}

export interface ShowRow {
  show: ShowEntity;
  cursor: string;
}

export interface ConversationRow {
  postId: string;
  cursor: string;
}

const SHOW_COLUMNS =
  's.id, s.owner_id, s.slug, s.title, s.network, s.hashtag, s.tag, s.description, s.created_at';
// A suspended partner's shows disappear with the rest of their content.
const ACTIVE_OWNER = 'JOIN users u ON u.id = s.owner_id AND u.suspended_at IS NULL';

function toShowEntity(row: ShowRecord): ShowEntity {
  return Object.assign(new ShowEntity(), {
    id: row.id,
    ownerId: row.owner_id,
    slug: row.slug,
    title: row.title,
    network: row.network,
    hashtag: row.hashtag,
    tag: row.tag,
    description: row.description,
    createdAt: row.created_at,
  });
}

function toAiringEntity(row: AiringRecord): AiringEntity {
  return Object.assign(new AiringEntity(), {
    id: row.id,
    showId: row.show_id,
    channel: row.channel,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
  });
}

function violated(error: unknown): { code?: string; constraint?: string } {
  return error instanceof QueryFailedError
    ? ((error.driverError ?? {}) as { code?: string; constraint?: string })
    : {};
}

/** Shows and airings: creating them, and reading them with their schedule as of now. */
@Injectable()
export class ShowsService {
  readonly byId = defineLoader<string, ShowEntity | undefined>(
    'showsById',
    async (ids) => {
      const rows = await this.db.query<ShowRecord[]>(
        `SELECT ${SHOW_COLUMNS} FROM shows s ${ACTIVE_OWNER} WHERE s.id = ANY($1::bigint[])`,
        [ids],
      );
      return byKeys(ids, rows, (r) => r.id, toShowEntity, undefined);
    },
    { viewerIndependent: true },
  );

  /** Shows by the lower-cased hashtag key posts are indexed by (post_hashtags.tag). */
  readonly byTag = defineLoader<string, ShowEntity | undefined>(
    'showsByTag',
    async (tags) => {
      const rows = await this.db.query<ShowRecord[]>(
        `SELECT ${SHOW_COLUMNS} FROM shows s ${ACTIVE_OWNER} WHERE s.tag = ANY($1::text[])`,
        [tags],
      );
      return byKeys(tags, rows, (r) => r.tag, toShowEntity, undefined);
    },
    { viewerIndependent: true },
  );

  /**
   * The airings that decide each show's status, as of the moment of the batch: the one on now
   * (served by the GiST index of airings_no_overlap), the next, and whether one has aired.
   */
  readonly schedule = defineLoader<string, ShowSchedule<AiringEntity>>(
    'showSchedules',
    async (showIds) => {
      const rows = await this.db.query<(AiringRecord & { role: 'current' | 'next' | 'aired' })[]>(
        `SELECT s.id AS show_id, w.role, w.id, w.channel, w.starts_at, w.ends_at
         FROM unnest($1::bigint[]) AS s(id)
         CROSS JOIN LATERAL (
           (SELECT 'current' AS role, a.id, a.channel, a.starts_at, a.ends_at FROM airings a
            WHERE a.show_id = s.id AND tstzrange(a.starts_at, a.ends_at) @> $2::timestamptz
            ORDER BY a.starts_at, a.id LIMIT 1)
           UNION ALL
           (SELECT 'next', a.id, a.channel, a.starts_at, a.ends_at FROM airings a
            WHERE a.show_id = s.id AND a.starts_at > $2
            ORDER BY a.starts_at, a.id LIMIT 1)
           UNION ALL
           (SELECT 'aired', a.id, a.channel, a.starts_at, a.ends_at FROM airings a
            WHERE a.show_id = s.id AND a.ends_at <= $2 LIMIT 1)
         ) w`,
        [showIds, new Date()],
      );
      const schedules = new Map<string, ShowSchedule<AiringEntity>>();
      for (const row of rows) {
        const schedule = schedules.get(row.show_id) ?? { current: null, next: null, aired: false };
        if (row.role === 'aired') schedule.aired = true;
        else schedule[row.role] = toAiringEntity(row);
        schedules.set(row.show_id, schedule);
      }
      return showIds.map((id) => schedules.get(id) ?? { current: null, next: null, aired: false });
    },
    { viewerIndependent: true },
  );

  /** Every airing of each show, in the order they start. */
  readonly airings = defineLoader<string, AiringEntity[]>(
    'showAirings',
    async (showIds) => {
      const rows = await this.db.query<AiringRecord[]>(
        `SELECT id, show_id, channel, starts_at, ends_at FROM airings
         WHERE show_id = ANY($1::bigint[]) ORDER BY show_id, starts_at, id`,
        [showIds],
      );
      const byShow = new Map<string, AiringEntity[]>();
      for (const row of rows) {
        const list = byShow.get(row.show_id) ?? [];
        list.push(toAiringEntity(row));
        byShow.set(row.show_id, list);
      }
      return showIds.map((id) => byShow.get(id) ?? []);
    },
    { viewerIndependent: true },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
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
    if (!show || (await this.policy.isHiddenFrom(loaders, show.ownerId, viewerId)))
      return undefined;
    return show;
  }

  async bySlug(slug: string, viewerId: string | undefined): Promise<ShowEntity | undefined> {
    const [row] = await this.db.query<ShowRecord[]>(
      `SELECT ${SHOW_COLUMNS} FROM shows s ${ACTIVE_OWNER}
       WHERE s.slug = lower($1) AND ${visibleToViewerSql('s.owner_id', '$2')}`,
      [slug, viewerId ?? null],
    );
    return row && toShowEntity(row);
  }

  /** The slug and the hashtag (in any case) are unique: the unique indexes decide races. */
  async create(viewer: Viewer, input: NewShow): Promise<ShowEntity> {
    const fields = parseShowInput(input);
    try {
      const [row] = await this.db.query<ShowRecord[]>(
        `INSERT INTO shows AS s (owner_id, slug, title, network, hashtag, tag, description)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${SHOW_COLUMNS}`,
        [
          viewer.id,
          fields.slug,
          fields.title,
          fields.network,
          fields.hashtag,
          fields.tag,
          fields.description,
        ],
      );
      return toShowEntity(row);
    } catch (error) {
      const { code, constraint } = violated(error);
      if (code === '23505' && constraint === 'shows_slug_key') {
        throw new ConflictError(`The slug "${fields.slug}" is already taken.`);
      }
      if (code === '23505' && constraint === 'shows_tag_key') {
        throw new ConflictError(
          `#${fields.hashtag} is already another show's hashtag (hashtags match in any case).`,
        );
      }
      throw error;
    }
  }

  /**
   * The show's owner or an admin adds an airing. One that ends before it starts is
   * BAD_USER_INPUT; one that overlaps another of the show on the same channel is a CONFLICT,
   * decided by the exclusion constraint.
   */
  async addAiring(
    viewer: Viewer,
    showId: string,
    input: AiringFields,
    loaders: RequestLoaders,
  ): Promise<ShowEntity> {
    const show = await loaders.load(this.byId, showId);
    if (!show) throw new NotFoundError('The show');
    if (show.ownerId !== viewer.id && viewer.role !== Role.ADMIN) {
      throw new ForbiddenError("Only the show's owner or an admin can add airings.");
    }
    const airing = parseAiring(input);
    try {
      await this.db.query(
        'INSERT INTO airings (show_id, channel, starts_at, ends_at) VALUES ($1, $2, $3, $4)',
        [show.id, airing.channel, airing.startsAt, airing.endsAt],
      );
    } catch (error) {
      const { code } = violated(error);
      if (code === '23P01') {
        throw new ConflictError(
          `This airing overlaps another airing of the show on ${airing.channel}.`,
        );
      }
      // The show was deleted (with its account) in the meantime.
      if (code === '23503') throw new NotFoundError('The show');
      throw error;
    }
    return show;
  }

  /**
   * Shows, newest first. onNow true: only those with an airing on now (found through the GiST
   * index on airing ranges, not by probing every show); false: only the others.
   */
  async list(
    onNow: boolean | null | undefined,
    args: ConnectionArgs,
    viewerId: string | undefined,
  ): Promise<ShowRow[]> {
    const params: unknown[] = [pageSize(args) + 1, viewerId ?? null];
    const where: string[] = [visibleToViewerSql('s.owner_id', '$2')];
    if (onNow !== null && onNow !== undefined) {
      params.push(new Date());
      where.push(
        `s.id ${onNow ? '' : 'NOT '}IN (SELECT a.show_id FROM airings a
           WHERE tstzrange(a.starts_at, a.ends_at) @> $${params.length}::timestamptz)`,
      );
    }
    const after = keysetCondition(args.after, [{ sql: 's.id', part: 'int' }], 'DESC', params);
    if (after) where.push(after);
    const rows = await this.db.query<ShowRecord[]>(
      `SELECT ${SHOW_COLUMNS} FROM shows s ${ACTIVE_OWNER}
       WHERE ${where.join(' AND ')}
       ORDER BY s.id DESC LIMIT $1`,
      params,
    );
    return rows.map((row) => ({ show: toShowEntity(row), cursor: encodeCursor([row.id]) }));
  }

  /**
   * Posts with the show's hashtag, newest first, read from post_hashtags' (tag, created_at,
   * post_id) index, without suspended authors or authors who block the viewer. Nothing is cached:
   * a post is here as soon as it commits.
   */
  async conversation(
    tag: string,
    viewerId: string | undefined,
    args: ConnectionArgs,
  ): Promise<ConversationRow[]> {
    const params: unknown[] = [tag, pageSize(args) + 1, viewerId ?? null];
    const after = keysetCondition(
      args.after,
      [
        { sql: 'h.created_at', part: 'timestamp' },
        { sql: 'h.post_id', part: 'int' },
      ],
      'DESC',
      params,
    );
    const rows = await this.db.query<{ post_id: string; created_at: Date }[]>(
      `SELECT h.post_id, h.created_at FROM post_hashtags h
       JOIN posts p ON p.id = h.post_id
       WHERE h.tag = $1 ${after && `AND ${after}`}
         AND ${visibleToViewerSql('p.author_id', '$3')}
       ORDER BY h.created_at DESC, h.post_id DESC
       LIMIT $2`,
      params,
    );
    return rows.map((row) => ({
      postId: row.post_id,
      cursor: encodeCursor([row.created_at.toISOString(), row.post_id]),
    }));
  }
}
