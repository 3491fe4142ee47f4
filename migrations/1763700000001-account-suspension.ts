import { MigrationInterface, QueryRunner } from 'typeorm';

/** Why an admin suspended an account, kept for the admins while it stays suspended. */
export class AccountSuspension1763700000001 implements MigrationInterface {
  name = 'AccountSuspension1763700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "suspension_reason" character varying(500)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "suspension_reason"`);
  }
}
