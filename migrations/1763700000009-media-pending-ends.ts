import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The media hooks' state, shared by every API process: the publishers accepted per broadcast, and
 * the ends waiting out the publish-done grace (swept by due time, hence its index).
 */
export class MediaPendingEnds1763700000009 implements MigrationInterface {
  name = 'MediaPendingEnds1763700000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "media_publishers" (
      "broadcast_id" bigint NOT NULL,
      "publisher" character varying(160) NOT NULL,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "media_publishers_pkey" PRIMARY KEY ("broadcast_id", "publisher"))`);
    await q.query(`CREATE TABLE "media_pending_ends" (
      "broadcast_id" bigint NOT NULL,
      "due_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
      CONSTRAINT "media_pending_ends_pkey" PRIMARY KEY ("broadcast_id"))`);
    await q.query(`CREATE INDEX "media_pending_ends_due_idx" ON "media_pending_ends" ("due_at")`);
    for (const table of ['media_publishers', 'media_pending_ends']) {
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${table}_broadcast_fk" FOREIGN KEY ("broadcast_id") REFERENCES "broadcasts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "media_pending_ends"`);
    await q.query(`DROP TABLE "media_publishers"`);
  }
}
