import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live broadcasts: the broadcasts themselves (ids from item_id_seq, shared with posts), presence,
 * counted hearts, chat comments and bans.
 *
 * Hand-written additions to what the entities declare: the partial unique index that allows one
 * LIVE broadcast per broadcaster (concurrent starts race on it, and exactly one commits), and the
 * partial index behind liveNow, which reads only LIVE broadcasts, most watched first.
 */
export class Broadcasts1763700000002 implements MigrationInterface {
  name = 'Broadcasts1763700000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE "public"."broadcast_status" AS ENUM('SCHEDULED', 'LIVE', 'ENDED', 'CANCELED')`,
    );
    await q.query(`CREATE TYPE "public"."broadcast_visibility" AS ENUM('PUBLIC', 'FOLLOWERS')`);
    await q.query(`CREATE TYPE "public"."chat_mode" AS ENUM('EVERYONE', 'FOLLOWERS', 'OFF')`);
    await q.query(`CREATE TABLE "broadcasts" (
      "id" bigint NOT NULL DEFAULT nextval('item_id_seq'),
      "broadcaster_id" bigint NOT NULL,
      "title" character varying(140) NOT NULL,
      "status" "public"."broadcast_status" NOT NULL,
      "visibility" "public"."broadcast_visibility" NOT NULL,
      "chat_mode" "public"."chat_mode" NOT NULL,
      "scheduled_for" TIMESTAMP(3) WITH TIME ZONE,
      "started_at" TIMESTAMP(3) WITH TIME ZONE,
      "ended_at" TIMESTAMP(3) WITH TIME ZONE,
      "stream_key" character varying(64) NOT NULL,
      "viewer_count" integer NOT NULL DEFAULT '0',
      "peak_viewer_count" integer NOT NULL DEFAULT '0',
      "heart_count" integer NOT NULL DEFAULT '0',
      "comments_count" integer NOT NULL DEFAULT '0',
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "UQ_8ee745f9e19f35a8df27d2e1aed" UNIQUE ("stream_key"),
      CONSTRAINT "broadcasts_counts_not_negative" CHECK (viewer_count >= 0 AND peak_viewer_count >= 0 AND heart_count >= 0 AND comments_count >= 0),
      CONSTRAINT "broadcasts_title_length" CHECK (char_length(title) BETWEEN 1 AND 140),
      CONSTRAINT "PK_b0586900034d0726bbdcb1b21b2" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE INDEX "broadcasts_broadcaster_idx" ON "broadcasts" ("broadcaster_id", "created_at", "id")`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "broadcasts_one_live" ON "broadcasts" ("broadcaster_id") WHERE status = 'LIVE'`,
    );
    await q.query(
      `CREATE INDEX "broadcasts_live_idx" ON "broadcasts" ("viewer_count" DESC, "id" DESC) WHERE status = 'LIVE'`,
    );

    await q.query(`CREATE TABLE "broadcast_viewers" (
      "broadcast_id" bigint NOT NULL,
      "user_id" bigint NOT NULL,
      "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_a55aeb15583485985c9dc686f37" PRIMARY KEY ("broadcast_id", "user_id"))`);
    await q.query(`CREATE INDEX "broadcast_viewers_user_idx" ON "broadcast_viewers" ("user_id")`);
    await q.query(
      `CREATE INDEX "broadcast_viewers_expires_idx" ON "broadcast_viewers" ("expires_at")`,
    );

    await q.query(`CREATE TABLE "broadcast_hearts" (
      "broadcast_id" bigint NOT NULL,
      "user_id" bigint NOT NULL,
      "counted" integer NOT NULL,
      "last_counted" integer NOT NULL,
      CONSTRAINT "broadcast_hearts_counted_range" CHECK (counted BETWEEN 0 AND 500 AND last_counted >= 0),
      CONSTRAINT "PK_96c07581373daf860b63dfd41a9" PRIMARY KEY ("broadcast_id", "user_id"))`);
    await q.query(`CREATE INDEX "broadcast_hearts_user_idx" ON "broadcast_hearts" ("user_id")`);

    await q.query(`CREATE TABLE "broadcast_comments" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "broadcast_id" bigint NOT NULL,
      "author_id" bigint NOT NULL,
      "text" text NOT NULL,
      "offset_ms" integer NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "broadcast_comments_offset_not_negative" CHECK (offset_ms >= 0),
      CONSTRAINT "broadcast_comments_text_length" CHECK (char_length(text) BETWEEN 1 AND 200),
      CONSTRAINT "PK_335c6c8fbcd9ed0216703cac510" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE INDEX "broadcast_comments_replay_idx" ON "broadcast_comments" ("broadcast_id", "offset_ms", "id")`,
    );
    await q.query(
      `CREATE INDEX "broadcast_comments_author_idx" ON "broadcast_comments" ("author_id")`,
    );

    await q.query(`CREATE TABLE "broadcast_bans" (
      "broadcast_id" bigint NOT NULL,
      "user_id" bigint NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_1750d83af2da579dd7d9d4538fc" PRIMARY KEY ("broadcast_id", "user_id"))`);
    await q.query(`CREATE INDEX "broadcast_bans_user_idx" ON "broadcast_bans" ("user_id")`);

    const foreignKeys: [string, string, string, string][] = [
      ['broadcasts', 'broadcasts_broadcaster_fk', 'broadcaster_id', 'users'],
      ['broadcast_viewers', 'broadcast_viewers_broadcast_fk', 'broadcast_id', 'broadcasts'],
      ['broadcast_viewers', 'broadcast_viewers_user_fk', 'user_id', 'users'],
      ['broadcast_hearts', 'broadcast_hearts_broadcast_fk', 'broadcast_id', 'broadcasts'],
      ['broadcast_hearts', 'broadcast_hearts_user_fk', 'user_id', 'users'],
      ['broadcast_comments', 'broadcast_comments_broadcast_fk', 'broadcast_id', 'broadcasts'],
      ['broadcast_comments', 'broadcast_comments_author_fk', 'author_id', 'users'],
      ['broadcast_bans', 'broadcast_bans_broadcast_fk', 'broadcast_id', 'broadcasts'],
      ['broadcast_bans', 'broadcast_bans_user_fk', 'user_id', 'users'],
    ];
    for (const [table, name, column, target] of foreignKeys) {
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${name}" FOREIGN KEY ("${column}") REFERENCES "${target}"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'broadcast_bans',
      'broadcast_comments',
      'broadcast_hearts',
      'broadcast_viewers',
      'broadcasts',
    ]) {
      await q.query(`DROP TABLE "${table}"`);
    }
    await q.query(`DROP TYPE "public"."chat_mode"`);
    await q.query(`DROP TYPE "public"."broadcast_visibility"`);
    await q.query(`DROP TYPE "public"."broadcast_status"`);
  }
}
