import type { RuleTemplate } from '../../../contracts/workflows';

/**
 * Ready-made rules for audit teams (GET /workflows/templates). Each body is what POST /workflows/rules
 * takes and passes its validation (a test saves every one); all are drafts (`isEnabled: false`), so the
 * admin reviews, dry-runs and backtests a template before it acts on anything.
 */
export const RULE_TEMPLATES: readonly RuleTemplate[] = [
  {
    key: 'sla-reminder',
    name: 'SLA reminder',
    description: 'Every weekday at 08:00, reminds the assignee of open cases that are more than three days old.',
    rule: {
      name: 'SLA reminder', description: 'Open cases older than 72 hours: remind the assignee each weekday morning.', isEnabled: false,
      triggerType: 'TIME_BASED',
      triggerConfig: {
        cron: '0 8 * * 1-5', timeZone: 'UTC',
        conditions: [{ field: 'status', op: 'in', value: ['OPEN', 'IN_PROGRESS'] }, { field: 'createdAt', op: 'olderThanHours', value: 72 }],
      },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: {
        recipients: ['ASSIGNEE'], priority: 'HIGH', title: 'SLA reminder: {{case.caseNumber}}',
        message: '"{{case.title}}" has been {{case.status}} for more than three days.',
      } }],
    },
  },
  {
    key: 'critical-escalation',
    name: 'Escalate CRITICAL cases',
    description: 'When a case becomes CRITICAL, alerts every admin at once and tags the case "escalated".',
    rule: {
      name: 'Escalate CRITICAL cases', description: 'Alert the admins once when a case becomes CRITICAL.', isEnabled: false, priority: 20,
      triggerType: 'CONDITION',
      triggerConfig: { match: 'ALL', conditions: [{ field: 'severity', op: 'eq', value: 'CRITICAL' }] },
      actions: [
        { actionType: 'SEND_NOTIFICATION', actionConfig: {
          recipients: ['ADMINS'], priority: 'URGENT', title: 'Critical: {{case.caseNumber}}',
          message: '{{case.title}} ({{case.scopeCode}}) is now CRITICAL.',
        } },
        { actionType: 'ADD_TAG', actionConfig: { tag: 'escalated' } },
      ],
    },
  },
  {
    key: 'round-robin-intake',
    name: 'Round-robin intake',
    description: 'New cases without an assignee go to the investigators in turn, with a note on the timeline.',
    rule: {
      name: 'Round-robin intake', description: 'Assign new unassigned cases to investigators in turn.', isEnabled: false, priority: 30,
      triggerType: 'EVENT',
      triggerConfig: { event: 'case.created', conditions: [{ field: 'assigneeId', op: 'isEmpty' }] },
      actions: [
        { actionType: 'ASSIGN_USER', actionConfig: { strategy: 'ROUND_ROBIN', role: 'INVESTIGATOR' } },
        { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'Assigned to {{case.assignee.name}} by rule "{{rule.name}}".' } },
      ],
    },
  },
  {
    key: 'evidence-received',
    name: 'Evidence received',
    description: 'Tells the assignee about every file uploaded to their case and logs it on the timeline.',
    rule: {
      name: 'Evidence received', description: 'Notify the assignee of each new piece of evidence.', isEnabled: false, cooldownSeconds: 0,
      triggerType: 'EVENT',
      triggerConfig: { event: 'evidence.uploaded' },
      actions: [
        { actionType: 'SEND_NOTIFICATION', actionConfig: {
          recipients: ['ASSIGNEE'], title: 'New evidence on {{case.caseNumber}}',
          message: '{{actor.name}} uploaded {{evidence.filename}} to "{{case.title}}".',
        } },
        { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'Evidence received: {{evidence.filename}}.' } },
      ],
    },
  },
  {
    key: 'stale-case-nudge',
    name: 'Stale case nudge',
    description: 'Every Monday at 09:00, nudges owner and assignee of open cases untouched for two weeks, and tags them "stale".',
    rule: {
      name: 'Stale case nudge', description: 'Open cases unchanged for 14 days: nudge owner and assignee.', isEnabled: false,
      triggerType: 'TIME_BASED',
      triggerConfig: {
        cron: '0 9 * * 1', timeZone: 'UTC',
        conditions: [{ field: 'status', op: 'in', value: ['OPEN', 'IN_PROGRESS', 'UNDER_REVIEW'] }, { field: 'updatedAt', op: 'olderThanHours', value: 336 }],
      },
      actions: [
        { actionType: 'SEND_NOTIFICATION', actionConfig: {
          recipients: ['OWNER', 'ASSIGNEE'], title: '{{case.caseNumber}} has not moved for two weeks',
          message: '"{{case.title}}" is {{case.status}} and unchanged for 14 days.',
        } },
        { actionType: 'ADD_TAG', actionConfig: { tag: 'stale' } },
      ],
    },
  },
  {
    key: 'reopened-case-alert',
    name: 'Reopened case alert',
    description: 'When a closed case is reopened, alerts its owner and the admins and notes it on the timeline.',
    rule: {
      name: 'Reopened case alert', description: 'A CLOSED case went back to work.', isEnabled: false,
      triggerType: 'STATUS_CHANGE',
      triggerConfig: { fromStatus: ['CLOSED'], toStatus: ['OPEN', 'IN_PROGRESS', 'UNDER_REVIEW'] },
      actions: [
        { actionType: 'SEND_NOTIFICATION', actionConfig: {
          recipients: ['OWNER', 'ADMINS'], priority: 'HIGH', title: '{{case.caseNumber}} was reopened',
          message: '{{actor.name}} moved "{{case.title}}" from {{case.previousStatus}} to {{case.status}}.',
        } },
        { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'Case reopened ({{case.previousStatus}} → {{case.status}}).' } },
      ],
    },
  },
  {
    key: 'overdue-due-date',
    name: 'Overdue due date',
    description: 'Every hour, finds open cases past their due date: tags them "overdue" and warns the assignee (once per case).',
    rule: {
      name: 'Overdue due date', description: 'Open cases past their due date.', isEnabled: false,
      triggerType: 'TIME_BASED',
      triggerConfig: {
        cron: '0 * * * *', timeZone: 'UTC',
        conditions: [{ field: 'status', op: 'notIn', value: ['CLOSED', 'ARCHIVED'] }, { field: 'dueDate', op: 'olderThanHours', value: 1 }],
      },
      actions: [
        { actionType: 'ADD_TAG', actionConfig: { tag: 'overdue' } },
        { actionType: 'SEND_NOTIFICATION', actionConfig: {
          recipients: ['ASSIGNEE'], priority: 'HIGH', title: '{{case.caseNumber}} is overdue',
          message: '"{{case.title}}" was due {{case.dueDate}}.',
        } },
      ],
    },
  },
  {
    key: 'closure-note',
    name: 'Closure note',
    description: 'When a case is closed, writes who closed it on the timeline and tells the owner.',
    rule: {
      name: 'Closure note', description: 'Record every closure.', isEnabled: false, cooldownSeconds: 0,
      triggerType: 'STATUS_CHANGE',
      triggerConfig: { toStatus: ['CLOSED'] },
      actions: [
        { actionType: 'CREATE_TIMELINE', actionConfig: { message: 'Closed by {{actor.name}} (was {{case.previousStatus}}).' } },
        { actionType: 'SEND_NOTIFICATION', actionConfig: {
          recipients: ['OWNER'], title: '{{case.caseNumber}} closed', message: '{{actor.name}} closed "{{case.title}}".',
        } },
      ],
    },
  },
  {
    key: 'review-handoff',
    name: 'Review hand-off',
    description: 'When a case goes to UNDER_REVIEW, tells the admins it is ready for review.',
    rule: {
      name: 'Review hand-off', description: 'Cases ready for review.', isEnabled: false,
      triggerType: 'STATUS_CHANGE',
      triggerConfig: { toStatus: ['UNDER_REVIEW'] },
      actions: [{ actionType: 'SEND_NOTIFICATION', actionConfig: {
        recipients: ['ADMINS'], title: '{{case.caseNumber}} is ready for review', message: '"{{case.title}}" ({{case.severity}}) awaits review.',
      } }],
    },
  },
];
