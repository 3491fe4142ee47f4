import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * See it: shows and their airings, the taps on the button and their counters, watch-later lists,
 * paired devices, and the broadcast a post shares.
 *
 * Hand-written additions to what the entities declare:
 * - btree_gist and the exclusion constraint airings_no_overlap: two airings of a show on one
 *   channel never overlap, decided by PostgreSQL even for concurrent inserts. Its GiST index also
 *   finds a show's airing on now.
 * - airings_during_idx: a GiST index on the airing's time range alone, for shows(onNow), which
 *   asks "which airings contain now" across all shows.
 * - posts_broadcast_idx: partial (most posts share nothing), for the SET NULL cascade when a
 *   broadcast is deleted with its account.
 */
export class SeeIt1763700000005 implements MigrationInterface {
  name = 'SeeIt1763700000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`CREATE TYPE "public"."see_it_target" AS ENUM('TV', 'TABLET', 'MOBILE', 'WEB')`);
    await q.query(
      `CREATE TYPE "public"."see_it_action" AS ENUM('TV', 'TABLET', 'MOBILE', 'WEB', 'LATER')`,
    );

    await q.query(`CREATE TABLE "shows" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "owner_id" bigint NOT NULL,
      "slug" character varying(60) NOT NULL,
      "title" character varying(140) NOT NULL,
      "network" character varying(100) NOT NULL,
      "hashtag" character varying(100) NOT NULL,
      "tag" character varying(100) NOT NULL,
      "description" text,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "shows_slug_format" CHECK (slug ~ '^[a-z0-9-]{2,60}$'),
      CONSTRAINT "shows_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "shows_slug_key" ON "shows" ("slug")`);
    await q.query(`CREATE UNIQUE INDEX "shows_tag_key" ON "shows" ("tag")`);
    await q.query(`CREATE INDEX "shows_owner_idx" ON "shows" ("owner_id")`);

    await q.query(`CREATE TABLE "airings" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "show_id" bigint NOT NULL,
      "channel" character varying(60) NOT NULL,
      "starts_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
      "ends_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
      CONSTRAINT "airings_ends_after_start" CHECK (ends_at > starts_at),
      CONSTRAINT "airings_no_overlap" EXCLUDE USING gist (show_id WITH =, channel WITH =, tstzrange(starts_at, ends_at) WITH &&),
      CONSTRAINT "airings_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "airings_show_idx" ON "airings" ("show_id", "starts_at")`);
    await q.query(
      `CREATE INDEX "airings_during_idx" ON "airings" USING gist (tstzrange(starts_at, ends_at))`,
    );

    await q.query(`CREATE TABLE "see_it_taps" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "user_id" bigint,
      "show_id" bigint,
      "broadcast_id" bigint,
      "action" "public"."see_it_action" NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "see_it_taps_one_target" CHECK (num_nonnulls(show_id, broadcast_id) = 1),
      CONSTRAINT "see_it_taps_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "see_it_taps_user_idx" ON "see_it_taps" ("user_id")`);
    await q.query(`CREATE INDEX "see_it_taps_show_idx" ON "see_it_taps" ("show_id")`);
    await q.query(`CREATE INDEX "see_it_taps_broadcast_idx" ON "see_it_taps" ("broadcast_id")`);

    await q.query(`CREATE TABLE "see_it_tap_counts" (
      "show_id" bigint NOT NULL,
      "action" "public"."see_it_action" NOT NULL,
      "slot" smallint NOT NULL,
      "taps" bigint NOT NULL DEFAULT '0',
      CONSTRAINT "see_it_tap_counts_slot_range" CHECK (slot >= 0 AND slot < 16),
      CONSTRAINT "see_it_tap_counts_pkey" PRIMARY KEY ("show_id", "action", "slot"))`);

    await q.query(`CREATE TABLE "watch_later" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "user_id" bigint NOT NULL,
      "show_id" bigint,
      "broadcast_id" bigint,
      "saved_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "watch_later_one_target" CHECK (num_nonnulls(show_id, broadcast_id) = 1),
      CONSTRAINT "watch_later_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "watch_later_user_idx" ON "watch_later" ("user_id", "id")`);
    await q.query(
      `CREATE UNIQUE INDEX "watch_later_show_key" ON "watch_later" ("show_id", "user_id")`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "watch_later_broadcast_key" ON "watch_later" ("broadcast_id", "user_id")`,
    );

    await q.query(`CREATE TABLE "devices" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "owner_id" bigint NOT NULL,
      "name" character varying(60) NOT NULL,
      "kind" "public"."see_it_target" NOT NULL,
      "token_hash" character(64) NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "devices_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "devices_owner_idx" ON "devices" ("owner_id", "id")`);
    await q.query(`CREATE UNIQUE INDEX "devices_token_key" ON "devices" ("token_hash")`);

    await q.query(`ALTER TABLE "posts" ADD "broadcast_id" bigint`);
    await q.query(
      `CREATE INDEX "posts_broadcast_idx" ON "posts" ("broadcast_id") WHERE "broadcast_id" IS NOT NULL`,
    );

    const foreignKeys: [string, string, string, string, string][] = [
      ['shows', 'shows_owner_fk', 'owner_id', 'users', 'CASCADE'],
      ['airings', 'airings_show_fk', 'show_id', 'shows', 'CASCADE'],
      ['see_it_taps', 'see_it_taps_user_fk', 'user_id', 'users', 'SET NULL'],
      ['see_it_taps', 'see_it_taps_show_fk', 'show_id', 'shows', 'CASCADE'],
      ['see_it_taps', 'see_it_taps_broadcast_fk', 'broadcast_id', 'broadcasts', 'CASCADE'],
      ['see_it_tap_counts', 'see_it_tap_counts_show_fk', 'show_id', 'shows', 'CASCADE'],
      ['watch_later', 'watch_later_user_fk', 'user_id', 'users', 'CASCADE'],
      ['watch_later', 'watch_later_show_fk', 'show_id', 'shows', 'CASCADE'],
      ['watch_later', 'watch_later_broadcast_fk', 'broadcast_id', 'broadcasts', 'CASCADE'],
      ['devices', 'devices_owner_fk', 'owner_id', 'users', 'CASCADE'],
      ['posts', 'posts_broadcast_fk', 'broadcast_id', 'broadcasts', 'SET NULL'],
    ];
    for (const [table, name, column, target, onDelete] of foreignKeys) {
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${name}" FOREIGN KEY ("${column}") REFERENCES "${target}"("id") ON DELETE ${onDelete} ON UPDATE NO ACTION`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "posts" DROP CONSTRAINT "posts_broadcast_fk"`);
    await q.query(`DROP INDEX "posts_broadcast_idx"`);
    await q.query(`ALTER TABLE "posts" DROP COLUMN "broadcast_id"`);
    for (const table of [
      'devices',
      'watch_later',
      'see_it_tap_counts',
      'see_it_taps',
      'airings',
      'shows',
    ]) {
      await q.query(`DROP TABLE "${table}"`);
    }
    await q.query(`DROP TYPE "public"."see_it_action"`);
    await q.query(`DROP TYPE "public"."see_it_target"`);
    // btree_gist stays: other schemas may use it, and it holds no data.
  }
}
