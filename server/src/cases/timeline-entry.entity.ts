import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { TimelineKind } from '../common/enums';

@Entity('case_timeline')
export class TimelineEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'enum', enumName: 'timeline_kind', enum: ['CREATED', 'STATUS_CHANGE', 'ASSIGNMENT', 'TAG', 'EVIDENCE', 'COMMENT', 'WORKFLOW'] })
  kind: TimelineKind;

  @Column({ type: 'text' })
  message: string;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'rule_id', type: 'uuid', nullable: true })
  ruleId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
