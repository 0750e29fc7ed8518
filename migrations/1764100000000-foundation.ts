import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, cases, timeline, evidence and the domain-event outbox. */
export class Foundation1764100000000 implements MigrationInterface {
  name = 'Foundation1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE user_role AS ENUM ('ADMIN', 'INVESTIGATOR', 'VIEWER')`);
    await q.query(`CREATE TYPE case_status AS ENUM ('OPEN', 'IN_PROGRESS', 'UNDER_REVIEW', 'CLOSED', 'ARCHIVED')`);
    await q.query(`CREATE TYPE case_type AS ENUM ('AUDIT', 'INVESTIGATION', 'COMPLIANCE', 'INCIDENT')`);
    await q.query(`CREATE TYPE case_severity AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')`);
    await q.query(`CREATE TYPE timeline_kind AS ENUM ('CREATED', 'STATUS_CHANGE', 'ASSIGNMENT', 'TAG', 'EVIDENCE', 'COMMENT', 'WORKFLOW')`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        role user_role NOT NULL,
        password_hash text NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        scope_codes text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);

    await q.query(`
      CREATE TABLE case_number_counters (
        scope_code text NOT NULL,
        year int NOT NULL,
        last_value int NOT NULL,
        PRIMARY KEY (scope_code, year)
      )`);

    await q.query(`
      CREATE TABLE cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_number text NOT NULL UNIQUE,
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        status case_status NOT NULL DEFAULT 'OPEN',
        case_type case_type NOT NULL,
        scope_code text NOT NULL CHECK (scope_code ~ '^[A-Z][A-Z0-9]{1,9}$'),
        severity case_severity NOT NULL DEFAULT 'MEDIUM',
        assignee_id uuid REFERENCES users (id),
        owner_id uuid REFERENCES users (id),
        tags text[] NOT NULL DEFAULT '{}',
        due_date timestamptz,
        evidence_count int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz
      )`);
    await q.query(`CREATE INDEX cases_created_at_idx ON cases (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX cases_status_idx ON cases (status)`);
    await q.query(`CREATE INDEX cases_assignee_idx ON cases (assignee_id) WHERE assignee_id IS NOT NULL`);
    await q.query(`CREATE INDEX cases_scope_idx ON cases (scope_code)`);
    await q.query(`CREATE INDEX cases_tags_idx ON cases USING gin (tags)`);
    await q.query(`CREATE INDEX cases_updated_at_idx ON cases (updated_at)`);

    await q.query(`
      CREATE TABLE case_timeline (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        kind timeline_kind NOT NULL,
        message text NOT NULL,
        actor_id uuid,
        rule_id uuid,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX case_timeline_case_idx ON case_timeline (case_id, created_at)`);

    await q.query(`
      CREATE TABLE evidence (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        filename text NOT NULL,
        mime_type text NOT NULL,
        size_bytes bigint NOT NULL,
        sha256 char(64) NOT NULL,
        storage_key text NOT NULL UNIQUE,
        uploaded_by uuid NOT NULL REFERENCES users (id),
        description text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX evidence_case_idx ON evidence (case_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE domain_events (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        name text NOT NULL,
        case_id uuid NOT NULL,
        actor_id uuid,
        rule_id uuid,
        depth int NOT NULL DEFAULT 0,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        next_attempt_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text
      )`);
    // The dispatcher's claim query reads only unprocessed rows: keep them in small partial indexes.
    await q.query(`CREATE INDEX domain_events_pending_idx ON domain_events (seq) WHERE processed_at IS NULL`);
    await q.query(`CREATE INDEX domain_events_pending_case_idx ON domain_events (case_id, seq) WHERE processed_at IS NULL`);
    await q.query(`CREATE INDEX domain_events_case_idx ON domain_events (case_id, seq DESC)`);
    // Retention pruning walks events by age.
    await q.query(`CREATE INDEX domain_events_created_idx ON domain_events (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE domain_events, evidence, case_timeline, cases, case_number_counters, users`);
    await q.query(`DROP TYPE timeline_kind, case_severity, case_type, case_status, user_role`);
  }
}
