import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, the social graph, posts and home timelines.
 *
 * Hand-written additions to what the entities declare: the shared item id sequence (posts and
 * broadcasts), the case-insensitive unique indexes on handle and email, and the prefix indexes
 * behind searchUsers. Timeline tables carry no foreign keys on purpose: fan-out writes thousands
 * of rows per transaction, and every row is rebuilt or deleted by the timeline module itself.
 */
export class Initial1763700000000 implements MigrationInterface {
  name = 'Initial1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE "item_id_seq" AS bigint`);

    await q.query(`CREATE TYPE "public"."user_role" AS ENUM('MEMBER', 'PARTNER', 'ADMIN')`);
    await q.query(`CREATE TABLE "users" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "handle" character varying(30) NOT NULL,
      "email" character varying(254) NOT NULL,
      "password_hash" text NOT NULL,
      "display_name" character varying(50) NOT NULL,
      "bio" character varying(160),
      "avatar_url" character varying(500),
      "role" "public"."user_role" NOT NULL DEFAULT 'MEMBER',
      "suspended_at" TIMESTAMP(3) WITH TIME ZONE,
      "followers_count" integer NOT NULL DEFAULT '0',
      "following_count" integer NOT NULL DEFAULT '0',
      "posts_count" integer NOT NULL DEFAULT '0',
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "users_counts_not_negative" CHECK (followers_count >= 0 AND following_count >= 0 AND posts_count >= 0),
      CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "users_handle_lower_key" ON "users" (lower("handle"))`);
    await q.query(`CREATE UNIQUE INDEX "users_email_lower_key" ON "users" (lower("email"))`);
    await q.query(
      `CREATE INDEX "users_handle_prefix_idx" ON "users" (lower("handle") text_pattern_ops)`,
    );
    await q.query(
      `CREATE INDEX "users_display_name_prefix_idx" ON "users" (lower("display_name") text_pattern_ops)`,
    );

    await q.query(`CREATE TABLE "follows" (
      "follower_id" bigint NOT NULL,
      "followee_id" bigint NOT NULL,
      "notify" boolean NOT NULL DEFAULT true,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "follows_not_self" CHECK (follower_id <> followee_id),
      CONSTRAINT "PK_f9294bbb1517cfd99f06f534fe7" PRIMARY KEY ("follower_id", "followee_id"))`);
    await q.query(
      `CREATE INDEX "follows_follower_idx" ON "follows" ("follower_id", "created_at", "followee_id")`,
    );
    await q.query(
      `CREATE INDEX "follows_followee_idx" ON "follows" ("followee_id", "created_at", "follower_id")`,
    );
    await q.query(`CREATE TABLE "blocks" (
      "blocker_id" bigint NOT NULL,
      "blocked_id" bigint NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "blocks_not_self" CHECK (blocker_id <> blocked_id),
      CONSTRAINT "PK_806f6a5d38d031cdd868fd5e37e" PRIMARY KEY ("blocker_id", "blocked_id"))`);
    await q.query(`CREATE INDEX "blocks_blocked_idx" ON "blocks" ("blocked_id", "blocker_id")`);
    await q.query(`CREATE TABLE "mutes" (
      "muter_id" bigint NOT NULL,
      "muted_id" bigint NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "mutes_not_self" CHECK (muter_id <> muted_id),
      CONSTRAINT "PK_ff8d721183b5ec3c41522956f07" PRIMARY KEY ("muter_id", "muted_id"))`);

    await q.query(`CREATE TABLE "posts" (
      "id" bigint NOT NULL DEFAULT nextval('item_id_seq'::regclass),
      "author_id" bigint NOT NULL,
      "text" text NOT NULL,
      "reply_to_id" bigint,
      "hashtags" text array NOT NULL DEFAULT '{}',
      "likes_count" integer NOT NULL DEFAULT '0',
      "replies_count" integer NOT NULL DEFAULT '0',
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "posts_counts_not_negative" CHECK (likes_count >= 0 AND replies_count >= 0),
      CONSTRAINT "posts_text_length" CHECK (char_length(text) BETWEEN 1 AND 280),
      CONSTRAINT "PK_2829ac61eff60fcec60d7274b9e" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "posts_author_idx" ON "posts" ("author_id", "created_at", "id")`);
    await q.query(
      `CREATE INDEX "posts_reply_to_idx" ON "posts" ("reply_to_id", "created_at", "id")`,
    );
    await q.query(`CREATE TABLE "post_hashtags" (
      "post_id" bigint NOT NULL,
      "tag" character varying(100) NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_c1a12d454ea8f2103d6c36d68bf" PRIMARY KEY ("post_id", "tag"))`);
    await q.query(
      `CREATE INDEX "post_hashtags_tag_idx" ON "post_hashtags" ("tag", "created_at", "post_id")`,
    );
    await q.query(`CREATE TABLE "post_likes" (
      "post_id" bigint NOT NULL,
      "user_id" bigint NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_8f64693922a9e8c4e2605850d0b" PRIMARY KEY ("post_id", "user_id"))`);
    await q.query(`CREATE INDEX "post_likes_user_idx" ON "post_likes" ("user_id", "post_id")`);
    await q.query(`CREATE TABLE "post_mentions" (
      "post_id" bigint NOT NULL,
      "user_id" bigint NOT NULL,
      CONSTRAINT "PK_ce0cd5309b007f7e495d8369703" PRIMARY KEY ("post_id", "user_id"))`);
    await q.query(
      `CREATE INDEX "post_mentions_user_idx" ON "post_mentions" ("user_id", "post_id")`,
    );

