import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notification keeps the name its rule had when it was sent (the list shows it and "mute this rule" names it
 * without reading the workflows tables), and a user can opt in to desktop notifications.
 */
export class NotificationRuleNameAndDesktop1765200000000 implements MigrationInterface {
  name = 'NotificationRuleNameAndDesktop1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications ADD COLUMN rule_name text`);
    // Notifications sent before this column existed get their rule's current name (the best that is known).
    await q.query(`UPDATE notifications n SET rule_name = r.name FROM workflow_rules r WHERE n.rule_id = r.id`);
    await q.query(`ALTER TABLE notification_preferences ADD COLUMN desktop boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification_preferences DROP COLUMN desktop`);
    await q.query(`ALTER TABLE notifications DROP COLUMN rule_name`);
  }
}
