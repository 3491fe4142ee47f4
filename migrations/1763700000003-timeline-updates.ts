import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-viewer timeline update log that `timelineUpdates(after:)` replays from. Partial indexes:
 * per-owner rows are read by owner, ownerless rows (accounts above the fan-out limit) by author.
 * BRIN on created_at for the retention purge, which walks the table in insertion order anyway.
 */
export class TimelineUpdates1763700000003 implements MigrationInterface {
  name = 'TimelineUpdates1763700000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE "public"."timeline_update_kind" AS ENUM('ADDED', 'NOW_LIVE', 'ENDED', 'REMOVED')`,
    );
    await q.query(`CREATE TABLE "timeline_updates" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "owner_id" bigint,
      "author_id" bigint NOT NULL,
      "kind" "public"."timeline_update_kind" NOT NULL,
      "item_kind" "public"."timeline_item_kind" NOT NULL,
      "item_id" bigint NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "timeline_updates_pkey" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE INDEX "timeline_updates_owner_idx" ON "timeline_updates" ("owner_id", "id") WHERE "owner_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "timeline_updates_author_idx" ON "timeline_updates" ("author_id", "id") WHERE "owner_id" IS NULL`,
    );
    await q.query(
      `CREATE INDEX "timeline_updates_created_idx" ON "timeline_updates" USING brin ("created_at")`,
    );
    await q.query(`CREATE TABLE "timeline_update_horizon" (
      "id" integer NOT NULL,
      "purged_through" bigint NOT NULL DEFAULT '0',
      CONSTRAINT "timeline_update_horizon_single_row" CHECK (id = 1),
      CONSTRAINT "timeline_update_horizon_pkey" PRIMARY KEY ("id"))`);
    await q.query(`INSERT INTO "timeline_update_horizon" ("id", "purged_through") VALUES (1, 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "timeline_update_horizon"`);
    await q.query(`DROP TABLE "timeline_updates"`);
    await q.query(`DROP TYPE "public"."timeline_update_kind"`);
  }
}
