import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notification about a case keeps that case's scope code, written when it is created (a case's scope never
 * changes). Hiding notifications about cases a user may no longer see then needs only the notification and the
 * user's current scopes, which the caller passes in: the notifications module no longer reads `cases` or `users`.
 */
export class NotificationScope1765000000000 implements MigrationInterface {
  name = 'NotificationScope1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications ADD COLUMN scope_code text`);
    await q.query(`
      UPDATE notifications n SET scope_code = c.scope_code
        FROM cases c
       WHERE n.entity_type = 'case' AND c.id = n.entity_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications DROP COLUMN scope_code`);
  }
}
