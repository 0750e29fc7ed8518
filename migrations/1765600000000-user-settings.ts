import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How the console shows itself to each user: colour theme, 24 h or 12 h clock, display time zone (null: the browser's).
 * And, for the login page's list of demo accounts, the hash a demo user was seeded with: while `password_hash` still
 * equals it, the account still has its published password (no password check needed on a public route).
 */
export class UserSettings1765600000000 implements MigrationInterface {
  name = 'UserSettings1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_settings (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        theme text NOT NULL DEFAULT 'system' CHECK (theme IN ('light', 'dark', 'system')),
        time_format text NOT NULL DEFAULT '24h' CHECK (time_format IN ('24h', '12h')),
        time_zone text CHECK (time_zone IS NULL OR length(time_zone) BETWEEN 1 AND 100),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE users ADD COLUMN demo_password_hash text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN demo_password_hash`);
    await q.query(`DROP TABLE user_settings`);
  }
}
