import { CaseStatus, CaseType, Severity } from '../core/api-models';

export interface Case {
  id: string;
  caseNumber: string;
  title: string;
  description: string | null;
  status: CaseStatus;
  caseType: CaseType;
  scopeCode: string;
  severity: Severity;
  assigneeId: string | null;
  ownerId: string | null;
  tags: string[];
  dueDate: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface CaseFilters {
  status?: CaseStatus | '';
  caseType?: CaseType | '';
  scopeCode?: string;
  tag?: string;
  q?: string;
  assigneeId?: string;
}

export interface NewCaseRequest {
  title: string;
  description?: string;
  caseType: CaseType;
  scopeCode: string;
  severity?: Severity;
  assigneeId?: string;
  tags?: string[];
  dueDate?: string;
}

export interface CaseChanges {
  title?: string;
  description?: string | null;
  status?: CaseStatus;
  severity?: Severity;
  assigneeId?: string | null;
  tags?: string[];
  dueDate?: string | null;
}

export type TimelineKind = 'CREATED' | 'STATUS_CHANGE' | 'ASSIGNMENT' | 'TAG' | 'EVIDENCE' | 'COMMENT' | 'WORKFLOW';

export interface TimelineEntry {
  id: string;
  caseId: string;
  kind: TimelineKind;
  message: string;
  actorId: string | null;
  ruleId: string | null;
  createdAt: string;
}

export interface Evidence {
  id: string;
  caseId: string;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string | null;
  description: string | null;
  createdAt: string;
}
