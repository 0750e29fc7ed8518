import type { CaseType, Role, Severity } from '../common/enums';

/** Documented in the README: change them before any real use. */
export const DEMO_USERS: Array<{ email: string; name: string; role: Role; password: string; scopeCodes: string[] }> = [
  { email: 'admin@auditcaseos.local', name: 'Ada Admin', role: 'ADMIN', password: 'Admin123!', scopeCodes: [] },
  { email: 'ivan@auditcaseos.local', name: 'Ivan Investigator', role: 'INVESTIGATOR', password: 'Investigator123!', scopeCodes: [] },
  { email: 'fiona@auditcaseos.local', name: 'Fiona Finance', role: 'INVESTIGATOR', password: 'Investigator123!', scopeCodes: ['FIN'] },
  { email: 'harry@auditcaseos.local', name: 'Harry HR', role: 'INVESTIGATOR', password: 'Investigator123!', scopeCodes: ['HR'] },
  { email: 'vera@auditcaseos.local', name: 'Vera Viewer', role: 'VIEWER', password: 'Viewer123!', scopeCodes: [] },
];

export const DEMO_CASES: Array<{
  title: string; description: string; caseType: CaseType; scopeCode: string; severity: Severity; tags: string[];
  assignee?: string; dueInDays?: number;
}> = [
  { title: 'Duplicate vendor payments in Q3 ledger', description: 'Three invoices from Nordlicht GmbH paid twice in September; total EUR 48,200.', caseType: 'INVESTIGATION', scopeCode: 'FIN', severity: 'HIGH', tags: ['payments', 'vendor'], assignee: 'fiona@auditcaseos.local', dueInDays: 14 },
  { title: 'Annual SOX control testing — revenue cycle', description: 'Walkthrough and testing of key controls RC-01 to RC-12.', caseType: 'AUDIT', scopeCode: 'FIN', severity: 'MEDIUM', tags: ['sox', 'revenue'], assignee: 'ivan@auditcaseos.local', dueInDays: 45 },
  { title: 'Expense claims above policy by regional sales', description: 'Hotel and entertainment claims exceeding the travel policy limits, 14 claims flagged by analytics.', caseType: 'COMPLIANCE', scopeCode: 'FIN', severity: 'MEDIUM', tags: ['expenses'], dueInDays: 21 },
  { title: 'Harassment complaint — warehouse shift B', description: 'Anonymous hotline report received 3 Nov; interview plan pending.', caseType: 'INVESTIGATION', scopeCode: 'HR', severity: 'CRITICAL', tags: ['hotline', 'confidential'], assignee: 'harry@auditcaseos.local', dueInDays: 7 },
  { title: 'Overtime approvals without manager sign-off', description: 'Payroll exception report shows 62 overtime entries with no approver.', caseType: 'AUDIT', scopeCode: 'HR', severity: 'LOW', tags: ['payroll'], dueInDays: 30 },
  { title: 'Phishing incident — finance mailbox compromise', description: 'Credential phishing led to mailbox rule forwarding invoices externally.', caseType: 'INCIDENT', scopeCode: 'IT', severity: 'CRITICAL', tags: ['phishing', 'security'], assignee: 'ivan@auditcaseos.local', dueInDays: 3 },
  { title: 'Privileged access review — ERP production', description: 'Quarterly review of 41 privileged accounts; 6 without ticket reference.', caseType: 'COMPLIANCE', scopeCode: 'IT', severity: 'HIGH', tags: ['access-review'], dueInDays: 10 },
  { title: 'Laptop lost at airport', description: 'Encrypted device reported lost by sales engineer; remote wipe requested.', caseType: 'INCIDENT', scopeCode: 'IT', severity: 'LOW', tags: ['asset'] },
  { title: 'Supplier due diligence — new logistics partner', description: 'Sanctions and beneficial ownership screening before contract signature.', caseType: 'COMPLIANCE', scopeCode: 'OPS', severity: 'MEDIUM', tags: ['kyc', 'supplier'], dueInDays: 20 },
  { title: 'Inventory shrinkage at Lyon depot', description: 'Cycle counts show 2.4% shrinkage vs 0.5% baseline for electronics.', caseType: 'INVESTIGATION', scopeCode: 'OPS', severity: 'HIGH', tags: ['inventory', 'fraud-risk'], assignee: 'ivan@auditcaseos.local', dueInDays: 12 },
  { title: 'Health and safety audit — plant 2', description: 'Scheduled ISO 45001 internal audit.', caseType: 'AUDIT', scopeCode: 'OPS', severity: 'MEDIUM', tags: ['iso45001'], dueInDays: 60 },
  { title: 'Gifts and hospitality register gaps', description: 'Register missing entries for two procurement managers.', caseType: 'COMPLIANCE', scopeCode: 'FIN', severity: 'LOW', tags: ['gifts'] },
];

