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
