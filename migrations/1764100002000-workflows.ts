import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Workflow rules, actions, revisions, history, per-(rule, case) state, round-robin cursors and schedule ticks. */
export class Workflows1764100002000 implements MigrationInterface {
  name = 'Workflows1764100002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE workflow_trigger_type AS ENUM ('STATUS_CHANGE', 'TIME_BASED', 'EVENT', 'CONDITION')`);
    await q.query(`CREATE TYPE workflow_action_type AS ENUM ('CHANGE_STATUS', 'ASSIGN_USER', 'ADD_TAG', 'SEND_NOTIFICATION', 'CREATE_TIMELINE')`);

    await q.query(`
      CREATE TABLE workflow_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        trigger_type workflow_trigger_type NOT NULL,
        trigger_config jsonb NOT NULL,
        is_enabled boolean NOT NULL DEFAULT true,
        priority int NOT NULL DEFAULT 100,
        stop_processing boolean NOT NULL DEFAULT false,
        cooldown_seconds int NOT NULL DEFAULT 300 CHECK (cooldown_seconds >= 0),
        scope_codes text[] NOT NULL DEFAULT '{}',
        case_types case_type[] NOT NULL DEFAULT '{}',
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- newest schedule tick recorded for a TIME_BASED rule (catch-up after downtime)
        last_tick_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX workflow_rules_name_key ON workflow_rules (lower(name))`);
    await q.query(`CREATE INDEX workflow_rules_order_idx ON workflow_rules (priority, created_at)`);

    await q.query(`
      CREATE TABLE workflow_actions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rule_id uuid NOT NULL REFERENCES workflow_rules (id) ON DELETE CASCADE,
        action_type workflow_action_type NOT NULL,
        action_config jsonb NOT NULL,
        sequence int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX workflow_actions_rule_idx ON workflow_actions (rule_id, sequence)`);

    // One row bumped by every rule change: processes compare it to know their cached rule set is stale.
    await q.query(`CREATE TABLE workflow_rule_set_version (id int PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)`);
    await q.query(`INSERT INTO workflow_rule_set_version VALUES (1, 1)`);

    // Kept after the rule is deleted: traces and history still name it.
    await q.query(`
      CREATE TABLE workflow_rule_revisions (
        rule_id uuid NOT NULL,
        revision int NOT NULL,
        snapshot jsonb NOT NULL,
        change text NOT NULL,
        changed_by uuid,
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (rule_id, revision)
      )`);
    await q.query(`CREATE INDEX workflow_rule_revisions_time_idx ON workflow_rule_revisions (changed_at)`);

    await q.query(`
      CREATE TABLE workflow_history (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rule_id uuid NOT NULL,
        rule_name text NOT NULL,
        case_id uuid NOT NULL,
        case_number text NOT NULL,
        event_id uuid NOT NULL,
        event_name text NOT NULL,
        trigger_data jsonb NOT NULL DEFAULT '{}',
        actions_executed jsonb NOT NULL DEFAULT '[]',
        success boolean NOT NULL,
        error_message text,
        skipped_reason text CHECK (skipped_reason IN ('COOLDOWN', 'MAX_DEPTH')),
        depth int NOT NULL DEFAULT 0,
        duration_ms int NOT NULL DEFAULT 0,
        retry_of uuid REFERENCES workflow_history (id),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // Exactly once: one run per (event, rule, case); retries are separate rows, one per original.
    await q.query(`CREATE UNIQUE INDEX workflow_history_once_key ON workflow_history (event_id, rule_id, case_id) WHERE retry_of IS NULL`);
    await q.query(`CREATE UNIQUE INDEX workflow_history_retry_key ON workflow_history (retry_of) WHERE retry_of IS NOT NULL`);
    await q.query(`CREATE INDEX workflow_history_created_idx ON workflow_history (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX workflow_history_rule_idx ON workflow_history (rule_id, created_at DESC)`);
    // Case filter, and the cooldown check: "did this rule run for this case lately".
    await q.query(`CREATE INDEX workflow_history_case_idx ON workflow_history (case_id, rule_id, created_at DESC)`);
    await q.query(`CREATE INDEX workflow_history_failed_idx ON workflow_history (created_at DESC) WHERE NOT success`);

    // TIME_BASED "once until it stops matching", per rule and case (cooldowns are read from history).
    await q.query(`
      CREATE TABLE workflow_rule_case_state (
        rule_id uuid NOT NULL REFERENCES workflow_rules (id) ON DELETE CASCADE,
        case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        time_matched boolean NOT NULL DEFAULT false,
        PRIMARY KEY (rule_id, case_id)
      )`);

    await q.query(`
      CREATE TABLE workflow_round_robin (
        rule_id uuid PRIMARY KEY REFERENCES workflow_rules (id) ON DELETE CASCADE,
        last_user_id uuid
      )`);

    await q.query(`
      CREATE TABLE workflow_ticks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rule_id uuid NOT NULL REFERENCES workflow_rules (id) ON DELETE CASCADE,
        scheduled_for timestamptz NOT NULL,
        catch_up boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        processed_at timestamptz,
        cases_acted int NOT NULL DEFAULT 0,
        UNIQUE (rule_id, scheduled_for)
      )`);
    await q.query(`CREATE INDEX workflow_ticks_pending_idx ON workflow_ticks (created_at) WHERE processed_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE workflow_ticks, workflow_round_robin, workflow_rule_case_state, workflow_history,
      workflow_rule_revisions, workflow_rule_set_version, workflow_actions, workflow_rules`);
    await q.query(`DROP TYPE workflow_action_type, workflow_trigger_type`);
  }
}
