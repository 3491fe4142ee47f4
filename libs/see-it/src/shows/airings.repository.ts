import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '@app/common';
import {
  GenerateSql,
  joinedRowAlias,
  joinedRowSql,
  readJoinedRow,
  translateConstraints,
} from '@app/database';
import { ShowSchedule } from '../button/see-it-status';
import { AiringEntity } from './airing.entity';
import { AiringFields } from './show-rules';

interface AiringRecord {
  id: string;
  show_id: string;
  channel: string;
  starts_at: Date;
  ends_at: Date;
}

const AIRING_COLUMNS = 'a.id, a.show_id, a.channel, a.starts_at, a.ends_at';

function toAiringEntity(row: AiringRecord): AiringEntity {
  return Object.assign(new AiringEntity(), {
    id: row.id,
    showId: row.show_id,
    channel: row.channel,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
  });
}

/**
 * The joins that read the airings deciding the status of the show `showIdSql` at `atSql`: the one
 * on then (served by the GiST index of airings_no_overlap), the next to start, and whether one has
 * aired; under `prefix`, read back by `scheduleFromJoinedRow`.
 */
export function scheduleSql(showIdSql: string, atSql: string, prefix: string) {
  const current = `${prefix}current__`;
  const next = `${prefix}next__`;
  return {
    joins: `${joinedRowSql(
      AIRING_COLUMNS,
      current,
      'airings a',
      `a.show_id = ${showIdSql} AND tstzrange(a.starts_at, a.ends_at) @> ${atSql}
       ORDER BY a.starts_at, a.id LIMIT 1`,
    )}
      ${joinedRowSql(
        AIRING_COLUMNS,
        next,
        'airings a',
        `a.show_id = ${showIdSql} AND a.starts_at > ${atSql} ORDER BY a.starts_at, a.id LIMIT 1`,
      )}`,
    columns: `${joinedRowAlias(current)}.*, ${joinedRowAlias(next)}.*,
      EXISTS (SELECT 1 FROM airings a WHERE a.show_id = ${showIdSql} AND a.ends_at <= ${atSql})
        AS ${prefix}aired`,
  };
}

/** The schedule `scheduleSql` read under `prefix`. */
export function scheduleFromJoinedRow(
  row: Record<string, unknown>,
  prefix: string,
): ShowSchedule<AiringEntity> {
  return {
    current: readJoinedRow(row, AIRING_COLUMNS, `${prefix}current__`, 'id', toAiringEntity) ?? null,
    next: readJoinedRow(row, AIRING_COLUMNS, `${prefix}next__`, 'id', toAiringEntity) ?? null,
    aired: row[`${prefix}aired`] === true,
  };
}

const SCHEDULE = 'schedule_';

/** The `airings` table. */
@Injectable()
export class AiringsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @GenerateSql({ params: [[['1', '2']]] })
  async findByIds(ids: readonly string[]): Promise<AiringEntity[]> {
    const rows = await this.db.query<AiringRecord[]>(
      `SELECT ${AIRING_COLUMNS} FROM airings a WHERE a.id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map(toAiringEntity);
  }

  /** Every airing of these shows, in the order they start. */
  @GenerateSql({ params: [[['1', '2']]] })
  async findByShows(showIds: readonly string[]): Promise<AiringEntity[]> {
    const rows = await this.db.query<AiringRecord[]>(
      `SELECT ${AIRING_COLUMNS} FROM airings a
       WHERE a.show_id = ANY($1::bigint[]) ORDER BY a.show_id, a.starts_at, a.id`,
      [showIds],
    );
    return rows.map(toAiringEntity);
  }

  /** The airings that decide each show's status at `at` (`scheduleSql`), in the order of `showIds`. */
  @GenerateSql({ params: [[['1', '2'], new Date('2026-01-02T03:04:05.678Z')]] })
  async schedules(showIds: readonly string[], at: Date): Promise<ShowSchedule<AiringEntity>[]> {
    const schedule = scheduleSql('s.id', '$2::timestamptz', SCHEDULE);
    const rows = await this.db.query<Record<string, unknown>[]>(
      `SELECT s.id AS show_id, ${schedule.columns}
       FROM unnest($1::bigint[]) AS s(id) ${schedule.joins}`,
      [showIds, at],
    );
    const schedules = new Map(
      rows.map((row) => [row.show_id as string, scheduleFromJoinedRow(row, SCHEDULE)]),
    );
    return showIds.map((id) => schedules.get(id)!);
  }

  /**
   * One that overlaps another airing of the show on the same channel is a CONFLICT, decided by
   * the exclusion constraint; a show deleted (with its account) meanwhile is NOT_FOUND.
   */
  @GenerateSql({
    params: [
      [
        '1',
        {
          channel: 'ABC East',
          startsAt: new Date('2026-01-02T20:00:00.000Z'),
          endsAt: new Date('2026-01-02T21:00:00.000Z'),
        },
      ],
    ],
  })
  async insert(showId: string, airing: AiringFields): Promise<void> {
    await translateConstraints(
      () =>
        this.db.query(
          'INSERT INTO airings (show_id, channel, starts_at, ends_at) VALUES ($1, $2, $3, $4)',
          [showId, airing.channel, airing.startsAt, airing.endsAt],
        ),
      {
        airings_no_overlap: () =>
          new ConflictError(
            `This airing overlaps another airing of the show on ${airing.channel}.`,
          ),
        airings_show_fk: () => new NotFoundError('The show'),
      },
    );
  }
}
