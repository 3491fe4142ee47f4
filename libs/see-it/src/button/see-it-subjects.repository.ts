import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql } from '@app/database';
import { ShowSchedule } from './see-it-status';
import { AiringEntity } from '../shows/airing.entity';
import { scheduleFromJoinedRow, scheduleSql } from '../shows/airings.repository';
import { ShowEntity } from '../shows/show.entity';
import { showFromJoinedRow, showIdsSql, showRowSql } from '../shows/shows.repository';
import { savedSql } from '../watch-later/watch-later.repository';

/** What one viewer's See it button on one show or broadcast shows. */
export interface SubjectRow {
  /** Null for a signed-out viewer. */
  viewerId: string | null;
  /** For a show: the show and its schedule. */
  show?: { row: ShowEntity; schedule: ShowSchedule<AiringEntity>; foundByTag: boolean };
  /** For a broadcast: its id. */
  broadcastId: string | null;
  saved: boolean;
}

const SHOW = 'show__';
const SCHEDULE = 'schedule_';

/**
 * What See it buttons show, for many viewers at once: the shows named by hashtag that each viewer
 * may see, the shows and broadcasts asked by id, each show's schedule, and whether each viewer
 * saved each one. It owns no table: the statement joins the fragments the shows, airings and
 * watch-later repositories lend, so a page of buttons, or a burst to many subscribers, is one
 * statement.
 */
@Injectable()
export class SeeItSubjectsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @GenerateSql({
    params: [[['2', null], ['theshow'], ['1'], ['3'], new Date('2026-01-02T03:04:05.678Z')]],
  })
  async among(
    viewerIds: readonly (string | null)[],
    tags: readonly string[],
    showIds: readonly string[],
    broadcastIds: readonly string[],
    at: Date,
  ): Promise<SubjectRow[]> {
    const schedule = scheduleSql('subject.show_id', '$5::timestamptz', SCHEDULE);
    const rows = await this.db.query<Record<string, unknown>[]>(
      `SELECT v.id AS viewer_id, subject.broadcast_id, subject.found_by_tag, show.*,
         ${schedule.columns},
         ${savedSql('v.id', 'subject.show_id', 'subject.broadcast_id')} AS saved
       FROM unnest($1::bigint[]) AS v(id)
       CROSS JOIN LATERAL (
         SELECT shown.show_id, shown.found_by_tag, NULL::bigint AS broadcast_id
         FROM (${showIdsSql('$2::text[]', '$3::bigint[]', 'v.id')}) shown
         UNION ALL
         SELECT NULL, NULL, b.id FROM unnest($4::bigint[]) AS b(id)
       ) subject
       ${showRowSql('subject.show_id', SHOW)}
       ${schedule.joins}`,
      [viewerIds, tags, showIds, broadcastIds, at],
    );
    return rows.map((row) => {
      const show = showFromJoinedRow(row, SHOW);
      return {
        viewerId: row.viewer_id as string | null,
        show: show && {
          row: show,
          schedule: scheduleFromJoinedRow(row, SCHEDULE),
          foundByTag: row.found_by_tag === true,
        },
        broadcastId: row.broadcast_id as string | null,
        saved: row.saved === true,
      };
    });
  }
}
