import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Screen pairing codes: a screen asks for a code, an account pairs a device with it, the screen
 * claims its token with the secret only it knows. Indexes, each for one reader or writer:
 * - screen_pairing_codes_code_key: pairDevice(screenCode:), by the code's hash.
 * - screen_pairing_codes_secret_key: claimScreenCode, by the secret's hash.
 * - screen_pairing_codes_expiry_idx: the sweep of expired codes.
 * - screen_pairing_codes_device_idx: the device foreign key's cascade (an unpaired device).
 */
export class ScreenPairingCodes1796100000000 implements MigrationInterface {
  name = 'ScreenPairingCodes1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "screen_pairing_codes" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "code_hash" character(64) NOT NULL,
      "secret_hash" character(64) NOT NULL,
      "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
      "device_id" bigint,
      "claimed_at" TIMESTAMP(3) WITH TIME ZONE,
      "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "screen_pairing_codes_pkey" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE UNIQUE INDEX "screen_pairing_codes_code_key" ON "screen_pairing_codes" ("code_hash")`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "screen_pairing_codes_secret_key" ON "screen_pairing_codes" ("secret_hash")`,
    );
    await q.query(
      `CREATE INDEX "screen_pairing_codes_expiry_idx" ON "screen_pairing_codes" ("expires_at")`,
    );
    await q.query(
      `CREATE INDEX "screen_pairing_codes_device_idx" ON "screen_pairing_codes" ("device_id") WHERE "device_id" IS NOT NULL`,
    );
    await q.query(`ALTER TABLE "screen_pairing_codes" ADD CONSTRAINT "screen_pairing_codes_device_fk"
      FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "screen_pairing_codes"`);
  }
}
