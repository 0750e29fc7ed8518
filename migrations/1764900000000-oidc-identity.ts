import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single sign-on: a user signed in through an OpenID provider is known by the provider's issuer and subject
 * (e-mails change, subjects do not), and has no password. `auth_provider` may already exist (the accounts
 * migration adds it too): IF NOT EXISTS lets either run first.
 */
export class OidcIdentity1764900000000 implements MigrationInterface {
  name = 'OidcIdentity1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN IF NOT EXISTS auth_provider text NOT NULL DEFAULT 'LOCAL'`);
    await q.query(`ALTER TABLE users ADD COLUMN oidc_issuer text, ADD COLUMN oidc_subject text`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_oidc_identity_pair CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL))`);
    await q.query(`CREATE UNIQUE INDEX users_oidc_identity_key ON users (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL`);
    // A user of the provider has no password: password sign-in compares against a decoy and fails.
    await q.query(`ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE users SET password_hash = '!' WHERE password_hash IS NULL`);
    await q.query(`ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL`);
    await q.query(`DROP INDEX users_oidc_identity_key`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_oidc_identity_pair, DROP COLUMN oidc_issuer, DROP COLUMN oidc_subject`);
  }
}
