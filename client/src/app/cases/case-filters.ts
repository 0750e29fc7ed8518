import type { CaseStatus, CaseType } from '../../../../contracts/enums';

/** The case list's filter form, sent as query parameters of `GET /cases` (empty values are left out). */
export interface CaseFilters {
  status?: CaseStatus | '';
  caseType?: CaseType | '';
  scopeCode?: string;
  tag?: string;
  q?: string;
  assigneeId?: string;
}
