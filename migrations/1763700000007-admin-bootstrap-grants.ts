import { MigrationInterface, QueryRunner } from 'typeorm';

/** BOOTSTRAP_ADMIN grants, once per handle (see AdminGrantEntity). */
export class AdminBootstrapGrants1763700000007 implements MigrationInterface {
  name = 'AdminBootstrapGrants1763700000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "admin_bootstrap_grants" (
      "handle" character varying(30) NOT NULL,
      "granted_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "admin_bootstrap_grants_pkey" PRIMARY KEY ("handle"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "admin_bootstrap_grants"`);
  }
}
