import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports, kept for the admins. A report outlives its target: the target's foreign key sets its
 * column to NULL, and target_kind keeps what kind it was. Indexes, each for one reader or writer:
 * - reports_queue_idx: the admin queue filtered by status, newest first (keyset on id).
 * - reports_open_key: one OPEN report per reporter and target, so reporting again is idempotent
 *   (report() names it in ON CONFLICT). A deleted target's reports no longer collide (NULL).
 * - reports_reporter_idx and the partial target and resolver indexes: the foreign keys' cascades
 *   (a deleted account, post, comment or broadcast) find their rows without scanning the table.
 */
export class Reports1763700000006 implements MigrationInterface {
  name = 'Reports1763700000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE "public"."report_target_kind" AS ENUM('USER', 'POST', 'COMMENT', 'BROADCAST')`,
    );
    await q.query(`CREATE TYPE "public"."report_status" AS ENUM('OPEN', 'ACTIONED', 'DISMISSED')`);
    await q.query(`CREATE TABLE "reports" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "reporter_id" bigint NOT NULL,
      "target_kind" "public"."report_target_kind" NOT NULL,
      "user_id" bigint,
      "post_id" bigint,
      "comment_id" bigint,
      "broadcast_id" bigint,
      "reason" text NOT NULL,
      "status" "public"."report_status" NOT NULL DEFAULT 'OPEN',
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      "resolved_at" TIMESTAMP(3) WITH TIME ZONE,
      "resolved_by" bigint,
      CONSTRAINT "reports_target_of_kind" CHECK ((user_id IS NULL OR target_kind = 'USER') AND (post_id IS NULL OR target_kind = 'POST')
        AND (comment_id IS NULL OR target_kind = 'COMMENT')
        AND (broadcast_id IS NULL OR target_kind = 'BROADCAST')),
      CONSTRAINT "reports_reason_length" CHECK (char_length(reason) BETWEEN 1 AND 500),
      CONSTRAINT "reports_resolution" CHECK (CASE WHEN status = 'OPEN' THEN resolved_at IS NULL AND resolved_by IS NULL
        ELSE resolved_at IS NOT NULL END),
      CONSTRAINT "reports_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "reports_queue_idx" ON "reports" ("status", "id" DESC)`);
    await q.query(
      `CREATE UNIQUE INDEX "reports_open_key" ON "reports" ("reporter_id", "target_kind", (COALESCE("user_id", "post_id", "comment_id", "broadcast_id"))) WHERE "status" = 'OPEN'`,
    );
    await q.query(`CREATE INDEX "reports_reporter_idx" ON "reports" ("reporter_id")`);
    const nullableKeys: [string, string][] = [
      ['reports_user_idx', 'user_id'],
      ['reports_post_idx', 'post_id'],
      ['reports_comment_idx', 'comment_id'],
      ['reports_broadcast_idx', 'broadcast_id'],
      ['reports_resolved_by_idx', 'resolved_by'],
    ];
    for (const [name, column] of nullableKeys) {
      await q.query(
        `CREATE INDEX "${name}" ON "reports" ("${column}") WHERE "${column}" IS NOT NULL`,
      );
    }
    const foreignKeys: [string, string, string, string][] = [
      ['reports_reporter_fk', 'reporter_id', 'users', 'CASCADE'],
      ['reports_user_fk', 'user_id', 'users', 'SET NULL'],
      ['reports_post_fk', 'post_id', 'posts', 'SET NULL'],
      ['reports_comment_fk', 'comment_id', 'broadcast_comments', 'SET NULL'],
      ['reports_broadcast_fk', 'broadcast_id', 'broadcasts', 'SET NULL'],
      ['reports_resolved_by_fk', 'resolved_by', 'users', 'SET NULL'],
    ];
    for (const [name, column, target, onDelete] of foreignKeys) {
      await q.query(
        `ALTER TABLE "reports" ADD CONSTRAINT "${name}" FOREIGN KEY ("${column}") REFERENCES "${target}"("id") ON DELETE ${onDelete} ON UPDATE NO ACTION`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "reports"`);
    await q.query(`DROP TYPE "public"."report_status"`);
    await q.query(`DROP TYPE "public"."report_target_kind"`);
  }
}