/** Sample rules loaded with the demo data (documented in the README). */
export const DEMO_RULES = [
  {
    name: 'Notify the assignee when a case goes to review',
    description: 'Tags the case, tells the assignee and records it in the timeline.',
    triggerType: 'STATUS_CHANGE' as const, triggerConfig: { toStatus: ['UNDER_REVIEW'] }, priority: 10,
    actions: [
      { actionType: 'SEND_NOTIFICATION' as const, actionConfig: { recipients: ['ASSIGNEE'], title: '{{case.caseNumber}} is ready for review', message: '{{actor.name}} moved "{{case.title}}" from {{case.previousStatus}} to review.', priority: 'HIGH' } },
      { actionType: 'ADD_TAG' as const, actionConfig: { tag: 'needs-review' } },
      { actionType: 'CREATE_TIMELINE' as const, actionConfig: { message: 'Review requested; {{case.assignee.name}} notified by rule "{{rule.name}}".' } },
    ],
  },
  {
    name: 'Escalate critical cases to admins',
    description: 'Fires when a case becomes CRITICAL (not on every later change).',
    triggerType: 'CONDITION' as const, triggerConfig: { match: 'ALL', conditions: [{ field: 'severity', op: 'eq', value: 'CRITICAL' }] }, priority: 20,
    actions: [
      { actionType: 'SEND_NOTIFICATION' as const, actionConfig: { recipients: ['ADMINS'], title: 'Critical: {{case.caseNumber}}', message: '{{case.title}} ({{case.scopeCode}}) is now CRITICAL.', priority: 'URGENT' } },
      { actionType: 'ADD_TAG' as const, actionConfig: { tag: 'escalated' } },
    ],
  },
  {
    name: 'Auto-assign new unassigned investigations',
    description: 'Round-robin among investigators who may see the case scope.',
    triggerType: 'EVENT' as const, triggerConfig: { event: 'case.created', conditions: [{ field: 'caseType', op: 'eq', value: 'INVESTIGATION' }, { field: 'assigneeId', op: 'isEmpty' }] }, priority: 30,
    actions: [{ actionType: 'ASSIGN_USER' as const, actionConfig: { strategy: 'ROUND_ROBIN', role: 'INVESTIGATOR' } }],
  },
  {
    name: 'Morning reminder for open cases untouched for 7 days',
    description: 'Every day at 08:00 UTC, once per case until it is touched again.',
    triggerType: 'TIME_BASED' as const, triggerConfig: { cron: '0 8 * * *', conditions: [{ field: 'status', op: 'eq', value: 'OPEN' }, { field: 'updatedAt', op: 'olderThanHours', value: 168 }] }, priority: 100,
    actions: [{ actionType: 'SEND_NOTIFICATION' as const, actionConfig: { recipients: ['OWNER', 'ASSIGNEE'], title: 'Reminder: {{case.caseNumber}} has been open for a week', message: '"{{case.title}}" has not changed in 7 days.', priority: 'NORMAL' } }],
  },
  {
    name: 'Log evidence uploads',
    triggerType: 'EVENT' as const, triggerConfig: { event: 'evidence.uploaded' }, priority: 200, cooldownSeconds: 0,
    actions: [{ actionType: 'CREATE_TIMELINE' as const, actionConfig: { message: 'Evidence "{{evidence.filename}}" added by {{actor.name}}.' } }],
  },
];
