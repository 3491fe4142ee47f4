import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '@app/common';
import { GenerateSql, translateConstraints } from '@app/database';
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

const NO_SCHEDULE: ShowSchedule<AiringEntity> = { current: null, next: null, aired: false };

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

  /**
   * The airings that decide each show's status at `at`, in the order of `showIds`: the one on
   * then (served by the GiST index of airings_no_overlap), the next, and whether one has aired.
   */
  @GenerateSql({ params: [[['1', '2'], new Date('2026-01-02T03:04:05.678Z')]] })
  async schedules(showIds: readonly string[], at: Date): Promise<ShowSchedule<AiringEntity>[]> {
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
      [showIds, at],
    );
    const schedules = new Map<string, ShowSchedule<AiringEntity>>();
    for (const row of rows) {
      const schedule = schedules.get(row.show_id) ?? { ...NO_SCHEDULE };
      if (row.role === 'aired') schedule.aired = true;
      else schedule[row.role] = toAiringEntity(row);
      schedules.set(row.show_id, schedule);
    }
    return showIds.map((id) => schedules.get(id) ?? { ...NO_SCHEDULE });
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
