import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replays. Indexes, each for one reader or writer:
 * - broadcast_replays_sweep_idx: the retention sweep, oldest live replays first.
 * - broadcast_replay_views_user_idx: the user foreign key's cascade (a deleted account).
 * - broadcast_heart_bursts_replay_idx: replayEvents, a window of offsets of one broadcast.
 * UPDATED joins the timeline update kinds: a card whose item changed in place (its replay is ready).
 */
export class Replays1796090000000 implements MigrationInterface {
  name = 'Replays1796090000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "public"."timeline_update_kind" ADD VALUE IF NOT EXISTS 'UPDATED'`);
    await q.query(`CREATE TABLE "broadcast_replays" (
      "broadcast_id" bigint NOT NULL,
      "duration_ms" integer NOT NULL,
      "available_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      "deleted_at" TIMESTAMP(3) WITH TIME ZONE,
      "view_count" integer NOT NULL DEFAULT 0,
      CONSTRAINT "broadcast_replays_counts_not_negative" CHECK (duration_ms >= 0 AND view_count >= 0),
      CONSTRAINT "broadcast_replays_pkey" PRIMARY KEY ("broadcast_id"))`);
    await q.query(
      `CREATE INDEX "broadcast_replays_sweep_idx" ON "broadcast_replays" ("available_at") WHERE "deleted_at" IS NULL`,
    );
    await q.query(`CREATE TABLE "broadcast_replay_views" (
      "broadcast_id" bigint NOT NULL,
      "user_id" bigint NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "broadcast_replay_views_pkey" PRIMARY KEY ("broadcast_id", "user_id"))`);
    await q.query(
      `CREATE INDEX "broadcast_replay_views_user_idx" ON "broadcast_replay_views" ("user_id")`,
    );
    await q.query(`CREATE TABLE "broadcast_heart_bursts" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "broadcast_id" bigint NOT NULL,
      "offset_ms" integer NOT NULL,
      "hearts" integer NOT NULL,
      CONSTRAINT "broadcast_heart_bursts_values" CHECK (offset_ms >= 0 AND hearts > 0),
      CONSTRAINT "broadcast_heart_bursts_pkey" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE INDEX "broadcast_heart_bursts_replay_idx" ON "broadcast_heart_bursts" ("broadcast_id", "offset_ms", "id")`,
    );
    const foreignKeys: [string, string, string, string][] = [
      ['broadcast_replays', 'broadcast_replays_broadcast_fk', 'broadcast_id', 'broadcasts'],
      [
        'broadcast_replay_views',
        'broadcast_replay_views_broadcast_fk',
        'broadcast_id',
        'broadcasts',
      ],
      ['broadcast_replay_views', 'broadcast_replay_views_user_fk', 'user_id', 'users'],
      [
        'broadcast_heart_bursts',
        'broadcast_heart_bursts_broadcast_fk',
        'broadcast_id',
        'broadcasts',
      ],
    ];
    for (const [table, name, column, target] of foreignKeys) {
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${name}" FOREIGN KEY ("${column}") REFERENCES "${target}"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['broadcast_heart_bursts', 'broadcast_replay_views', 'broadcast_replays']) {
      await q.query(`DROP TABLE "${table}"`);
    }
    // PostgreSQL cannot drop an enum value: the type is rebuilt without it.
    await q.query(`DELETE FROM "timeline_updates" WHERE "kind" = 'UPDATED'`);
    await q.query(
      `ALTER TYPE "public"."timeline_update_kind" RENAME TO "timeline_update_kind_old"`,
    );
    await q.query(
      `CREATE TYPE "public"."timeline_update_kind" AS ENUM('ADDED', 'NOW_LIVE', 'ENDED', 'REMOVED')`,
    );
    await q.query(
      `ALTER TABLE "timeline_updates" ALTER COLUMN "kind" TYPE "public"."timeline_update_kind" USING "kind"::text::"public"."timeline_update_kind"`,
    );
    await q.query(`DROP TYPE "public"."timeline_update_kind_old"`);
  }
}
