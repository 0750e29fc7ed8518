import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts and access (issue 13): password lifecycle columns on users, token revocation, login throttling
 * shared by every process, the first-run setup token and the append-only audit log.
 */
export class Accounts1764100013000 implements MigrationInterface {
  name = 'Accounts1764100013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE auth_provider AS ENUM ('LOCAL', 'OIDC')`);
    await q.query(`
      ALTER TABLE users
        ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
        ADD COLUMN last_login_at timestamptz,
        ADD COLUMN auth_provider auth_provider NOT NULL DEFAULT 'LOCAL',
        -- A token carries the version it was issued under; bumping it ends every token of the user at once.
        ADD COLUMN token_version integer NOT NULL DEFAULT 0,
        -- The one token that survives a bump: the one that changed the password.
        ADD COLUMN kept_token_id uuid`);

    // Single tokens signed out before they expire (rows are useless after expires_at and are pruned).
    await q.query(`
      CREATE TABLE revoked_tokens (
        token_id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX revoked_tokens_expires_idx ON revoked_tokens (expires_at)`);

    // One row per failed (or still undecided) login; counted over a sliding window per account and per address.
    await q.query(`
      CREATE TABLE login_failures (
        id bigserial PRIMARY KEY,
        account_key text NOT NULL,
        client_address text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX login_failures_account_idx ON login_failures (account_key, failed_at)`);
    await q.query(`CREATE INDEX login_failures_address_idx ON login_failures (client_address, failed_at)`);

    await q.query(`
      CREATE TABLE setup_tokens (
        token_hash text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_id uuid,
        actor_name text,
        action text NOT NULL,
        target_type text,
        target_id text,
        detail jsonb NOT NULL DEFAULT '{}',
        client_address text
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC)`);
    await q.query(`CREATE INDEX audit_log_target_idx ON audit_log (target_id, at DESC)`);
    // Append-only at the database: a trigger also binds a superuser, which a REVOKE would not.
    await q.query(`
      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_is_append_only()`);
    await q.query(`DROP TABLE setup_tokens, login_failures, revoked_tokens`);
    await q.query(`ALTER TABLE users DROP COLUMN must_change_password, DROP COLUMN last_login_at, DROP COLUMN auth_provider,
      DROP COLUMN token_version, DROP COLUMN kept_token_id`);
    await q.query(`DROP TYPE auth_provider`);
  }
}
