import { CaseEntity } from '../cases/case.entity';
import { TimelineEntryEntity } from '../cases/timeline-entry.entity';
import { DomainEventEntity } from '../events/domain-event.entity';
import { EvidenceEntity } from '../evidence/evidence.entity';
import { UserEntity } from '../users/user.entity';

export const ENTITIES = [UserEntity, CaseEntity, TimelineEntryEntity, EvidenceEntity, DomainEventEntity];
