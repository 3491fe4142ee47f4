import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications. Indexes, each for one reader or writer:
 * - notifications_recipient_idx: the recipient's list, newest first (keyset on id).
 * - notifications_unread_idx: markNotificationsRead walks only what is still unread.
 * - notifications_actor_idx, notifications_post_key, notifications_broadcast_key: the cascades of
 *   a deleted account, post or broadcast find their rows without scanning the table.
 * - The three unique ones also make repeats notify once: a like after an unlike
 *   (post, kind, actor, recipient), a follow after an unfollow (followed_key), the same go-live.
 */
export class Notifications1763700000004 implements MigrationInterface {
  name = 'Notifications1763700000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE "public"."notification_kind" AS ENUM('FOLLOWED', 'MENTIONED', 'REPLIED', 'LIKED', 'WENT_LIVE')`,
    );
    await q.query(`CREATE TABLE "notifications" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "recipient_id" bigint NOT NULL,
      "kind" "public"."notification_kind" NOT NULL,
      "actor_id" bigint NOT NULL,
      "post_id" bigint,
      "broadcast_id" bigint,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      "read_at" TIMESTAMP(3) WITH TIME ZONE,
      CONSTRAINT "notifications_pkey" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE INDEX "notifications_recipient_idx" ON "notifications" ("recipient_id", "id" DESC)`,
    );
    await q.query(
      `CREATE INDEX "notifications_unread_idx" ON "notifications" ("recipient_id", "id") WHERE "read_at" IS NULL`,
    );
    await q.query(`CREATE INDEX "notifications_actor_idx" ON "notifications" ("actor_id")`);
    await q.query(
      `CREATE UNIQUE INDEX "notifications_post_key" ON "notifications" ("post_id", "kind", "actor_id", "recipient_id") WHERE "post_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "notifications_broadcast_key" ON "notifications" ("broadcast_id", "recipient_id") WHERE "broadcast_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "notifications_followed_key" ON "notifications" ("recipient_id", "actor_id") WHERE "kind" = 'FOLLOWED'`,
    );
    const foreignKeys: [string, string, string][] = [
      ['notifications_recipient_fk', 'recipient_id', 'users'],
      ['notifications_actor_fk', 'actor_id', 'users'],
      ['notifications_post_fk', 'post_id', 'posts'],
      ['notifications_broadcast_fk', 'broadcast_id', 'broadcasts'],
    ];
    for (const [name, column, target] of foreignKeys) {
      await q.query(
        `ALTER TABLE "notifications" ADD CONSTRAINT "${name}" FOREIGN KEY ("${column}") REFERENCES "${target}"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "notifications"`);
    await q.query(`DROP TYPE "public"."notification_kind"`);
  }
}
