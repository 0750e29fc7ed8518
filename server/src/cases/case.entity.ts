import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CaseStatus, CaseType, Severity } from '../common/enums';

@Entity('cases')
export class CaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_number', type: 'text' })
  caseNumber: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'enum', enumName: 'case_status', enum: ['OPEN', 'IN_PROGRESS', 'UNDER_REVIEW', 'CLOSED', 'ARCHIVED'] })
  status: CaseStatus;

  @Column({ name: 'case_type', type: 'enum', enumName: 'case_type', enum: ['AUDIT', 'INVESTIGATION', 'COMPLIANCE', 'INCIDENT'] })
  caseType: CaseType;

  @Column({ name: 'scope_code', type: 'text' })
  scopeCode: string;

  @Column({ type: 'enum', enumName: 'case_severity', enum: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] })
  severity: Severity;

  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId: string | null;

  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ name: 'due_date', type: 'timestamptz', nullable: true })
  dueDate: Date | null;

  @Column({ name: 'evidence_count', type: 'int', default: 0 })
  evidenceCount: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}