    await q.query(`CREATE TYPE "public"."timeline_item_kind" AS ENUM('POST', 'BROADCAST')`);
    await q.query(`CREATE TABLE "timeline_entries" (
      "owner_id" bigint NOT NULL,
      "sort_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
      "item_id" bigint NOT NULL,
      "item_kind" "public"."timeline_item_kind" NOT NULL,
      "author_id" bigint NOT NULL,
      CONSTRAINT "PK_c417eb9955f3700ac297776d1aa" PRIMARY KEY ("owner_id", "sort_at", "item_id"))`);
    await q.query(`CREATE INDEX "timeline_entries_item_idx" ON "timeline_entries" ("item_id")`);
    await q.query(`CREATE TABLE "timeline_pulled_items" (
      "author_id" bigint NOT NULL,
      "sort_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
      "item_id" bigint NOT NULL,
      "item_kind" "public"."timeline_item_kind" NOT NULL,
      CONSTRAINT "PK_ccbb9bf22cc8b95f53c5e1bdbda" PRIMARY KEY ("author_id", "sort_at", "item_id"))`);
    await q.query(
      `CREATE INDEX "timeline_pulled_items_item_idx" ON "timeline_pulled_items" ("item_id")`,
    );
    await q.query(`CREATE TABLE "timeline_pull_authors" (
      "author_id" bigint NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_7e03a15fa70ba89e0f3c6065917" PRIMARY KEY ("author_id"))`);

    const foreignKeys: [string, string, string, string, string][] = [
      ['blocks', 'blocks_blocker_fk', 'blocker_id', 'users', 'CASCADE'],
      ['blocks', 'blocks_blocked_fk', 'blocked_id', 'users', 'CASCADE'],
      ['follows', 'follows_follower_fk', 'follower_id', 'users', 'CASCADE'],
      ['follows', 'follows_followee_fk', 'followee_id', 'users', 'CASCADE'],
      ['mutes', 'mutes_muter_fk', 'muter_id', 'users', 'CASCADE'],
      ['mutes', 'mutes_muted_fk', 'muted_id', 'users', 'CASCADE'],
      ['posts', 'posts_author_fk', 'author_id', 'users', 'CASCADE'],
      ['posts', 'posts_reply_to_fk', 'reply_to_id', 'posts', 'SET NULL'],
      ['post_hashtags', 'post_hashtags_post_fk', 'post_id', 'posts', 'CASCADE'],
      ['post_likes', 'post_likes_post_fk', 'post_id', 'posts', 'CASCADE'],
      ['post_likes', 'post_likes_user_fk', 'user_id', 'users', 'CASCADE'],
      ['post_mentions', 'post_mentions_post_fk', 'post_id', 'posts', 'CASCADE'],
      ['post_mentions', 'post_mentions_user_fk', 'user_id', 'users', 'CASCADE'],
    ];
    for (const [table, name, column, target, onDelete] of foreignKeys) {
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${name}" FOREIGN KEY ("${column}") REFERENCES "${target}"("id") ON DELETE ${onDelete} ON UPDATE NO ACTION`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'timeline_pull_authors',
      'timeline_pulled_items',
      'timeline_entries',
      'post_mentions',
      'post_likes',
      'post_hashtags',
      'posts',
      'mutes',
      'blocks',
      'follows',
      'users',
    ]) {
      await q.query(`DROP TABLE "${table}"`);
    }
    await q.query(`DROP TYPE "public"."timeline_item_kind"`);
    await q.query(`DROP TYPE "public"."user_role"`);
    await q.query(`DROP SEQUENCE "item_id_seq"`);
  }
}
