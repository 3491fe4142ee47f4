import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Log rows record their writer's transaction id, so writers need no common lock: a reader orders
 * rows by (xid, id) and reads only below the oldest running transaction, where rows are final.
 * Rows written before all get this migration's transaction id, in id order, as the lock made them
 * visible; the purge horizon becomes a (xid, id) position the same way.
 */
export class TimelineLogPositions1796120000000 implements MigrationInterface {
  name = 'TimelineLogPositions1796120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "timeline_updates" ADD "xid" xid8 NOT NULL DEFAULT pg_current_xact_id()`,
    );
    await q.query(`DROP INDEX "timeline_updates_owner_idx"`);
    await q.query(`DROP INDEX "timeline_updates_author_idx"`);
    await q.query(
      `CREATE INDEX "timeline_updates_owner_idx" ON "timeline_updates" ("owner_id", "xid", "id") WHERE "owner_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "timeline_updates_author_idx" ON "timeline_updates" ("author_id", "xid", "id") WHERE "owner_id" IS NULL`,
    );
    await q.query(
      `CREATE INDEX "timeline_updates_position_idx" ON "timeline_updates" ("xid", "id")`,
    );
    await q.query(
      `ALTER TABLE "timeline_update_horizon" ADD "purged_xid" xid8 NOT NULL DEFAULT '0'`,
    );
    await q.query(
      `UPDATE "timeline_update_horizon" SET "purged_xid" = pg_current_xact_id() WHERE "purged_through" > 0`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "timeline_update_horizon" DROP COLUMN "purged_xid"`);
    await q.query(`DROP INDEX "timeline_updates_position_idx"`);
    await q.query(`DROP INDEX "timeline_updates_owner_idx"`);
    await q.query(`DROP INDEX "timeline_updates_author_idx"`);
    await q.query(`ALTER TABLE "timeline_updates" DROP COLUMN "xid"`);
    await q.query(
      `CREATE INDEX "timeline_updates_owner_idx" ON "timeline_updates" ("owner_id", "id") WHERE "owner_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "timeline_updates_author_idx" ON "timeline_updates" ("author_id", "id") WHERE "owner_id" IS NULL`,
    );
  }
}
