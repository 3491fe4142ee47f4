import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { activeUserSql } from '@app/accounts';
import {
  ConflictError,
  ConnectionArgs,
  ConnectionShape,
  encodeCursor,
  keysetPage,
} from '@app/common';
import { GenerateSql, joinedRowSql, readJoinedRow, translateConstraints } from '@app/database';
import { visibleToViewerSql } from '@app/graph';
import { ShowFields } from './show-rules';
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

const SHOW_COLUMNS =
  's.id, s.owner_id, s.slug, s.title, s.network, s.hashtag, s.tag, s.description, s.created_at';

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

/** `LEFT JOIN LATERAL` of the show whose id is `idSql`, its columns under `prefix`. */
export function showRowSql(idSql: string, prefix: string): string {
  return joinedRowSql(SHOW_COLUMNS, prefix, 'shows s', `s.id = ${idSql}`);
}

/** The show `showRowSql` joined, or undefined when there was none. */
export function showFromJoinedRow(
  row: Record<string, unknown>,
  prefix: string,
): ShowEntity | undefined {
  return readJoinedRow(row, SHOW_COLUMNS, prefix, 'id', toShowEntity);
}

/**
 * The ids (column `show_id`) of the shows whose hashtag keys are in `tagsSql` that the viewer
 * `viewerSql` may see (`found_by_tag`), and of the shows whose ids are in `idsSql`, which the
 * caller already found visible.
 */
export function showIdsSql(tagsSql: string, idsSql: string, viewerSql: string): string {
  return `SELECT s.id AS show_id, tagged.found_by_tag FROM shows s
    CROSS JOIN LATERAL (SELECT s.tag = ANY(${tagsSql})
      AND ${visibleToViewerSql('s.owner_id', viewerSql)} AS found_by_tag) tagged
    WHERE tagged.found_by_tag OR s.id = ANY(${idsSql})`;
}

/**
 * The `shows` table. A suspended partner's shows disappear with the rest of their content, so
 * every read keeps only shows of active owners.
 */
@Injectable()
export class ShowsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @GenerateSql({ params: [[['1', '2']]] })
  async findByIds(ids: readonly string[]): Promise<ShowEntity[]> {
    const rows = await this.db.query<ShowRecord[]>(
      `SELECT ${SHOW_COLUMNS} FROM shows s
       WHERE s.id = ANY($1::bigint[]) AND ${activeUserSql('s.owner_id')}`,
      [ids],
    );
    return rows.map(toShowEntity);
  }

  /** Ids of the shows with these hashtag keys, whatever their owner's state. */
  @GenerateSql({ params: [[['tvshow', 'news']]] })
  async idsByTags(tags: readonly string[]): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(
      'SELECT id FROM shows WHERE tag = ANY($1::text[])',
      [tags],
    );
    return rows.map((row) => row.id);
  }

  /** The show with this slug (in any case), when the viewer may see it. */
  @GenerateSql({ params: [['the-show', '2']] })
  async findVisibleBySlug(
    slug: string,
    viewerId: string | undefined,
  ): Promise<ShowEntity | undefined> {
    const [row] = await this.db.query<ShowRecord[]>(
      `SELECT ${SHOW_COLUMNS} FROM shows s
       WHERE s.slug = lower($1) AND ${visibleToViewerSql('s.owner_id', '$2')}`,
      [slug, viewerId ?? null],
    );
    return row && toShowEntity(row);
  }

  /** The slug and the hashtag (in any case) are unique: the unique indexes decide races. */
  @GenerateSql({
    params: [
      [
        '1',
        {
          slug: 'the-show',
          title: 'The Show',
          network: 'ABC',
          hashtag: 'TheShow',
          tag: 'theshow',
          description: null,
        },
      ],
    ],
  })
  async insert(ownerId: string, fields: ShowFields): Promise<ShowEntity> {
    const [row] = await translateConstraints(
      () =>
        this.db.query<ShowRecord[]>(
          `INSERT INTO shows AS s (owner_id, slug, title, network, hashtag, tag, description)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${SHOW_COLUMNS}`,
          [
            ownerId,
            fields.slug,
            fields.title,
            fields.network,
            fields.hashtag,
            fields.tag,
            fields.description,
          ],
        ),
      {
        shows_slug_key: () => new ConflictError(`The slug "${fields.slug}" is already taken.`),
        shows_tag_key: () =>
          new ConflictError(
            `#${fields.hashtag} is already another show's hashtag (hashtags match in any case).`,
          ),
      },
    );
    return toShowEntity(row);
  }

  /**
   * Shows the viewer may see, newest first. onNow true: only those with an airing on now (found
   * through the GiST index on airing ranges, not by probing every show); false: only the others.
   */
  @GenerateSql({
    params: [
      [undefined, { first: 20 }, '2'],
      [true, { first: 20, after: encodeCursor(['9']) }, undefined],
      [false, { first: 20 }, '2'],
    ],
  })
  page(
    onNow: boolean | null | undefined,
    args: ConnectionArgs,
    viewerId: string | undefined,
  ): Promise<ConnectionShape<ShowEntity>> {
    const filtered = onNow !== null && onNow !== undefined;
    return keysetPage(
      args,
      {
        columns: [{ sql: 's.id', part: 'int' }],
        direction: 'DESC',
        keyOf: (show: ShowEntity) => [show.id],
      },
      filtered ? [viewerId ?? null, new Date()] : [viewerId ?? null],
      async ({ andAfter, limit, params }) => {
        params.push(limit);
        const airingNow = `s.id ${onNow ? '' : 'NOT '}IN (SELECT a.show_id FROM airings a
           WHERE tstzrange(a.starts_at, a.ends_at) @> $2::timestamptz)`;
        const rows = await this.db.query<ShowRecord[]>(
          `SELECT ${SHOW_COLUMNS} FROM shows s
           WHERE ${visibleToViewerSql('s.owner_id', '$1')}
             ${filtered ? `AND ${airingNow}` : ''} ${andAfter}
           ORDER BY s.id DESC LIMIT $${params.length}`,
          params,
        );
        return rows.map(toShowEntity);
      },
    );
  }
}
